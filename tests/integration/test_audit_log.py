"""The audit log on real Postgres: every entry a full flow writes names the right creator,
and the database refuses to update, delete or truncate it (a lead's erasure aside)."""

from __future__ import annotations

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from domain.thread_ids import lead_of_thread
from tests.conftest import NEHA, create_consumer, create_creator, load_creator, running_service
from tests.standins.twilio_server import TwilioStandIn
from tests.tenant_helpers import TWILIO, issue, page_view, wait_for_idle, wait_for_review

A, B = "ajay_shenoy", "maya_lifts"
APPROVE = {"decisions": [{"type": "approve"}]}
# What the flow below does; each must leave at least one entry.
ACTIONS = {
    "creator_saved",
    "profile_drafted",
    "draft_created",
    "draft_approved",
    "draft_edited",
    "draft_rejected",
    "draft_withdrawn",
    "message_sent",
    "message_unconfirmed",
    "message_resolved",
    "agent_updated",
    "lead_erased",
    "key_issued",
    "key_revoked",
}


def lead(n: int) -> dict:
    return {**NEHA, "external_id": f"lead-{n}", "whatsapp": f"+9198765400{n:02d}"}


async def decide(client: httpx.AsyncClient, approval_id: str, decision: dict) -> None:
    answer = await client.post(f"/approvals/{approval_id}/decision", json={"decisions": [decision]})
    assert answer.status_code == 200, answer.text


async def onboarding_review(client: httpx.AsyncClient, creator_id: str) -> dict:
    started = await client.post(
        "/onboarding/", json={"username": creator_id, "marketplace_data": load_creator(creator_id)}
    )
    assert started.status_code == 202, started.text
    return await wait_for_review(client, started.json()["onboarding_id"])


async def full_flow(client: httpx.AsyncClient, twilio: TwilioStandIn) -> None:
    """Creators saved and onboarded, drafts decided every way, sends that went out or may
    have, a resolved message, agent changes and an erasure."""
    for creator_id in (A, B):
        await create_creator(client, creator_id)
    await decide(client, (await onboarding_review(client, B))["approval_id"], {"type": "approve"})
    await decide(client, (await onboarding_review(client, A))["approval_id"], {"type": "reject"})
    for n in range(5):
        await create_consumer(client, lead(n), creator_id=A)
    await create_consumer(client, lead(0), creator_id=B)
    drafts = [
        (await page_view(client, A, lead(n)["external_id"], "2026-11-02T05:30:00Z"))["decision"][
            "approval_id"
        ]
        for n in range(5)
    ]
    await decide(client, drafts[0], {"type": "approve"})  # sent
    await wait_for_idle(client)
    twilio.fail_next(500, 20500)  # the provider may or may not have taken it
    await decide(client, drafts[1], {"type": "approve"})
    await wait_for_idle(client)
    messages = (await client.get("/messages", params={"status": "unconfirmed"})).json()
    (unconfirmed,) = messages["messages"]
    resolved = await client.post(
        f"/messages/{unconfirmed['id']}/resolve", json={"resolution": "sent", "note": "seen"}
    )
    assert resolved.status_code == 200, resolved.text
    edit = {"name": "send_whatsapp", "args": {"body": "Hi, would the 1:1 session help you?"}}
    await decide(client, drafts[2], {"type": "edit", "edited_action": edit, "confirm": True})
    await decide(client, drafts[3], {"type": "reject"})
    booked = await client.post(
        "/events",
        json={
            "creator_id": A,
            "consumer_id": lead(4)["external_id"],
            "type": "booking_created",
            "occurred_at": "2026-11-02T07:00:00Z",
            "payload": {"booking_id": "bk-1", "service_id": 101},
        },
    )
    assert booked.status_code == 202, booked.text
    for creator_id in (A, B):
        (agent,) = (await client.get("/agents", params={"creator_id": creator_id})).json()["agents"]
        assert (await client.post(f"/agents/{agent['id']}/disable")).status_code == 200
        assert (await client.post(f"/agents/{agent['id']}/enable")).status_code == 200
    for creator_id in (A, B):
        key = await issue(client, creator_id)
        assert (await client.delete(f"/keys/{key['id']}")).status_code == 200
    await wait_for_idle(client)
    assert (await client.delete(f"/consumers/{A}/{lead(3)['external_id']}")).status_code == 200
    await wait_for_idle(client)


async def rows(database_url: str, query: str) -> list[dict]:
    async with await psycopg.AsyncConnection.connect(database_url, row_factory=dict_row) as conn:
        return await (await conn.execute(query)).fetchall()


@pytest.fixture
async def after_a_full_flow(database_url):
    with TwilioStandIn() as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, provider_timeout_s=5, **TWILIO
        ) as client:
            await full_flow(client, twilio)
            yield client


async def test_every_entry_of_a_full_flow_names_its_creator(after_a_full_flow, database_url):
    entries = await rows(database_url, "SELECT * FROM audit_log ORDER BY id")
    assert {e["action"] for e in entries} >= ACTIONS, {e["action"] for e in entries}
    runs = {r["id"]: r["creator_id"] for r in await rows(database_url, "SELECT * FROM onboardings")}
    agents = {r["id"]: r["creator_id"] for r in await rows(database_url, "SELECT * FROM agents")}
    for entry in entries:
        assert entry["creator_id"] in (A, B), entry
        thread = entry["thread_id"] or ""
        if parts := lead_of_thread(thread):
            assert (entry["creator_id"], entry["consumer_id"]) == parts, entry
        elif thread.startswith("onboarding:"):
            assert entry["creator_id"] == runs[thread.removeprefix("onboarding:")], entry
            assert entry["consumer_id"] is None, entry
        else:
            assert thread == "" and entry["consumer_id"] is None, entry
            if entry["action"] == "agent_updated":
                assert entry["creator_id"] == agents[entry["details"]["agent_id"]], entry
    onboarding = [e for e in entries if (e["thread_id"] or "").startswith("onboarding:")]
    assert {e["creator_id"] for e in onboarding} == {A, B}
    saved = [e["creator_id"] for e in entries if e["action"] == "creator_saved"]
    assert sorted(saved) == [A, B]


async def test_the_database_refuses_to_rewrite_the_audit_log(after_a_full_flow, database_url):
    before = await rows(database_url, "SELECT * FROM audit_log ORDER BY id")
    first = before[0]["id"]
    rewrites = [
        f"UPDATE audit_log SET actor = 'nobody' WHERE id = {first}",
        "UPDATE audit_log SET creator_id = 'maya_lifts'",
        f"DELETE FROM audit_log WHERE id = {first}",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ]
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        for statement in rewrites:
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                await conn.execute(statement)
        # The erasure's switch opens deletes only, and only for its own transaction.
        async with conn.transaction(force_rollback=True):
            await conn.execute("SET LOCAL creator_agents.erasure = 'on'")
            for statement in (rewrites[0], rewrites[-1]):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    async with conn.transaction():  # a savepoint: the refusal is survivable
                        await conn.execute(statement)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            await conn.execute(rewrites[2])
        # A new entry must name its creator.
        with pytest.raises(psycopg.errors.CheckViolation):
            await conn.execute("INSERT INTO audit_log (actor, action) VALUES ('api', 'x')")
    # The service's own connections do not keep the erasure's switch either.
    services = after_a_full_flow.app.state.services
    for _ in range(3):
        async with services.pool.connection() as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                await conn.execute(rewrites[2])
    assert await rows(database_url, "SELECT * FROM audit_log ORDER BY id") == before
