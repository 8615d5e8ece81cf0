"""Events of one thread are processed one at a time, in arrival order, losing no update."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import psycopg

from domain.thread_ids import sales_thread_id
from tests.conftest import create_consumer, create_creator, running_service, wait_for_event

LEADS = [
    {
        "external_id": f"c-{i}",
        "name": f"Lead {i}",
        "whatsapp": f"+9198765432{i:02d}",
        "consent": {"whatsapp": True},
    }
    for i in range(2)
]


async def test_concurrent_events_on_one_thread_keep_order_and_every_update(database_url):
    start = datetime(2026, 11, 2, 5, 30)
    async with running_service(database_url, worker_concurrency=8) as client:
        await create_creator(client, "ajay_shenoy")
        for lead in LEADS:
            await create_consumer(client, lead)
        posts = [
            client.post(
                "/events",
                json={
                    "creator_id": "ajay_shenoy",
                    "consumer_id": lead["external_id"],
                    "type": "page_view",
                    "payload": {},
                    "occurred_at": (start + timedelta(minutes=n)).isoformat() + "Z",
                },
            )
            for n in range(15)
            for lead in LEADS
        ]
        answers = await asyncio.gather(*posts)
        assert {a.status_code for a in answers} == {202}
        for answer in answers:
            await wait_for_event(client, answer.json()["event_id"])
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
