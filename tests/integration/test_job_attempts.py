"""An event whose processing keeps failing runs exactly ATTEMPTS times, then is failed,
and the client reads a plain summary, not the exception."""

from __future__ import annotations

import psycopg
from procrastinate import RetryStrategy

from server import jobs, sales_runner
from tests.conftest import (
    NEHA,
    create_consumer,
    create_creator,
    post_page_view,
    running_service,
    wait_for,
)


async def test_a_failing_event_runs_exactly_attempts_times_then_fails(database_url, monkeypatch):
    runs = []

    def broken_context(creator_id, *settings, **named_settings):
        runs.append(creator_id)
        raise TypeError("unsupported operand type(s) for +: 'NoneType' and 'int'")

    monkeypatch.setattr(jobs, "RETRY", RetryStrategy(max_attempts=jobs.ATTEMPTS - 1, wait=0))
    monkeypatch.setattr(sales_runner, "sales_context", broken_context)
    async with running_service(database_url) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, NEHA)
        event_id = await post_page_view(client, NEHA["external_id"])

        async def job_finished():
            async with await psycopg.AsyncConnection.connect(database_url) as conn:
                cur = await conn.execute(
                    "SELECT status, attempts FROM procrastinate_jobs WHERE args->>'event_id' = %s",
                    (event_id,),
                )
                row = await cur.fetchone()
            return row if row and row[0] in ("failed", "succeeded") else None

        status, _ = await wait_for(job_finished)
        event = (await client.get(f"/events/{event_id}")).json()
    assert status == "failed"
    assert len(runs) == jobs.ATTEMPTS
    assert event["status"] == "failed"
    assert "TypeError" not in event["error"] and "NoneType" not in event["error"]
    assert f"{jobs.ATTEMPTS} times" in event["error"]
