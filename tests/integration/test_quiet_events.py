"""Quiet events on an idle sales thread are decided without a graph run (server.quiet_path),
on real Postgres: no checkpoint is written for them, the lead's context moves on, and the
next run starts from it. A thread whose draft waits runs the graph for every event, and a
run that stopped before recording its event is finished by the graph on the retry, even if
a decision made afresh would now be quiet."""

from __future__ import annotations

from datetime import datetime, timedelta

import psycopg
from procrastinate import RetryStrategy

from domain.thread_ids import sales_thread_id
from server import jobs
from server.sales_runner import SalesRunner
from server.store import leads
from tests.conftest import (
    create_consumer,
    create_creator,
    post_page_view,
    running_service,
    wait_for,
    wait_for_event,
    wait_for_message,
)

LEAD = {
    "external_id": "c-4001",
    "name": "Idle Lead",
    "whatsapp": "+919800000401",
    "consent": {"whatsapp": True},
}
THREAD = sales_thread_id("ajay_shenoy", LEAD["external_id"])
START = datetime(2026, 11, 2, 5, 30)


async def view(client, at: datetime) -> dict:
    return await wait_for_event(
        client, await post_page_view(client, LEAD["external_id"], at.isoformat() + "Z")
    )


def stored(database_url: str) -> tuple[int, bool | None]:
    """The thread's checkpoints, and whether its run is open (None: no context row yet)."""
    with psycopg.connect(database_url) as conn:
        checkpoints = conn.execute(
            "SELECT count(*) FROM checkpoints WHERE thread_id = %s", (THREAD,)
        ).fetchone()[0]
        row = conn.execute(
            "SELECT run_open FROM consumer_context WHERE creator_id = %s AND consumer_id = %s",
            ("ajay_shenoy", LEAD["external_id"]),
        ).fetchone()
    return checkpoints, row[0] if row else None


async def idle_after_a_rejected_first_draft(client, database_url: str) -> None:
    """The lead's first view drafts; the creator rejects the draft; the run ends."""
    first = await view(client, START)
    assert first["decision"]["reason"] == "new_lead"
    assert stored(database_url)[1] is True  # the draft waits
    answer = await client.post(
        f"/approvals/{first['decision']['approval_id']}/decision",
        json={"decisions": [{"type": "reject"}]},
    )
    assert answer.status_code == 200, answer.text

    async def run_ended():
        return stored(database_url)[1] is False

    await wait_for(run_ended)


async def test_quiet_events_write_no_checkpoint_and_the_next_run_starts_from_them(database_url):
    async with running_service(database_url) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, LEAD)
        await idle_after_a_rejected_first_draft(client, database_url)
        checkpoints, _ = stored(database_url)

        for minute in range(1, 5):
            quiet = await view(client, START + timedelta(minutes=minute))
            assert quiet["status"] == "processed"
            assert quiet["decision"]["reason"] == "seen_recently"
            assert quiet["decision"]["act"] is False
        assert stored(database_url) == (checkpoints, False)
        thread = (await client.get(f"/threads/ajay_shenoy/{LEAD['external_id']}")).json()
        assert thread["context"]["page_views"] == 5
        assert thread["awaiting_approval"] is False

        # A day later the lead returns: the graph runs, from the context the quiet views left.
        back = await view(client, START + timedelta(days=2))
        assert back["decision"]["reason"] == "returning_lead"
        assert stored(database_url)[0] > checkpoints
        assert stored(database_url)[1] is True
        graph = client.app.state.services.runner.graph_for(THREAD)
        state = (await graph.aget_state({"configurable": {"thread_id": THREAD}})).values
        assert state["context"]["page_views"] == 6
        assert state["previous_page_view_at"].startswith("2026-11-02T05:34")

        # While that draft waits, a view runs the graph and keeps it waiting.
        waiting_checkpoints = stored(database_url)[0]
        kept = await view(client, START + timedelta(days=2, minutes=1))
        assert kept["decision"]["reason"] == "pending_approval"
        assert stored(database_url) == (waiting_checkpoints + 1, True)
        thread = (await client.get(f"/threads/ajay_shenoy/{LEAD['external_id']}")).json()
        assert thread["awaiting_approval"] is True
        assert thread["context"]["page_views"] == 7


async def test_a_run_that_stopped_before_recording_is_finished_by_the_graph(
    database_url, monkeypatch
):
    """The returning lead's run drafts and waits, then the worker fails before the event is
    recorded; meanwhile the creator turned the agent off. The retry must not decide the
    event afresh (`not_triggered`, leaving a draft nobody's run waits on): the thread's run
    was marked open before it started, so the graph records what it did."""
    monkeypatch.setattr(jobs, "RETRY", RetryStrategy(max_attempts=jobs.ATTEMPTS - 1, wait=0))
    finish = SalesRunner._finish_event
    failed = []

    async def fail_once_after_the_run(conn, event, outcome, values):
        if outcome["reason"] == "returning_lead" and not failed:
            failed.append(event["id"])
            await conn.execute("UPDATE agents SET enabled = false")
            raise RuntimeError("the worker stopped here")
        await finish(conn, event, outcome, values)

    monkeypatch.setattr(SalesRunner, "_finish_event", staticmethod(fail_once_after_the_run))
    async with running_service(database_url) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, LEAD)
        await idle_after_a_rejected_first_draft(client, database_url)

        back = await view(client, START + timedelta(days=2))
        assert failed == [back["id"]]
        assert back["decision"]["reason"] == "returning_lead"
        assert back["decision"]["approval_id"]
        approval = (await client.get(f"/approvals/{back['decision']['approval_id']}")).json()
        assert approval["status"] == "pending"
        thread = (await client.get(f"/threads/ajay_shenoy/{LEAD['external_id']}")).json()
        assert thread["awaiting_approval"] is True
        assert stored(database_url)[1] is True


async def test_a_resume_that_failed_after_its_send_keeps_the_sends_context(
    database_url, monkeypatch
):
    """The creator approves the first draft; the resumed run sends it (its checkpoint counts
    the message in the context), then saving the lead's context fails once. The resume
    job's retry finds the run ended and returns; the next event's run starts from the saved
    context (server.sales_runner.graph_input_of), so the send must be counted there too."""
    monkeypatch.setattr(jobs, "RETRY", RetryStrategy(max_attempts=jobs.ATTEMPTS - 1, wait=0))
    save = leads.save_lead_context
    failed = []

    async def fail_once(conn, creator_id, lead_id, context, run_open):
        if context.get("messages_sent") and not failed:
            failed.append(lead_id)
            raise RuntimeError("the database went away here")
        await save(conn, creator_id, lead_id, context, run_open)

    monkeypatch.setattr(leads, "save_lead_context", fail_once)
    async with running_service(database_url) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, LEAD)
        first = await view(client, START)
        assert first["decision"]["reason"] == "new_lead"
        approval_id = first["decision"]["approval_id"]
        answer = await client.post(
            f"/approvals/{approval_id}/decision", json={"decisions": [{"type": "approve"}]}
        )
        assert answer.status_code == 200, answer.text
        assert (await wait_for_message(client, approval_id))["status"] in ("sent", "recorded")

        async def resume_done():
            with psycopg.connect(database_url) as conn:
                return conn.execute(
                    "SELECT 1 FROM procrastinate_jobs WHERE task_name = 'resume_approval'"
                    " AND status = 'succeeded'"
                ).fetchone()

        await wait_for(resume_done)
        assert failed == [LEAD["external_id"]]

        graph = client.app.state.services.runner.graph_for(THREAD)
        config = {"configurable": {"thread_id": THREAD}}
        assert (await graph.aget_state(config)).values["context"]["messages_sent"] == 1

        await view(client, START + timedelta(minutes=1))
        state = (await graph.aget_state(config)).values
        assert state["context"]["messages_sent"] == 1  # the send is not forgotten
        thread = (await client.get(f"/threads/ajay_shenoy/{LEAD['external_id']}")).json()
        assert thread["context"]["messages_sent"] == 1
