"""Retention on real Postgres: a quiet thread keeps only its latest checkpoint and goes on
exactly where it was, a thread whose draft waits is left alone, and finished jobs go after
a day while queued ones stay; delivery reports that no message claimed go after a day."""

from __future__ import annotations

from datetime import datetime, timedelta

import psycopg

from domain.thread_ids import sales_thread_id
from server.retention import apply_retention
from tests.conftest import (
    NEHA,
    create_consumer,
    create_creator,
    post_page_view,
    running_service,
    wait_for_event,
    wait_for_message,
)

QUIET = {
    "external_id": "c-3001",
    "name": "Quiet Lead",
    "whatsapp": "+919800000301",
    "consent": {"whatsapp": True},
}
START = datetime(2026, 11, 2, 5, 30)


async def view(client, lead: dict, at: datetime) -> dict:
    event_id = await post_page_view(client, lead["external_id"], at.isoformat() + "Z")
    return await wait_for_event(client, event_id)


def stored(database_url: str, thread_id: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:
        return {
            table: conn.execute(
                f"SELECT count(*) FROM {table} WHERE thread_id = %s", (thread_id,)
            ).fetchone()[0]
            for table in ("checkpoints", "checkpoint_blobs", "checkpoint_writes")
        }


async def test_a_quiet_thread_keeps_its_latest_checkpoint_and_goes_on_from_it(database_url):
    quiet = sales_thread_id("ajay_shenoy", QUIET["external_id"])
    waiting = sales_thread_id("ajay_shenoy", NEHA["external_id"])
    async with running_service(database_url) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, QUIET)
        await create_consumer(client, NEHA)
        # The quiet lead's first view drafts; the creator rejects it, then five quiet views.
        first = await view(client, QUIET, START)
        rejected = await client.post(
            f"/approvals/{first['decision']['approval_id']}/decision",
            json={"decisions": [{"type": "reject"}]},
        )
        assert rejected.status_code == 200
        for minute in range(1, 6):
            await view(client, QUIET, START + timedelta(minutes=minute))
        # Neha's draft waits.
        draft = (await view(client, NEHA, START))["decision"]["approval_id"]

        quiet_before, waiting_before = stored(database_url, quiet), stored(database_url, waiting)
        assert quiet_before["checkpoints"] > 1
        app = client.app.state.services.jobs.app
        assert (await apply_retention(app, keep_days=7)).rows == 0  # all younger than a week
        done = await apply_retention(app, keep_days=0)

        assert done.threads == 1
        after = stored(database_url, quiet)
        assert after["checkpoints"] == 1
        assert after["checkpoint_blobs"] < quiet_before["checkpoint_blobs"]
        assert stored(database_url, waiting) == waiting_before
        # The quiet thread goes on from its latest state: every view counted, still quiet.
        seventh = await view(client, QUIET, START + timedelta(minutes=7))
        assert seventh["decision"]["reason"] == "seen_recently"
        thread = (await client.get(f"/threads/ajay_shenoy/{QUIET['external_id']}")).json()
        assert thread["context"]["page_views"] == 7
        # The waiting draft is still approved and sent once.
        approved = await client.post(
            f"/approvals/{draft}/decision", json={"decisions": [{"type": "approve"}]}
        )
        assert approved.status_code == 200
        assert (await wait_for_message(client, draft))["status"] == "recorded"
        # The events and the audit log are the history: all still there.
        assert len(thread["events"]) == 7


async def test_finished_jobs_go_after_a_day_and_queued_ones_stay(database_url):
    async with running_service(database_url) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, QUIET)
        await view(client, QUIET, START)
        services = client.app.state.services
        periodic = {
            t.task.name for t in services.jobs.app.periodic_registry.periodic_tasks.values()
        }
        assert "apply_retention" in periodic
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("UPDATE procrastinate_events SET at = at - interval '25 hours'")
            queued = conn.execute(
                "INSERT INTO procrastinate_jobs (queue_name, task_name, lock, args, status, "
                "scheduled_at) VALUES ('default', 'resend_message', 'elsewhere', "
                "'{\"message_id\": \"m\"}', 'todo', now() + interval '1 day') RETURNING id"
            ).fetchone()[0]
        await apply_retention(services.jobs.app, keep_days=7)
        with psycopg.connect(database_url) as conn:
            left = conn.execute("SELECT id, status FROM procrastinate_jobs").fetchall()
    assert (queued, "todo") in left
    assert all(status in ("todo", "doing") for _, status in left), left


async def test_delivery_reports_no_message_claimed_go_after_a_day(database_url):
    async with running_service(database_url) as client:
        services = client.app.state.services
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(
                "INSERT INTO early_delivery_reports (transport, provider_message_id, status,"
                " received_at) VALUES ('twilio', 'SM-old', 'sent', now() - interval '25 hours'),"
                " ('twilio', 'SM-new', 'sent', now() - interval '1 hour')"
            )
        await apply_retention(services.jobs.app, keep_days=7)
        with psycopg.connect(database_url) as conn:
            left = conn.execute("SELECT provider_message_id FROM early_delivery_reports").fetchall()
    assert left == [("SM-new",)]
