"""The service's figures that need their own setup, on a second service of the same topology
on its own fresh database, with WhatsApp through the Twilio stand-in, one after another:
new leads drafted (bench/new_leads.py), their drafts approved at a fixed rate
(bench/approvals.py), one thread's latency over many events (bench/one_thread.py), and
ingest acknowledgements at a fixed offered rate (bench/ingest.py), last, since the backlog it
leaves is not waited for."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import httpx
import psycopg

from bench.approvals import TimedTwilioStandIn, approve_at_rate
from bench.config import BenchConfig
from bench.ingest import offer_events
from bench.lean_http import LeanHttp
from bench.new_leads import new_lead_body, new_lead_whatsapp, run_new_leads
from bench.one_thread import one_thread_latency
from bench.service_run import (
    ADMIN_KEY,
    StatusWatch,
    add_leads,
    create_creator,
    run_queue,
    running_server,
)
from bench.workload import client_queues, lead_body, lead_ids

THREAD_LEAD = "thread-0000"
INGEST_LEADS = 64


async def run_service_targets(
    database_url: str, folder: Path, config: BenchConfig
) -> dict[str, float | None]:
    warm_names = lead_ids("newwarm", config.new_lead_warm_up)
    new_names = lead_ids("new", config.new_leads)
    numbered = warm_names + new_names
    numbers = {lead: new_lead_whatsapp(n) for n, lead in enumerate(numbered)}
    ingest_names = lead_ids("ingest", INGEST_LEADS)
    ingest_total = round(config.ingest_rate * config.ingest_seconds)
    # Each ingest lead's booking (a welcome drafted) and first view (a graph run) go first,
    # unmeasured; the measured offer is their page views that follow.
    (ingest_queue,) = client_queues(ingest_names, ingest_total + 2 * INGEST_LEADS, 1)
    ingest_start = [event for event in ingest_queue if event.seq < 2]
    ingest_offer = [event for event in ingest_queue if event.seq >= 2]
    auth = {"Authorization": f"Bearer {ADMIN_KEY}"}
    with TimedTwilioStandIn() as twilio:
        async with (
            running_server(database_url, folder, config.workers, twilio.url) as service,
            httpx.AsyncClient(
                base_url=service.base_url,
                headers=auth,
                limits=httpx.Limits(max_connections=config.concurrency + 4),
                timeout=60,
            ) as client,
            await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn,
        ):
            await create_creator(client)
            await add_leads(
                client,
                [new_lead_body(lead, n) for n, lead in enumerate(numbered)]
                + [lead_body(lead) for lead in [THREAD_LEAD, *ingest_names]],
            )
            watch = StatusWatch(conn)
            watcher = asyncio.create_task(watch.run())
            lean = LeanHttp(service.base_url, auth)
            try:
                cold_rate, _ = await run_new_leads(
                    lean, watch, conn, warm_names, config.concurrency
                )
                new_rate, approvals = await run_new_leads(
                    lean, watch, conn, new_names, config.concurrency
                )
                sent = await approve_at_rate(
                    lean,
                    twilio,
                    [(approvals[lead], numbers[lead]) for lead in new_names],
                    config.approval_rate,
                )
                thread = await one_thread_latency(
                    lean, watch, conn, THREAD_LEAD, config.thread_events
                )
                starts = client_queues(ingest_names, len(ingest_start), config.concurrency)
                await asyncio.gather(*(run_queue(lean, watch, queue) for queue in starts))
                ingest = await offer_events(
                    lean, [event.body() for event in ingest_offer], config.ingest_rate
                )
            finally:
                await lean.close()
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
    return {
        "new_lead_cold_events_per_s": cold_rate,
        "new_lead_events_per_s": new_rate,
        **sent,
        **thread,
        **ingest,
    }
