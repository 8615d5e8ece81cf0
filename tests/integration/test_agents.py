"""Agents through the API: enable, disable, and triggers with payload filters."""

from __future__ import annotations

from tests.conftest import NEHA, create_consumer, create_creator, running_service, wait_for_event


async def post_click(client, service_id: int, at: str) -> dict:
    posted = await client.post(
        "/events",
        json={
            "creator_id": "ajay_shenoy",
            "consumer_id": NEHA["external_id"],
            "type": "service_click",
            "occurred_at": at,
            "payload": {"service_id": service_id},
        },
    )
    return (await wait_for_event(client, posted.json()["event_id"]))["decision"]


async def test_a_disabled_agent_is_not_triggered_and_enabling_it_wakes_it(database_url):
    async with running_service(database_url) as client:
        agent = (await create_creator(client, "ajay_shenoy"))["agent"]
        await create_consumer(client, NEHA)
        disabled = await client.post(f"/agents/{agent['id']}/disable")
        assert disabled.json()["enabled"] is False
        decision = await post_click(client, 101, "2026-11-08T06:00:00Z")
        assert (decision["act"], decision["reason"]) == (False, "not_triggered")
        await client.post(f"/agents/{agent['id']}/enable")
        decision = await post_click(client, 101, "2026-11-08T07:00:00Z")
        assert (decision["act"], decision["reason"]) == (True, "service_interest")
        thread = (await client.get("/threads/ajay_shenoy/c-1001")).json()
        assert thread["context"]["service_clicks"] == {"101": 2}  # both clicks counted


async def test_a_trigger_filter_limits_the_agent_to_one_service(database_url):
    async with running_service(database_url) as client:
        agent = (await create_creator(client, "ajay_shenoy"))["agent"]
        await create_consumer(client, NEHA)
        updated = await client.patch(
            f"/agents/{agent['id']}",
            json={"triggers": [{"event_type": "service_click", "filter": {"service_id": 103}}]},
        )
        assert updated.status_code == 200, updated.text
        assert (await post_click(client, 101, "2026-11-08T06:00:00Z"))["reason"] == "not_triggered"
        assert (await post_click(client, 103, "2026-11-08T07:00:00Z"))["reason"] == (
            "service_interest"
        )
        listed = (await client.get("/agents", params={"creator_id": "ajay_shenoy"})).json()
        assert [a["id"] for a in listed["agents"]] == [agent["id"]]


async def test_bad_agent_updates_are_4xx(database_url):
    async with running_service(database_url, run_worker=False) as client:
        agent = (await create_creator(client, "ajay_shenoy"))["agent"]
        url = f"/agents/{agent['id']}"
        assert (await client.patch(url, json={})).status_code == 422
        bad_type = await client.patch(url, json={"triggers": [{"event_type": "dance"}]})
        assert bad_type.status_code == 422 and "event_type" in bad_type.text
        assert (await client.patch(url, json={"approval_mode": "often"})).status_code == 422
        assert (await client.post("/agents/nope/enable")).status_code == 404
        assert (await client.get("/agents/nope")).status_code == 404
