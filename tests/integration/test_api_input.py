"""Bad input gets a 4xx that says what to fix; a repeated event id is accepted once."""

from __future__ import annotations

import pytest

from tests.conftest import NEHA, create_consumer, create_creator, load_creator, running_service

EVENT = {
    "creator_id": "ajay_shenoy",
    "consumer_id": "c-1001",
    "type": "page_view",
    "occurred_at": "2026-11-02T05:30:00Z",
    "payload": {},
}


@pytest.fixture
async def client(database_url):
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, NEHA)
        yield client


async def test_a_repeated_event_id_is_accepted_once(client):
    first = await client.post("/events", json={**EVENT, "event_id": "evt-1"})
    again = await client.post("/events", json={**EVENT, "event_id": "evt-1"})
    assert first.status_code == again.status_code == 202
    assert again.json()["duplicate"] is True
    assert first.json()["thread_id"] == again.json()["thread_id"] == "sales:ajay_shenoy:c-1001"
    import psycopg

    url = client.app.state.services.settings.database_url
    async with await psycopg.AsyncConnection.connect(url) as conn:
        jobs = await (
            await conn.execute(
                "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'process_event'"
            )
        ).fetchone()
    assert jobs[0] == 1
    reused = await client.post(
        "/events",
        json={
            **EVENT,
            "event_id": "evt-1",
            "type": "service_click",
            "payload": {"service_id": 101},
        },
    )
    assert reused.status_code == 409 and "different event" in reused.json()["detail"]
    # The hash that tells a repeat from a reuse stays in the database.
    shown = [(await client.get("/events/evt-1")).json()]
    shown += (await client.get("/events", params={"creator_id": "ajay_shenoy"})).json()["events"]
    assert [e["id"] for e in shown] == ["evt-1", "evt-1"]
    assert not any("request_hash" in e for e in shown)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"type": "dance"}, "type"),
        ({"occurred_at": "2026-11-02T05:30:00"}, "timezone"),
        ({"occurred_at": "yesterday"}, "datetime"),
        ({"type": "service_click", "payload": {}}, "service_id"),
        ({"type": "service_click", "payload": {"service_id": "abc"}}, "service_id"),
        ({"type": "inbound_message", "payload": {"text": "  "}}, "payload.text"),
        ({"creator_id": "bad:id"}, "creator_id"),
        ({"creator_id": "nobody"}, "POST /creators"),
        ({"consumer_id": "nobody"}, "POST /consumers"),
        ({"payload": {"note": "\u0000"}}, "payload.note: contains a NUL"),
        ({"extra": 1}, "extra"),
    ],
)
async def test_bad_events_get_a_4xx_that_says_what_to_fix(client, change, says):
    response = await client.post("/events", json={**EVENT, **change})
    assert response.status_code == 422, response.text
    assert says.lower() in response.text.lower()


async def test_malformed_json_is_a_422(client):
    response = await client.post(
        "/events", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


async def test_bad_creators_consumers_and_decisions_are_4xx(client):
    data = load_creator("ajay_shenoy")
    mismatch = await client.post(
        "/creators", json={"username": "someone_else", "marketplace_data": data}
    )
    assert mismatch.status_code == 422 and "does not match" in mismatch.text
    no_user = await client.post("/creators", json={"username": "x", "marketplace_data": {}})
    assert no_user.status_code == 422 and "user" in no_user.text
    phone = await client.post("/consumers", json={**NEHA, "whatsapp": "98765"})
    assert phone.status_code == 422 and "whatsapp" in phone.text
    zone = await client.post("/consumers", json={**NEHA, "timezone": "Mars/Olympus"})
    assert zone.status_code == 422 and "time zone" in zone.text
    missing = await client.post(
        "/approvals/nope/decision", json={"decisions": [{"type": "approve"}]}
    )
    assert missing.status_code == 404
    wrong = await client.post("/approvals/nope/decision", json={"decisions": [{"type": "maybe"}]})
    assert wrong.status_code == 422
    respond = await client.post(
        "/approvals/nope/decision", json={"decisions": [{"type": "respond", "message": "hi"}]}
    )
    # Not advertised, not accepted: the decision types are approve, edit and reject.
    assert respond.status_code == 422 and "'approve', 'edit', 'reject'" in respond.text
    assert (await client.get("/events/nope")).status_code == 404
    everyone = await client.get("/approvals")  # the admin key lists every creator's
    assert everyone.status_code == 200 and everyone.json()["approvals"] == []
