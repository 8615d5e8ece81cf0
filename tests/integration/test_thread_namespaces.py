"""Threads of different graphs never share a checkpoint, and old thread ids are migrated."""

from __future__ import annotations

import copy

import psycopg

from domain.thread_ids import sales_thread_id
from server import db
from tests.conftest import (
    create_consumer,
    load_creator,
    running_service,
    wait_for_event,
)
from tests.integration.test_onboarding import onboard, wait_for_status


async def test_a_sales_lead_named_like_an_onboarding_cannot_touch_that_onboarding(database_url):
    async with running_service(database_url) as client:
        started = await client.post(
            "/onboarding/",
            json={"username": "ajay_shenoy", "marketplace_data": load_creator("ajay_shenoy")},
        )
        onboarding_id = started.json()["onboarding_id"]
        # A creator called "onboarding" and a lead called after that onboarding's id: the
        # old ids put both runs on the thread `onboarding:<id>`.
        data = copy.deepcopy(load_creator("maya_lifts"))
        data["user"]["username"] = "onboarding"
        created = await client.post(
            "/creators", json={"username": "onboarding", "marketplace_data": data}
        )
        assert created.status_code == 201, created.text
        lead = {"external_id": onboarding_id, "name": "Ravi", "email": "ravi@example.com"}
        await create_consumer(client, {**lead, "consent": {"email": True}}, "onboarding")
        posted = await client.post(
            "/events",
            json={
                "creator_id": "onboarding",
                "consumer_id": onboarding_id,
                "type": "page_view",
                "occurred_at": "2026-11-08T06:00:00Z",
            },
        )
        assert posted.json()["thread_id"] == f"sales:onboarding:{onboarding_id}"
        event = await wait_for_event(client, posted.json()["event_id"])
        assert event["status"] == "processed" and event["decision"]["reason"] == "new_lead"

        run = await wait_for_status(client, onboarding_id, "awaiting_review", "failed")
        assert run["status"] == "awaiting_review", run
        decided = await client.post(
            f"/approvals/{run['approval_id']}/decision", json={"decisions": [{"type": "approve"}]}
        )
        assert decided.status_code == 200
        assert (await wait_for_status(client, onboarding_id, "approved"))["profile_version"]
        thread = await client.get(f"/threads/onboarding/{onboarding_id}")
        assert thread.status_code == 200 and thread.json()["awaiting_approval"]


async def test_ids_with_a_colon_are_refused(database_url):
    async with running_service(database_url) as client:
        answer = await client.post(
            "/consumers", json={"external_id": "ajay:lead", "name": "X", "consent": {}}
        )
        assert answer.status_code == 422


async def test_threads_stored_under_the_old_ids_are_moved_to_the_sales_namespace(database_url):
    async with running_service(database_url) as client:
        await onboard(client, "ajay_shenoy")
        await create_consumer(
            client,
            {
                "external_id": "c-1",
                "name": "Neha",
                "whatsapp": "+919876543210",
                "consent": {"whatsapp": True},
            },
        )
    # Put a thread back the way the previous release stored it, then migrate again.
    new, old = sales_thread_id("ajay_shenoy", "c-1"), "ajay_shenoy:c-1"
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute(
            """INSERT INTO events (id, creator_id, consumer_id, thread_id, type, occurred_at,
                                   request_hash) VALUES ('e-old', 'ajay_shenoy', 'c-1', %s,
                                   'page_view', now(), 'h')""",
            (old,),
        )
        await conn.execute(
            """INSERT INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, checkpoint,
                                        metadata) VALUES (%s, '', 'cp-1', '{}', '{}')""",
            (old,),
        )
        await conn.execute("DELETE FROM schema_migrations WHERE name LIKE '0004%%'")
        conn.row_factory = psycopg.rows.dict_row
        await db.apply_migrations(conn)
        events = await (await conn.execute("SELECT thread_id FROM events")).fetchall()
        checkpoints = await (await conn.execute("SELECT thread_id FROM checkpoints")).fetchall()
        onboarding = await (
            await conn.execute("SELECT thread_id FROM approvals WHERE kind = 'profile'")
        ).fetchall()
    assert [e["thread_id"] for e in events] == [new]
    sales = {c["thread_id"] for c in checkpoints} - {c["thread_id"] for c in onboarding}
    assert sales == {new}
    assert onboarding and all(a["thread_id"].startswith("onboarding:") for a in onboarding)
