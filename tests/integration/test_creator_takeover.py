"""The creator takes over a thread (POST /threads/{creator_id}/{consumer_id}/messages),
through HTTP on real Postgres with the worker and the real twilio client against the
stand-in: their message is sent once through the agent's sending rules, the drafts waiting
on the thread are withdrawn and its wait ended, and the agent keeps quiet until the pause
is over (on the events' own clock)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import (
    NEHA,
    create_consumer,
    create_creator,
    running_service,
    wait_for,
    wait_for_event,
)
from tests.integration.test_compliance import QUIET_OFF, RULES_ON, TWILIO, zone_at_three_am
from tests.integration.test_inbox_sign_in import browser, sign_in_with_key
from tests.standins.twilio_server import TwilioStandIn
from tests.tenant_helpers import caller, issue, wait_for_idle

LEAD = NEHA["external_id"]
THREAD = f"/threads/ajay_shenoy/{LEAD}"


async def post_event(
    client, kind: str, payload: dict[str, Any] | None = None, at: datetime | None = None
) -> dict[str, Any]:
    answer = await client.post(
        "/events",
        json={
            "creator_id": "ajay_shenoy",
            "consumer_id": LEAD,
            "type": kind,
            "occurred_at": (at or datetime.now(UTC)).isoformat(),
            "payload": payload or {},
        },
    )
    assert answer.status_code == 202, answer.text
    return await wait_for_event(client, answer.json()["event_id"])


async def audit_log(client) -> list[dict[str, Any]]:
    return (await client.get(f"/consumers/ajay_shenoy/{LEAD}/export")).json()["audit_log"]


async def agent_id(client) -> str:
    agents = (await client.get("/agents", params={"creator_id": "ajay_shenoy"})).json()
    return agents["agents"][0]["id"]


async def test_the_creators_message_goes_once_and_the_agent_pauses_on_the_thread(database_url):
    with TwilioStandIn() as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, **TWILIO, **QUIET_OFF
        ) as admin:
            await create_creator(admin, "ajay_shenoy")
            await create_consumer(admin, NEHA)
            one_hour = {"takeover_hours": 1}
            changed = await admin.patch(f"/agents/{await agent_id(admin)}", json=one_hour)
            assert changed.status_code == 200 and changed.json()["takeover_hours"] == 1
            # The lead writes (WhatsApp's window opens) and the agent's reply waits.
            asked = await post_event(admin, "inbound_message", {"text": "Is the course online?"})
            assert asked["decision"]["reason"] == "inbound_reply", asked["decision"]
            draft_id = asked["decision"]["approval_id"]
            assert (await admin.get(THREAD)).json()["awaiting_approval"] is True

            key = (await issue(admin, "ajay_shenoy"))["key"]
            async with caller(admin, key) as creator:
                text = "Hi Neha, Ajay here: yes, all of it is online. Call tomorrow?"
                headers = {"Idempotency-Key": "first-reply"}
                sent = await creator.post(
                    f"{THREAD}/messages", json={"body": text}, headers=headers
                )
                assert sent.status_code == 201, sent.text
                message = sent.json()
                assert (message["channel"], message["purpose"]) == ("whatsapp", "creator")
                assert message["status"] == "sent" and message["approval_id"] is None
                assert message["body"] == text and message["to_address"] == NEHA["whatsapp"]
                # The same request again: the same message, not a second one.
                again = await creator.post(
                    f"{THREAD}/messages", json={"body": text}, headers=headers
                )
                assert again.status_code == 200 and again.json()["id"] == message["id"]
                reused = await creator.post(
                    f"{THREAD}/messages", json={"body": "Something else"}, headers=headers
                )
                assert reused.status_code == 422 and "Idempotency-Key" in reused.json()["detail"]
            assert [m["Body"] for m in twilio.messages] == [text]

            # The waiting draft is withdrawn and the thread's wait ended.
            draft = (await admin.get(f"/approvals/{draft_id}")).json()
            assert (draft["status"], draft["status_reason"]) == ("withdrawn", "creator_takeover")
            await wait_for_idle(admin)
            thread = (await admin.get(THREAD)).json()
            assert thread["awaiting_approval"] is False and thread["pending_interrupts"] == []
            paused_until = datetime.fromisoformat(thread["paused_until"])
            assert timedelta(minutes=59) < paused_until - datetime.now(UTC) <= timedelta(hours=1)
            assert [m["id"] for m in thread["messages"]] == [message["id"]]
            entries = await audit_log(admin)
            took_over = [e for e in entries if e["action"] == "creator_took_over"]
            assert len(took_over) == 1 and took_over[0]["actor"] == "creator"
            assert took_over[0]["details"]["withdrawn_approval_ids"] == [draft_id]
            assert {"approval_id": draft_id, "reason": "creator_takeover"}.items() <= next(
                e["details"] for e in entries if e["action"] == "draft_withdrawn"
            ).items()
            assert [e["actor"] for e in entries if e["action"] == "message_sent"] == ["creator"]

            # During the pause the agent reads the lead's events and drafts nothing.
            during = await post_event(admin, "inbound_message", {"text": "Tomorrow works!"})
            assert during["decision"]["act"] is False
            assert during["decision"]["reason"] == "creator_takeover"
            assert during["decision"]["approval_id"] is None
            clicked = await post_event(admin, "service_click", {"service_id": 101})
            assert clicked["decision"]["reason"] == "creator_takeover"

            # An event after the pause (on the events' clock) is answered again.
            after = await post_event(
                admin,
                "inbound_message",
                {"text": "One more question"},
                at=paused_until + timedelta(minutes=1),
            )
            assert after["decision"]["act"] is True, after["decision"]
            assert after["decision"]["reason"] == "inbound_reply"
            assert after["decision"]["approval_id"] is not None
            assert len(twilio.messages) == 1


async def test_a_refused_send_says_which_rule_and_sends_nothing(database_url):
    with TwilioStandIn() as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, **TWILIO, **QUIET_OFF
        ) as admin:
            await create_creator(admin, "ajay_shenoy")
            await create_consumer(admin, NEHA)
            stop = await post_event(admin, "inbound_message", {"text": "STOP"})
            assert stop["decision"]["reason"] == "opted_out"
            refused = await admin.post(f"{THREAD}/messages", json={"body": "Are you sure?"})
            assert refused.status_code == 409, refused.text
            answer = refused.json()
            assert "opted_out" in answer["detail"]
            assert answer["errors"][0]["rule"] == "opted_out"
            assert twilio.messages == []
            assert (await admin.get("/messages")).json()["messages"] == []
            thread = (await admin.get(THREAD)).json()
            assert thread["paused_until"] is None
            entries = await audit_log(admin)
            refusals = [e for e in entries if e["action"] == "creator_message_refused"]
            assert [e["details"]["rule"] for e in refusals] == ["opted_out"]


async def test_outside_the_window_or_in_quiet_hours_the_creator_is_told_when_it_may_go(
    database_url,
):
    lead = {**NEHA, "timezone": zone_at_three_am(datetime.now(UTC))}
    with TwilioStandIn() as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, **TWILIO, **RULES_ON
        ) as admin:
            await create_creator(admin, "ajay_shenoy")
            await create_consumer(admin, lead)
            quiet = await admin.post(f"{THREAD}/messages", json={"body": "Hello at 3 am"})
            assert quiet.status_code == 409, quiet.text
            item = quiet.json()["errors"][0]
            assert item["rule"] == "quiet_hours"
            send_at = datetime.fromisoformat(item["ctx"]["send_at"])
            assert timedelta(hours=4) < send_at - datetime.now(UTC) <= timedelta(hours=5)
            assert send_at.isoformat() in quiet.json()["detail"]

            no_quiet_hours = {"quiet_hours_start": "00:00", "quiet_hours_end": "00:00"}
            changed = await admin.patch(f"/agents/{await agent_id(admin)}", json=no_quiet_hours)
            assert changed.status_code == 200, changed.text
            closed = await admin.post(f"{THREAD}/messages", json={"body": "Hello again"})
            assert closed.status_code == 409, closed.text
            assert closed.json()["errors"][0]["rule"] == "outside_window"
            assert twilio.messages == []
            assert (await admin.get("/messages")).json()["messages"] == []


async def test_another_creators_key_gets_404_and_a_bad_body_a_clear_422(database_url):
    async with running_service(database_url, **QUIET_OFF) as admin:
        await create_creator(admin, "ajay_shenoy")
        await create_creator(admin, "maya_lifts")
        await create_consumer(admin, NEHA)
        other = (await issue(admin, "maya_lifts"))["key"]
        async with caller(admin, other) as maya:
            hidden = await maya.post(f"{THREAD}/messages", json={"body": "Hi"})
            assert hidden.status_code == 404, hidden.text
            assert hidden.json()["detail"] == (f"lead {LEAD!r} of creator 'ajay_shenoy' not found")
        missing = await admin.post("/threads/ajay_shenoy/nobody/messages", json={"body": "Hi"})
        assert missing.status_code == 404

        cases = [
            ({}, "body.body"),
            ({"body": ""}, "body.body"),
            ({"body": "x" * 4001}, "body.body"),
            ({"body": "Hi", "channel": "sms"}, "body.channel"),
            ({"body": "Hi", "cc": "x"}, "body.cc"),
            ({"body": "Hi", "subject": "A subject"}, "body.subject"),  # WhatsApp has none
            ({"body": "   "}, "body.body"),
            ({"body": "x" * 1001}, "body.body"),  # over WhatsApp's length
            ({"body": "Hi", "channel": "email", "subject": "S"}, "body.channel"),  # no address
        ]
        for body, place in cases:
            answer = await admin.post(f"{THREAD}/messages", json=body)
            assert answer.status_code == 422, (body, answer.text)
            assert place in answer.json()["detail"], (body, answer.json())
        assert (await admin.get("/messages")).json()["messages"] == []

        both = {**NEHA, "email": "neha@example.com", "consent": {"whatsapp": True, "email": True}}
        await create_consumer(admin, both)
        no_subject = await admin.post(f"{THREAD}/messages", json={"body": "Hi", "channel": "email"})
        assert no_subject.status_code == 422
        assert "an email needs a subject" in no_subject.json()["detail"]
        emailed = await admin.post(
            f"{THREAD}/messages",
            json={"body": "Hi Neha", "channel": "email", "subject": "From Ajay"},
        )
        assert emailed.status_code == 201, emailed.text
        assert (emailed.json()["status"], emailed.json()["subject"]) == ("recorded", "From Ajay")

        async def resumed():
            entries = await audit_log(admin)
            return [e for e in entries if e["action"] == "creator_took_over"]

        took_over = await wait_for(resumed)
        assert took_over[0]["actor"] == "api"  # the admin key acts as the integration
        # The lead's erasure takes the pause with it.
        pool = admin.app.state.services.pool  # type: ignore[attr-defined]

        async def pauses() -> int:
            async with pool.connection() as conn:
                cur = await conn.execute("SELECT count(*) AS n FROM thread_pauses")
                return (await cur.fetchone())["n"]

        assert await pauses() == 1
        assert (await admin.delete(f"/consumers/ajay_shenoy/{LEAD}")).status_code == 200
        assert await pauses() == 0


async def test_the_signed_in_inbox_sends_as_the_creator_with_its_csrf_header(database_url):
    async with running_service(database_url, **QUIET_OFF) as admin:
        await create_creator(admin, "ajay_shenoy")
        both = {**NEHA, "email": "neha@example.com", "consent": {"email": True}}
        await create_consumer(admin, both)
        key = (await issue(admin, "ajay_shenoy"))["key"]
        async with browser(admin) as inbox:
            await sign_in_with_key(inbox, key)
            page = await inbox.get("/inbox")
            csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
            text = {"body": "Hi Neha, it's Ajay", "subject": "Your question"}
            forged = await inbox.post(f"{THREAD}/messages", json=text)
            assert forged.status_code == 403 and "X-CSRF-Token" in forged.json()["detail"]
            sent = await inbox.post(f"{THREAD}/messages", json=text, headers={"X-CSRF-Token": csrf})
            assert sent.status_code == 201, sent.text
            # WhatsApp has no consent: the agent's choice, and so the default, is email.
            assert (sent.json()["channel"], sent.json()["status"]) == ("email", "recorded")
        entries = await audit_log(admin)
        assert [e["actor"] for e in entries if e["action"] == "creator_took_over"] == ["creator"]
        assert len((await admin.get("/messages")).json()["messages"]) == 1
