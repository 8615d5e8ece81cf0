"""Human text is checked too: the check endpoint, edits that need confirming, and creator
data cleaned and reported on at intake (through HTTP, on real Postgres)."""

from __future__ import annotations

import asyncio
import time

from tests.conftest import (
    NEHA,
    create_consumer,
    create_creator,
    load_creator,
    post_page_view,
    running_service,
    wait_for_event,
    wait_for_message,
)

HONEST = (
    "Hi Neha, the 1:1 Career Strategy Call is ₹1,999: https://marketplace.example/ajay_shenoy/101"
)
INVENTED = (
    "Hi Neha, the Career Strategy Call is ₹ 2,999 this week, book at "
    "http://marketplace.example/ajay_shenoy/101 or WhatsApp +91 98765 43210"
)


def hostile_creator() -> dict:
    data = load_creator("ajay_shenoy")
    data["user"]["display_name"] = "Priya Rao | 50 percent o\u200bff today"
    data["services"][0]["title"] = "Career Call ₹999, call +91 98765 43210"
    return data


async def check(client, body: str, channel: str = "whatsapp", **extra):
    return await client.post(
        "/creators/ajay_shenoy/check", json={"channel": channel, "body": body, **extra}
    )


async def test_the_check_endpoint_finds_invented_facts(database_url):
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, "ajay_shenoy")
        honest = await check(client, HONEST)
        assert honest.status_code == 200, honest.text
        assert honest.json() == {"passed": True, "problems": []}

        invented = (await check(client, INVENTED)).json()
        assert invented["passed"] is False
        assert {p["rule"] for p in invented["problems"]} == {"price", "link", "contact"}
        assert all(set(p) == {"rule", "text", "detail"} for p in invented["problems"])

        subject = (
            await check(client, HONEST, "email", subject="Career Strategy Call for ₹24,999")
        ).json()
        assert [p["rule"] for p in subject["problems"]] == ["price"]

        unknown = await client.post(
            "/creators/nobody/check", json={"channel": "email", "body": "x"}
        )
        assert unknown.status_code == 404
        too_long = await check(client, "x" * 20_001)
        assert too_long.status_code == 422 and "body" in str(too_long.json()["detail"])
        over_channel = (await check(client, "x" * 1_001)).json()
        assert [p["rule"] for p in over_channel["problems"]] == ["length"]
        wrong_channel = await check(client, HONEST, "sms")
        assert wrong_channel.status_code == 422


async def test_the_check_needs_an_approved_profile(database_url):
    async with running_service(database_url, run_worker=False) as client:
        started = await client.post(
            "/onboarding/",
            json={"username": "ajay_shenoy", "marketplace_data": load_creator("ajay_shenoy")},
        )
        assert started.status_code == 202, started.text
        answer = await check(client, HONEST)
    assert answer.status_code == 409 and "approved profile" in answer.json()["detail"]


async def pending_draft(client) -> dict:
    await create_creator(client, "ajay_shenoy")
    await create_consumer(client, NEHA)
    event = await wait_for_event(client, await post_page_view(client, NEHA["external_id"]))
    return (await client.get(f"/approvals/{event['decision']['approval_id']}")).json()


def edit(body: str, confirm: bool | None = None) -> dict:
    decision = {"type": "edit", "edited_action": {"name": "send_whatsapp", "args": {"body": body}}}
    if confirm is not None:
        decision["confirm"] = confirm
    return {"decisions": [decision]}


async def edit_audit(client) -> list[dict]:
    thread = (await client.get(f"/threads/ajay_shenoy/{NEHA['external_id']}")).json()
    return [a for a in thread["audit_log"] if a["action"] == "draft_edited"]


async def test_an_edit_with_findings_is_sent_only_once_the_creator_confirms(database_url):
    async with running_service(database_url) as client:
        approval = await pending_draft(client)
        url = f"/approvals/{approval['id']}/decision"

        refused = await client.post(url, json=edit(INVENTED))
        assert refused.status_code == 409, refused.text
        refusal = refused.json()
        assert '"confirm": true' in refusal["detail"]
        assert {p["rule"] for p in refusal["errors"]} == {"price", "link", "contact"}
        assert all(p["msg"] and p["text"] for p in refusal["errors"])
        assert (await client.get(f"/approvals/{approval['id']}")).json()["status"] == "pending"
        assert await edit_audit(client) == []

        confirmed = await client.post(url, json=edit(INVENTED, confirm=True))
        assert confirmed.status_code == 200, confirmed.text
        message = await wait_for_message(client, approval["id"])
        [audit] = await edit_audit(client)
    assert message["body"] == INVENTED
    assert audit["details"]["confirmed"] is True
    assert audit["details"]["decision"]["confirm"] is True
    assert {f["rule"] for f in audit["details"]["findings"]} == {"price", "link", "contact"}


async def test_a_clean_edit_needs_no_confirmation(database_url):
    async with running_service(database_url) as client:
        approval = await pending_draft(client)
        answer = await client.post(f"/approvals/{approval['id']}/decision", json=edit(HONEST))
        assert answer.status_code == 200, answer.text
        message = await wait_for_message(client, approval["id"])
        [audit] = await edit_audit(client)
    assert message["body"] == HONEST
    assert "findings" not in audit["details"]


async def test_a_second_decision_is_still_a_conflict_not_a_findings_answer(database_url):
    async with running_service(database_url, run_worker=False) as client:
        approval = await pending_draft_without_worker(client)
        url = f"/approvals/{approval}/decision"
        assert (
            await client.post(url, json={"decisions": [{"type": "approve"}]})
        ).status_code == 200
        again = await client.post(url, json=edit(INVENTED))
    assert again.status_code == 409 and "already" in again.json()["detail"]


async def pending_draft_without_worker(client) -> str:
    """An approval row waiting for a decision, written as the sales graph writes it."""
    await create_creator(client, "ajay_shenoy")
    await create_consumer(client, NEHA)
    services = client.app.state.services  # type: ignore[attr-defined]
    async with services.pool.connection() as conn:
        await conn.execute(
            """INSERT INTO approvals (id, thread_id, creator_id, consumer_id, channel, draft)
               VALUES ('a-1', 'sales:ajay_shenoy:c-1001', 'ajay_shenoy', 'c-1001', 'whatsapp',
                       '{"body": "Hi", "channel": "whatsapp"}')"""
        )
    return "a-1"


async def test_post_creators_cleans_the_data_and_reports_findings(database_url):
    async with running_service(database_url, run_worker=False) as client:
        answer = await client.post(
            "/creators", json={"username": "ajay_shenoy", "marketplace_data": hostile_creator()}
        )
        assert answer.status_code == 201, answer.text
        creator = (await client.get("/creators/ajay_shenoy")).json()
    findings = answer.json()["findings"]
    assert {(f["rule"], f["detail"].split(" ")[0]) for f in findings} == {
        ("offer", "user.display_name"),
        ("price", "services.0.title"),
        ("contact", "services.0.title"),
    }
    assert creator["display_name"] == "Priya Rao | 50 percent off today"


async def test_onboarding_records_intake_findings_in_its_run(database_url):
    async with running_service(database_url, run_worker=False) as client:
        started = await client.post(
            "/onboarding/", json={"username": "ajay_shenoy", "marketplace_data": hostile_creator()}
        )
        assert started.status_code == 202, started.text
        run = (await client.get(f"/onboarding/{started.json()['onboarding_id']}")).json()
    assert [f["rule"] for f in started.json()["findings"]] == ["offer", "price", "contact"]
    assert run["problems"] == started.json()["findings"]


async def test_a_200kb_field_is_refused_at_once_while_health_answers(database_url):
    data = load_creator("ajay_shenoy")
    data["user"]["bio"] = "x" * 200_000
    body = {"username": "ajay_shenoy", "marketplace_data": data}
    async with running_service(database_url, run_worker=False) as client:

        async def refuse():
            started = time.perf_counter()
            answer = await client.post("/creators", json=body)
            return answer, time.perf_counter() - started

        *refusals, health = await asyncio.gather(
            *(refuse() for _ in range(5)), client.get("/health")
        )
        alone, elapsed = await refuse()
    assert health.status_code == 200
    for answer, _ in [*refusals, (alone, elapsed)]:
        assert answer.status_code == 422
        [error] = answer.json()["errors"]
        assert error["loc"][-3:] == ["marketplace_data", "user", "bio"]
    # The bound; the refusal takes a few milliseconds.
    assert elapsed < 0.1, elapsed
