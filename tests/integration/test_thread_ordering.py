"""Events of one thread are processed one at a time, in arrival order, losing no update."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import psycopg

from domain.thread_ids import sales_thread_id
from server.store import event_log
from server.store.rows import ALL_CREATORS
from tests.conftest import (
    create_consumer,
    create_creator,
    post_page_view,
    running_service,
    wait_for_event,
)

LEADS = [
    {
        "external_id": f"c-{i}",
        "name": f"Lead {i}",
        "whatsapp": f"+9198765432{i:02d}",
        "consent": {"whatsapp": True},
    }
    for i in range(2)
]


def at(start: datetime, delta: timedelta) -> str:
    return (start + delta).isoformat() + "Z"


async def test_concurrent_events_on_one_thread_keep_order_and_every_update(database_url):
    start = datetime(2026, 11, 2, 5, 30)
    async with running_service(database_url, worker_concurrency=8) as client:
        await create_creator(client, "ajay_shenoy")
        for lead in LEADS:
            await create_consumer(client, lead)
        posts = [
            post_page_view(client, lead["external_id"], at(start, timedelta(minutes=n)))
            for n in range(15)
            for lead in LEADS
        ]
        for event_id in await asyncio.gather(*posts):
            await wait_for_event(client, event_id)
        for lead in LEADS:
            thread = (await client.get(f"/threads/ajay_shenoy/{lead['external_id']}")).json()
            # Fifteen views, none lost to a concurrent run on the same checkpoint.
            assert thread["context"]["page_views"] == 15
            reasons = [
                e["decision"]["reason"]
                for e in sorted(thread["events"], key=lambda e: e["processed_at"])
            ]
            assert reasons[0] == "new_lead"
            assert set(reasons[1:]) == {"pending_approval"}  # one draft per thread, no more
            assert len(thread["approvals"]) == 1

    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        cur = await conn.execute("""
            SELECT j.args->>'event_id', e.thread_id, e.processed_at
              FROM procrastinate_jobs j JOIN events e ON e.id = j.args->>'event_id'
             ORDER BY j.id""")
        rows = await cur.fetchall()
    for lead in LEADS:
        processed = [
            r[2] for r in rows if r[1] == sales_thread_id("ajay_shenoy", lead["external_id"])
        ]
        assert len(processed) == 15
        assert processed == sorted(processed), "a thread's jobs ran out of arrival order"


async def queue_burst(client) -> list[str]:
    """Three events of one lead queued while no worker runs: all waiting when one starts."""
    start = datetime(2026, 11, 2, 5, 30)
    await create_creator(client, "ajay_shenoy")
    await create_consumer(client, LEADS[0])
    lead = LEADS[0]["external_id"]
    return [
        await post_page_view(client, lead, at(start, timedelta(hours=30 * n))) for n in range(3)
    ]


async def run_worker_until_processed(client, ids: list[str]) -> list[dict]:
    jobs = client.app.state.services.jobs
    worker = asyncio.create_task(jobs.run_worker(4, 30.0))
    try:
        return [await wait_for_event(client, event_id) for event_id in ids]
    finally:
        await jobs.shut_down_worker(worker, 30.0)


async def processed_and_started(database_url: str) -> list[tuple]:
    """Per event, in queue order: its id, `processed_at` and its own job's first start."""
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        cur = await conn.execute(
            """SELECT e.id, e.processed_at, (
                      SELECT min(pe.at) FROM procrastinate_events pe
                       WHERE pe.job_id = j.id AND pe.type = 'started') AS started
                 FROM events e JOIN procrastinate_jobs j ON j.args->>'event_id' = e.id
                ORDER BY j.id"""
        )
        return await cur.fetchall()


async def test_a_burst_on_one_thread_is_handled_by_the_job_that_runs_first(database_url):
    """Three events waiting together: the first one's job handles all three, in order, each
    with its own decision, so the second and third wait for no poll of the queue."""
    async with running_service(database_url, run_worker=False) as client:
        ids = await queue_burst(client)
        events = await run_worker_until_processed(client, ids)

    assert [e["decision"]["reason"] for e in events] == [
        "new_lead",
        "pending_approval",
        "pending_approval",
    ]
    rows = await processed_and_started(database_url)
    assert [r[0] for r in rows] == ids
    processed = [r[1] for r in rows]
    assert processed == sorted(processed)
    # All three were processed by the first job, before the second job even started (the
    # thread's lock holds it back until the first job ends).
    second_started = rows[1][2]
    assert second_started is None or all(at < second_started for at in processed), rows


async def test_a_job_whose_event_was_handled_already_goes_on_with_the_burst(database_url):
    """A job that finds its event processed (handled by an earlier job's burst that stopped
    at BURST_LIMIT, or a retry) still goes on with the events queued behind it."""
    async with running_service(database_url, run_worker=False) as client:
        ids = await queue_burst(client)
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
            conn.row_factory = psycopg.rows.dict_row
            decision = {"act": False, "reason": "seen_recently"}
            await event_log.finish_event(conn, ids[0], "processed", decision)
        await run_worker_until_processed(client, ids[1:])
    rows = await processed_and_started(database_url)
    second_started = rows[1][2]
    assert second_started is None or all(r[1] < second_started for r in rows[1:]), rows


async def test_an_events_finish_says_whether_others_of_its_thread_wait(database_url):
    """The job goes on with a burst only when the finish saw one: the finish counts the
    thread's other queued events, not itself and not another thread's."""
    start = datetime(2026, 11, 2, 5, 30)
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, "ajay_shenoy")
        for lead in LEADS:
            await create_consumer(client, lead)
        ids = {}
        for lead, n in [(LEADS[0], 0), (LEADS[0], 1), (LEADS[1], 2)]:
            ids[n] = await post_page_view(
                client, lead["external_id"], at(start, timedelta(minutes=n))
            )
    decision = {"act": False, "reason": "seen_recently"}
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        conn.row_factory = psycopg.rows.dict_row
        first = await event_log.get_event(conn, ALL_CREATORS, ids[0])
        assert await event_log.finish_event_and_context(conn, first, decision, {}, False)
        # The other lead's event is queued too, on its own thread: it does not count.
        assert not await event_log.finish_event(conn, ids[1], "processed", decision)
        assert not await event_log.finish_event(conn, ids[2], "processed", decision)
