"""Drafts nobody decides on expire after the agent's draft_ttl_hours, on real Postgres: they
cannot be approved any more, and the lead's next event drafts again."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg

from server.draft_expiry import expire_due_drafts
from tests.conftest import (
    NEHA,
    create_consumer,
    create_creator,
    running_service,
    wait_for,
    wait_for_event,
    wait_for_message,
)
from tests.integration.test_approval_modes import with_model
from tests.integration.test_llm_drafting import GOOD, verdict
from tests.standins.openai_server import ScriptedOpenAI

LEAD = NEHA["external_id"]
THREAD = f"/threads/ajay_shenoy/{LEAD}"
APPROVE = {"decisions": [{"type": "approve"}]}


async def set_up(client, **agent_settings: Any) -> dict[str, Any]:
    agent = (await create_creator(client, "ajay_shenoy"))["agent"]
    await create_consumer(client, NEHA)
    if agent_settings:
        patched = await client.patch(f"/agents/{agent['id']}", json=agent_settings)
        assert patched.status_code == 200, patched.text
    return agent


async def click(client, service_id: int, at: str) -> dict[str, Any]:
    posted = await client.post(
        "/events",
        json={
            "creator_id": "ajay_shenoy",
            "consumer_id": LEAD,
            "type": "service_click",
            "occurred_at": at,
            "payload": {"service_id": service_id},
        },
    )
    assert posted.status_code == 202, posted.text
    return (await wait_for_event(client, posted.json()["event_id"]))["decision"]


async def age(database_url: str, approval_id: str, hours: float) -> None:
    """Make the draft `hours` older, as if it had waited that long."""
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute(
            "UPDATE approvals SET created_at = created_at - make_interval(secs => %s) "
            "WHERE id = %s",
            (hours * 3600, approval_id),
        )


async def approval(client, approval_id: str) -> dict[str, Any]:
    return (await client.get(f"/approvals/{approval_id}")).json()


async def thread_free(client) -> bool:
    return not (await client.get(THREAD)).json()["awaiting_approval"]


async def expiries(client) -> list[dict[str, Any]]:
    entries = (await client.get(THREAD)).json()["audit_log"]
    return [e for e in entries if e["action"] == "draft_expired"]


async def test_a_draft_older_than_the_ttl_cannot_be_approved_and_the_next_event_drafts_again(
    database_url,
):
    async with running_service(database_url) as client:
        await set_up(client)
        first = await click(client, 101, "2026-11-02T06:00:00Z")
        pending = await approval(client, first["approval_id"])
        assert pending["status"] == "pending" and pending["expires_at"] is not None
        await age(database_url, first["approval_id"], 48.01)

        late = await client.post(f"/approvals/{first['approval_id']}/decision", json=APPROVE)
        assert late.status_code == 409
        assert "expired" in late.json()["detail"]
        expired = await approval(client, first["approval_id"])
        assert expired["status"] == "expired" and expired["expires_at"] is None
        again = await client.post(f"/approvals/{first['approval_id']}/decision", json=APPROVE)
        assert again.status_code == 409 and "expired" in again.json()["detail"]
        (entry,) = await expiries(client)
        assert entry["actor"] == "agent" and entry["details"]["draft_ttl_hours"] == 48
        await wait_for(lambda: thread_free(client))

        second = await click(client, 103, "2026-11-04T07:00:00Z")
        assert second["act"] is True and second["reason"] == "service_interest"
        assert second["approval_id"] != first["approval_id"]
        assert (await approval(client, second["approval_id"]))["status"] == "pending"
        decided = await client.post(f"/approvals/{second['approval_id']}/decision", json=APPROVE)
        assert decided.status_code == 200
        await wait_for_message(client, second["approval_id"])
        messages = (await client.get("/messages")).json()["messages"]
        assert [m["approval_id"] for m in messages] == [second["approval_id"]]


async def test_the_decision_itself_refuses_a_draft_past_its_ttl(database_url, monkeypatch):
    """The API's clock says the draft is still within its TTL (a clock behind the
    database's): the decision's own statement refuses it, and nothing of the decision is
    left: no audit entry, no send, only the expiry and its resume."""
    from server import decisions

    monkeypatch.setattr(decisions, "_looks_expired", lambda approval: False)
    async with running_service(database_url) as client:
        await set_up(client)
        first = await click(client, 101, "2026-11-02T06:00:00Z")
        await age(database_url, first["approval_id"], 48.01)

        late = await client.post(f"/approvals/{first['approval_id']}/decision", json=APPROVE)
        assert late.status_code == 409 and "expired" in late.json()["detail"]
        assert (await approval(client, first["approval_id"]))["status"] == "expired"
        actions = [e["action"] for e in (await client.get(THREAD)).json()["audit_log"]]
        assert "draft_expired" in actions and "draft_approved" not in actions
        await wait_for(lambda: thread_free(client))
        assert (await client.get("/messages")).json()["messages"] == []


async def test_a_draft_younger_than_the_ttl_is_still_approved(database_url):
    async with running_service(database_url) as client:
        await set_up(client)
        decision = await click(client, 101, "2026-11-02T06:00:00Z")
        await age(database_url, decision["approval_id"], 47.9)
        assert (
            await expire_due_drafts(client.app.state.services.pool, client.app.state.services.jobs)
            == 0
        )
        decided = await client.post(f"/approvals/{decision['approval_id']}/decision", json=APPROVE)
        assert decided.status_code == 200, decided.text
        assert (await wait_for_message(client, decision["approval_id"]))["status"] == "recorded"


async def test_the_sweep_expires_each_draft_once_and_frees_its_thread(database_url):
    async with running_service(database_url) as client:
        services = client.app.state.services
        await set_up(client, draft_ttl_hours=2)
        decision = await click(client, 101, "2026-11-02T06:00:00Z")
        await age(database_url, decision["approval_id"], 2.01)

        # Two sweeps at once (two workers, or a retry): the draft expires once.
        counts = await asyncio.gather(
            expire_due_drafts(services.pool, services.jobs),
            expire_due_drafts(services.pool, services.jobs),
        )
        assert sorted(counts) == [0, 1]
        assert await expire_due_drafts(services.pool, services.jobs) == 0
        assert (await approval(client, decision["approval_id"]))["status"] == "expired"
        assert len(await expiries(client)) == 1
        # The resume it queued ended the graph's wait: the lead's next event drafts.
        await wait_for(lambda: thread_free(client))
        listed = (await client.get("/approvals", params={"status": "expired"})).json()
        assert [a["id"] for a in listed["approvals"]] == [decision["approval_id"]]
        again = await click(client, 103, "2026-11-02T09:00:00Z")
        assert again["act"] is True and again["approval_id"] != decision["approval_id"]


async def test_the_next_event_expires_a_stale_draft_itself_before_any_sweep(database_url):
    async with running_service(database_url) as client:
        await set_up(client)
        first = await click(client, 101, "2026-11-02T06:00:00Z")
        await age(database_url, first["approval_id"], 49)
        second = await click(client, 103, "2026-11-04T07:00:00Z")
        assert second["act"] is True and second["approval_id"] != first["approval_id"]
        assert (await approval(client, first["approval_id"]))["status"] == "expired"
        assert len(await expiries(client)) == 1


async def test_a_shorter_ttl_set_by_the_creator_applies_to_waiting_drafts(database_url):
    async with running_service(database_url) as client:
        agent = await set_up(client)
        decision = await click(client, 101, "2026-11-02T06:00:00Z")
        await age(database_url, decision["approval_id"], 3)
        assert (await approval(client, decision["approval_id"]))["status"] == "pending"
        await client.patch(f"/agents/{agent['id']}", json={"draft_ttl_hours": 2})
        late = await client.post(f"/approvals/{decision['approval_id']}/decision", json=APPROVE)
        assert late.status_code == 409 and "expired" in late.json()["detail"]


async def test_the_periodic_sweep_task_runs_in_the_worker(database_url):
    async with running_service(database_url) as client:
        services = client.app.state.services
        await set_up(client)
        decision = await click(client, 101, "2026-11-02T06:00:00Z")
        await age(database_url, decision["approval_id"], 49)
        periodic = [
            t.task.name for t in services.jobs.app.periodic_registry.periodic_tasks.values()
        ]
        assert "expire_drafts" in periodic
        # What the periodic deferrer does each minute, now.
        await services.jobs.app.configure_task("expire_drafts").defer_async(timestamp=0)

        async def expired():
            return (await approval(client, decision["approval_id"]))["status"] == "expired"

        await wait_for(expired)
        await wait_for(lambda: thread_free(client))


async def test_an_agent_approval_waiting_out_its_undo_window_does_not_expire(database_url):
    with ScriptedOpenAI([{"json": GOOD}, {"json": verdict()}]) as llm:
        async with running_service(
            database_url, **with_model(llm, auto_send_delay_s=60.0)
        ) as client:
            services = client.app.state.services
            await set_up(client, approval_mode="auto")
            decision = await click(client, 101, "2026-11-02T06:00:00Z")
            assert (await approval(client, decision["approval_id"]))["status"] == "agent_approved"
            await age(database_url, decision["approval_id"], 49)
            assert await expire_due_drafts(services.pool, services.jobs) == 0
            assert (await approval(client, decision["approval_id"]))["status"] == "agent_approved"
