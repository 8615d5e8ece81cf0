"""New leads through the service: each lead's first page view, which the sales graph drafts a
message for (the template drafter: no model) and stops at the approval interrupt. HTTP
clients post each lead's view and wait for the event to leave `queued` (by then its draft is
pending); leads run `concurrency` at a time.

Each new lead has a WhatsApp number of its own, so the Twilio stand-in can tell which
approval a sent message answers (bench/approvals.py)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import psycopg

from bench.lean_http import LeanHttp
from bench.service_run import StatusWatch, post_event
from bench.workload import CREATOR, START, lead_body


def new_lead_whatsapp(n: int) -> str:
    return f"+91980{n:07d}"


def new_lead_body(lead: str, n: int) -> dict[str, Any]:
    """`POST /consumers`: a WhatsApp lead with consent and the number `new_lead_whatsapp(n)`."""
    return {**lead_body(lead), "whatsapp": new_lead_whatsapp(n)}


def first_view(lead: str) -> dict[str, Any]:
    """The lead's first page view: the agent drafts for it (`new_lead`)."""
    return {
        "creator_id": CREATOR,
        "consumer_id": lead,
        "type": "page_view",
        "occurred_at": START.isoformat(),
        "payload": {"page": "creator_profile"},
    }


async def run_new_leads(
    client: LeanHttp,
    watch: StatusWatch,
    conn: psycopg.AsyncConnection,
    leads: list[str],
    concurrency: int,
) -> tuple[float, dict[str, str]]:
    """Events per second over the leads' first views, and each lead's pending approval id."""
    event_ids: dict[str, str] = {}

    async def run(queue: list[str]) -> None:
        for lead in queue:
            event_ids[lead] = await post_event(client, first_view(lead))
            await watch.finished(event_ids[lead])

    clients = min(concurrency, len(leads))
    queues = [leads[w::clients] for w in range(clients)]
    started = time.perf_counter()
    await asyncio.gather(*(run(queue) for queue in queues))
    events_per_s = len(leads) / (time.perf_counter() - started)
    cur = await conn.execute(
        "SELECT consumer_id, decision->>'reason', decision->>'approval_id' FROM events"
        " WHERE id = ANY(%s)",
        (list(event_ids.values()),),
    )
    approvals: dict[str, str] = {}
    for lead, reason, approval_id in await cur.fetchall():
        if reason != "new_lead" or approval_id is None:
            raise RuntimeError(f"{lead}'s first view was not drafted: {reason}")
        approvals[lead] = approval_id
    return events_per_s, approvals
