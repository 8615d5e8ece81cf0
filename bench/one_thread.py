"""One thread's latency as it grows: one lead's quiet events (a booking, then a page view a
minute), each posted once the one before is processed; each event's time from arrival
(`received_at`) to `processed` (`processed_at`) by the database's clock, the first ten's
median against the last ten's."""

from __future__ import annotations

import statistics

import psycopg

from bench.lean_http import LeanHttp
from bench.service_run import StatusWatch, post_event
from bench.workload import BenchEvent

EDGE = 10  # events at each end compared


async def one_thread_latency(
    client: LeanHttp,
    watch: StatusWatch,
    conn: psycopg.AsyncConnection,
    lead: str,
    events: int,
) -> dict[str, float]:
    ids = []
    for seq in range(events):
        ids.append(await post_event(client, BenchEvent(lead, seq).body()))
        await watch.finished(ids[-1])
    cur = await conn.execute(
        "SELECT id, extract(epoch FROM processed_at - received_at) * 1000 FROM events"
        " WHERE id = ANY(%s)",
        (ids,),
    )
    latency = {event_id: float(ms) for event_id, ms in await cur.fetchall()}
    ordered = [latency[event_id] for event_id in ids]
    first = statistics.median(ordered[:EDGE])
    last = statistics.median(ordered[-EDGE:])
    return {
        "thread_events": float(events),
        "thread_first_ms": first,
        "thread_last_ms": last,
        "thread_last_over_first": last / first,
    }
