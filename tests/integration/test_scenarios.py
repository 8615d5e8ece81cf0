"""Every shared scenario, driven through the HTTP API with the worker on real Postgres."""

from __future__ import annotations

import pytest

from tests.conftest import (
    create_consumer,
    create_creator,
    load_scenarios,
    running_service,
    wait_for_event,
    wait_for_message,
)

SCENARIOS = load_scenarios()


def _next_step_leaves_it_waiting(steps: list[dict], index: int) -> bool:
    if index + 1 >= len(steps):
        return False
    expect = steps[index + 1]["expect"]
    return bool(expect.get("withdraws_pending")) or expect.get("reason") == "pending_approval"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
async def test_scenario_gives_the_expected_decisions_and_drafts(database_url, scenario):
    async with running_service(database_url) as client:
        await create_creator(client, scenario["creator"])
        await create_consumer(client, scenario["consumer"], scenario["creator"])
        consumer_id = scenario["consumer"]["external_id"]
        pending_approval_id = None
        for index, step in enumerate(scenario["steps"]):
            expect = step["expect"]
            response = await client.post(
                "/events",
                json={
                    "creator_id": scenario["creator"],
                    "consumer_id": consumer_id,
                    "source": "test",
                    **step["event"],
                },
            )
            assert response.status_code == 202, response.text
            event = await wait_for_event(client, response.json()["event_id"])
            assert event["status"] == "processed", event
            decision = event["decision"]
            where = f"step {index + 1} of {scenario['name']!r}"
            assert decision["act"] is expect["act"], (where, decision)
            assert decision["reason"] == expect["reason"], (where, decision)
            if "channel" in expect:
                assert decision["channel"] == expect["channel"], (where, decision)

            if expect.get("withdraws_pending"):
                assert pending_approval_id is not None, where
                withdrawn = (await client.get(f"/approvals/{pending_approval_id}")).json()
                assert withdrawn["status"] == "withdrawn", (where, withdrawn)
                pending_approval_id = None

            if not expect["act"]:
                assert decision["approval_id"] is None, where
                continue
            approval = (await client.get(f"/approvals/{decision['approval_id']}")).json()
            assert approval["status"] == "pending"
            text = f"{approval['draft'].get('subject') or ''}\n{approval['draft']['body']}"
            for banned in expect.get("must_not_contain", []):
                assert banned.lower() not in text.lower(), (where, banned, text)
            if wanted := expect.get("must_contain_any"):
                assert any(w.lower() in text.lower() for w in wanted), (where, wanted, text)

            if _next_step_leaves_it_waiting(scenario["steps"], index):
                pending_approval_id = approval["id"]
                continue
            decided = await client.post(
                f"/approvals/{approval['id']}/decision", json={"decisions": [{"type": "approve"}]}
            )
            assert decided.status_code == 200, decided.text
            message = await wait_for_message(client, approval["id"])
            assert message["status"] == "recorded"  # no credentials: the outbox
            assert message["body"] == approval["draft"]["body"]
