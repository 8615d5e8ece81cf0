"""The sending rules through HTTP on real Postgres, checked when drafting and again at the
moment of sending: suppression and opt-out, consent, quiet hours, frequency caps and the
WhatsApp window (with the real twilio client against the stand-in)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from procrastinate import RetryStrategy

from server import jobs
from server.store import suppressions
from tests.conftest import (
    NEHA,
    create_consumer,
    create_creator,
    running_service,
    wait_for,
    wait_for_event,
    wait_for_message,
)
from tests.integration.test_provider_outage import open_jobs
from tests.standins.twilio_server import TwilioStandIn

# The service's defaults (tests elsewhere turn them off): 21:00-08:00, 1 a day, 2 a week.
RULES_ON = {
    "default_quiet_hours": "21:00-08:00",
    "default_max_per_lead_per_day": 1,
    "default_max_per_lead_per_week": 2,
    "default_max_per_creator_per_day": 200,
}
QUIET_OFF = {**RULES_ON, "default_quiet_hours": "off"}
TWILIO = {
    "twilio_account_sid": "AC" + "0" * 32,
    "twilio_auth_token": "token",
    "twilio_whatsapp_from": "whatsapp:+14155238886",
}
TEMPLATE_SID = "HX" + "ab" * 16
DECIDE = {"decisions": [{"type": "approve"}]}


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def zone_at_three_am(now: datetime) -> str:
    """A fixed-offset zone in which it is now between 03:00 and 04:00."""
    offset = (3 - now.hour) % 24
    if offset > 14:
        offset -= 24
    if offset == 0:
        return "Etc/GMT"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


async def post_event(client, lead: str, kind: str, payload: dict[str, Any] | None = None) -> dict:
    answer = await client.post(
        "/events",
        json={
            "creator_id": "ajay_shenoy",
            "consumer_id": lead,
            "type": kind,
            "occurred_at": now_iso(),
            "payload": payload or {},
        },
    )
    assert answer.status_code == 202, answer.text
    return await wait_for_event(client, answer.json()["event_id"])


async def audit_actions(client, lead: str) -> list[dict[str, Any]]:
    body = (await client.get(f"/consumers/ajay_shenoy/{lead}/export")).json()
    return body["audit_log"]


async def click_and_approve(client, lead: str) -> dict[str, Any]:
    event = await post_event(client, lead, "service_click", {"service_id": 101})
    assert event["decision"]["act"], event["decision"]
    approval_id = event["decision"]["approval_id"]
    answer = await client.post(f"/approvals/{approval_id}/decision", json=DECIDE)
    assert answer.status_code == 200, answer.text
    return event


async def test_a_send_due_in_quiet_hours_is_scheduled_for_the_next_allowed_minute(database_url):
    now = datetime.now(UTC)
    zone = zone_at_three_am(now)
    lead = {**NEHA, "timezone": zone}
    async with running_service(database_url, **RULES_ON) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, lead)
        event = await post_event(client, NEHA["external_id"], "page_view")
        assert event["decision"]["act"] and event["decision"]["reason"] == "new_lead"
        approval_id = event["decision"]["approval_id"]
        await client.post(f"/approvals/{approval_id}/decision", json=DECIDE)

        async def deferred():
            entries = await audit_actions(client, NEHA["external_id"])
            return next((e for e in entries if e["action"] == "send_deferred"), None)

        entry = await wait_for(deferred)
        send_at = datetime.fromisoformat(entry["details"]["send_at"])
        local = send_at.astimezone(ZoneInfo(zone))
        assert (local.hour, local.minute) == (8, 0) and entry["details"]["rule"] == "quiet_hours"
        assert timedelta(hours=4) < send_at - now <= timedelta(hours=5)
        approval = (await client.get(f"/approvals/{approval_id}")).json()
        assert datetime.fromisoformat(approval["send_after"]) == send_at
        messages = (await client.get("/messages")).json()["messages"]
        assert messages == []  # not sent, not dropped: a job resumes the thread at 08:00
        async with await psycopg.AsyncConnection.connect(database_url) as conn:
            cur = await conn.execute(
                "SELECT scheduled_at FROM procrastinate_jobs WHERE task_name = 'resume_approval'"
                " AND status = 'todo'"
            )
            assert [row[0] for row in await cur.fetchall()] == [send_at]


async def test_a_second_click_within_the_day_is_not_even_drafted(database_url):
    async with running_service(database_url, **QUIET_OFF) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, NEHA)
        first = await click_and_approve(client, NEHA["external_id"])
        sent = await wait_for_message(client, first["decision"]["approval_id"])
        assert sent["status"] == "recorded"
        second = await post_event(client, NEHA["external_id"], "service_click", {"service_id": 103})
        assert second["decision"]["act"] is False
        assert second["decision"]["reason"] == "frequency_cap"
        entries = await audit_actions(client, NEHA["external_id"])
        assert {"event_id": second["id"], "rule": "frequency_cap"} in [
            e["details"] for e in entries if e["action"] == "draft_not_written"
        ]
        # A lead's own message is answered all the same: a reply is not outreach.
        reply = await post_event(client, NEHA["external_id"], "inbound_message", {"text": "Hi!"})
        assert reply["decision"]["act"] and reply["decision"]["reason"] == "inbound_reply"


async def test_a_draft_approved_after_the_cap_filled_up_is_blocked_and_says_why(database_url):
    other = {**NEHA, "external_id": "c-1002", "whatsapp": "+919876543211"}
    settings = {**QUIET_OFF, "default_max_per_creator_per_day": 1}
    async with running_service(database_url, **settings) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, NEHA)
        await create_consumer(client, other)
        first = await post_event(client, NEHA["external_id"], "page_view")
        second = await post_event(client, other["external_id"], "page_view")
        assert first["decision"]["act"] and second["decision"]["act"]
        # The first is sent, and fills the creator's day; the second is approved after.
        await client.post(f"/approvals/{first['decision']['approval_id']}/decision", json=DECIDE)
        assert (await wait_for_message(client, first["decision"]["approval_id"]))[
            "status"
        ] == "recorded"
        await client.post(f"/approvals/{second['decision']['approval_id']}/decision", json=DECIDE)
        blocked = await wait_for_message(client, second["decision"]["approval_id"])
        assert blocked["status"] == "blocked" and blocked["error"].startswith("frequency_cap")
        entries = await audit_actions(client, other["external_id"])
        rules = [e["details"]["rule"] for e in entries if e["action"] == "send_blocked"]
        assert rules == ["frequency_cap"]


async def test_consent_withdrawn_while_the_draft_waited_blocks_the_send(database_url):
    async with running_service(database_url, **QUIET_OFF) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, NEHA)
        event = await post_event(client, NEHA["external_id"], "page_view")
        patched = await client.patch(
            f"/consumers/ajay_shenoy/{NEHA['external_id']}", json={"consent": {"whatsapp": False}}
        )
        assert patched.status_code == 200
        approval_id = event["decision"]["approval_id"]
        await client.post(f"/approvals/{approval_id}/decision", json=DECIDE)
        message = await wait_for_message(client, approval_id)
        assert message["status"] == "blocked" and message["error"].startswith("no_consent")
        async with await psycopg.AsyncConnection.connect(database_url) as conn:
            cur = await conn.execute(
                "SELECT channel, granted, source FROM consent_ledger ORDER BY id"
            )
            ledger = await cur.fetchall()
        # The grant when the lead was posted, then the withdrawal: both are entries.
        assert ledger == [("whatsapp", True, "api"), ("whatsapp", False, "api")]


async def test_a_suppressed_address_gets_no_draft_and_no_message(database_url):
    async with running_service(database_url, **QUIET_OFF) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, NEHA)
        waiting = await post_event(client, NEHA["external_id"], "page_view")
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
            await suppressions.suppress(conn, "whatsapp", NEHA["whatsapp"], "stop", "twilio")
        approval_id = waiting["decision"]["approval_id"]
        await client.post(f"/approvals/{approval_id}/decision", json=DECIDE)
        message = await wait_for_message(client, approval_id)
        assert message["status"] == "blocked" and "suppressed" in message["error"]
        # The next event is not even drafted.
        click = await post_event(client, NEHA["external_id"], "service_click", {"service_id": 101})
        assert click["decision"] == {**click["decision"], "act": False, "reason": "suppressed"}


async def held_for_reply(client) -> str:
    """A creator with a WhatsApp template and a lead outside the 24-hour window: the lead's
    click is drafted and approved, the template goes as the opener, and the draft is held
    for the lead's answer. Its approval id."""
    await create_creator(client, "ajay_shenoy")
    await create_consumer(client, NEHA)
    agent = (await client.get("/agents", params={"creator_id": "ajay_shenoy"})).json()
    agent_id = agent["agents"][0]["id"]
    changed = await client.patch(
        f"/agents/{agent_id}", json={"whatsapp_template_sid": TEMPLATE_SID}
    )
    assert changed.status_code == 200, changed.text
    event = await click_and_approve(client, NEHA["external_id"])
    approval_id = event["decision"]["approval_id"]

    async def held():
        body = (await client.get(f"/approvals/{approval_id}")).json()
        return body if body["status"] == "held" else None

    await wait_for(held)
    return approval_id


async def test_outside_the_window_the_template_opens_and_the_draft_follows_the_reply(
    database_url,
):
    with TwilioStandIn() as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, **TWILIO, **QUIET_OFF
        ) as client:
            approval_id = await held_for_reply(client)
            assert len(twilio.messages) == 1
            opener = twilio.messages[0]
            assert opener["ContentSid"] == TEMPLATE_SID and "Body" not in opener
            assert json.loads(opener["ContentVariables"]) == {"1": "Neha", "2": "Ajay Shenoy"}

            reply = await post_event(
                client, NEHA["external_id"], "inbound_message", {"text": "Sure, tell me more"}
            )
            assert reply["decision"]["reason"] == "window_opened"

            async def both_sent():
                return len(twilio.messages) == 2

            await wait_for(both_sent)
            draft = (await client.get(f"/approvals/{approval_id}")).json()["draft"]
            assert twilio.messages[1]["Body"] == draft["body"]
            entries = await audit_actions(client, NEHA["external_id"])
            actions = [e["action"] for e in entries]
            assert actions.count("draft_held_for_reply") == 1
            assert actions.count("message_sent") == 2


async def test_a_held_draft_that_cannot_be_sent_on_any_attempt_is_left_unsent(
    database_url, monkeypatch
):
    """The lead answers the template opener, and every attempt of that answer's job finds
    Twilio refusing (503: not taken): on the last attempt the held draft is `unsent` for a
    person to resend, the event is processed and nothing is left to retry it."""
    monkeypatch.setattr(jobs, "RETRY", RetryStrategy(max_attempts=jobs.ATTEMPTS - 1, wait=0))
    with TwilioStandIn() as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, **TWILIO, **QUIET_OFF
        ) as client:
            approval_id = await held_for_reply(client)
            for _ in range(jobs.ATTEMPTS):
                twilio.fail_next(503, 20003)
            # Its job's attempts all fail until the last, which ends it.
            reply = await post_event(
                client, NEHA["external_id"], "inbound_message", {"text": "Sure, tell me more"}
            )
            assert reply["status"] == "processed", reply
            messages = (await client.get("/messages")).json()["messages"]
            draft = next(m for m in messages if m["purpose"] != "template")
            assert draft["approval_id"] == approval_id
            assert draft["status"] == "unsent" and "503" in draft["error"], draft
            assert len(twilio.messages) == 1  # only the opener went
            assert await open_jobs(database_url) == 0


async def test_outside_the_window_without_a_template_twilio_answers_and_it_is_kept(
    database_url,
):
    with TwilioStandIn() as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, **TWILIO, **QUIET_OFF
        ) as client:
            await create_creator(client, "ajay_shenoy")
            await create_consumer(client, NEHA)
            ready = (await client.get("/health/ready")).json()
            assert any("TWILIO_WHATSAPP_TEMPLATE_SID" in w for w in ready["warnings"]), ready
            twilio.fail_next(400, 63016)  # what Twilio answers free text outside the window
            event = await click_and_approve(client, NEHA["external_id"])
            message = await wait_for_message(client, event["decision"]["approval_id"])
            assert message["status"] == "failed"  # refused: never retried
            assert twilio.messages == []


async def test_two_sends_checked_at_once_for_the_creators_last_message_only_the_first_goes(
    database_url,
):
    """Both passed the rules before either was claimed; their claims order them."""
    from server.store.sales_graph_store import PostgresSalesStore
    from tools.sales_store import NewMessage

    other = {**NEHA, "external_id": "c-1002", "whatsapp": "+919876543211"}
    async with running_service(database_url, **RULES_ON) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, NEHA)
        await create_consumer(client, other)
        [agent] = (await client.get("/agents")).json()["agents"]
        await client.patch(f"/agents/{agent['id']}", json={"max_per_creator_per_day": 1})
        store = PostgresSalesStore(client.app.state.services.pool)
        claims = []
        for lead in (NEHA, other):
            record, owned = await store.claim_send(
                NewMessage(
                    idempotency_key=f"race:{lead['external_id']}",
                    approval_id=None,
                    thread_id=f"sales:ajay_shenoy:{lead['external_id']}",
                    creator_id="ajay_shenoy",
                    consumer_id=lead["external_id"],
                    channel="whatsapp",
                    transport="outbox",
                    to_address=lead["whatsapp"],
                    subject=None,
                    body="Hello",
                )
            )
            assert owned
            claims.append(record.id)
        first, second = [await store.cap_reached_before(claim) for claim in claims]
        assert first is None
        assert second == "1 message(s) from this creator in the last 24 hours"
