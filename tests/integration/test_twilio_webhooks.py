"""Twilio's webhooks over real HTTP on real Postgres: the real twilio client sends through the
Twilio stand-in, which calls the service back as Twilio does (signed status callbacks, some
out of order and repeated, and signed inbound WhatsApp messages from leads)."""

from __future__ import annotations

from typing import Any

import httpx
import psycopg
import pytest
from procrastinate import RetryStrategy
from psycopg.rows import dict_row

from server import jobs
from tests.conftest import (
    NEHA,
    create_consumer,
    create_creator,
    service_on_port,
    wait_for,
    wait_for_event,
    wait_for_message,
)
from tests.standins.twilio_server import (
    DELIVERED_AND_READ,
    TwilioStandIn,
    failing,
    new_sid,
    send_inbound,
    sign,
)

TWILIO = {
    "twilio_account_sid": "AC" + "0" * 32,
    "twilio_auth_token": "token",
    "twilio_whatsapp_from": "whatsapp:+14155238886",
}
RAVI = {
    "external_id": "c-3001",
    "name": "Ravi Menon",
    "whatsapp": "+919812345678",
    "timezone": "Asia/Kolkata",
    "consent": {"whatsapp": True},
}
DECIDE = {"decisions": [{"type": "approve"}]}


async def rows(database_url: str, query: str, *params: Any) -> list[dict[str, Any]]:
    async with await psycopg.AsyncConnection.connect(database_url, row_factory=dict_row) as conn:
        return await (await conn.execute(query, params)).fetchall()


async def draft_for(client, creator: str, lead: str, occurred_at: str) -> str:
    """A page view of the lead's: the draft waiting for the creator (its approval id)."""
    answer = await client.post(
        "/events",
        json={
            "creator_id": creator,
            "consumer_id": lead,
            "type": "page_view",
            "occurred_at": occurred_at,
            "payload": {},
        },
    )
    assert answer.status_code == 202, answer.text
    decision = (await wait_for_event(client, answer.json()["event_id"]))["decision"]
    assert decision["act"], decision
    return decision["approval_id"]


async def send_approved(client, lead: str, occurred_at: str = "2026-11-02T05:30:00Z") -> dict:
    approval_id = await draft_for(client, "ajay_shenoy", lead, occurred_at)
    answer = await client.post(f"/approvals/{approval_id}/decision", json=DECIDE)
    assert answer.status_code == 200, answer.text
    message = await wait_for_message(client, approval_id)
    assert message["status"] == "sent", message
    return message


async def delivery_of(client, message_id: str) -> dict[str, Any]:
    messages = (await client.get("/messages")).json()["messages"]
    return next(m for m in messages if m["id"] == message_id)


async def lead(client, creator: str, lead_id: str) -> dict[str, Any]:
    return (await client.get(f"/consumers/{creator}/{lead_id}")).json()


def status_url(client) -> str:
    return f"{client.base_url}".rstrip("/") + "/webhooks/twilio/status"


async def post_signed(
    url: str, form: dict[str, str], token: str = "token", **headers: str
) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(
            url, data=form, headers={"X-Twilio-Signature": sign(token, url, form), **headers}
        )


async def test_statuses_end_where_twilio_left_them_despite_repeats_and_disorder(database_url):
    with TwilioStandIn() as twilio:
        async with service_on_port(
            database_url, twilio_api_base_url=twilio.url, **TWILIO
        ) as client:
            await create_creator(client, "ajay_shenoy")
            await create_consumer(client, NEHA)
            await create_consumer(client, RAVI)
            twilio.report_next(DELIVERED_AND_READ)
            twilio.report_next(failing("undelivered", "63016"))
            read = await send_approved(client, NEHA["external_id"])
            undelivered = await send_approved(client, RAVI["external_id"])
            await twilio.wait_for_callbacks()
            assert [m["StatusCallback"] for m in twilio.messages] == [status_url(client)] * 2
            # Every callback was taken, the stale and repeated ones too.
            assert {answer for *_, answer in twilio.callbacks} == {200}
            assert len(twilio.callbacks) == len(DELIVERED_AND_READ) + 4
            read = await delivery_of(client, read["id"])
            undelivered = await delivery_of(client, undelivered["id"])
            ravi = await lead(client, "ajay_shenoy", RAVI["external_id"])
            export = await client.get(f"/consumers/ajay_shenoy/{RAVI['external_id']}/export")
    assert (read["delivery_status"], read["delivery_error_code"]) == ("read", None)
    assert (undelivered["delivery_status"], undelivered["delivery_error_code"]) == (
        "undelivered",
        "63016",
    )
    # Outside the window is no reason to stop writing to the lead.
    assert ravi["consent"]["whatsapp"] is True
    entries = [e for e in export.json()["audit_log"] if e["action"] == "message_not_delivered"]
    assert len(entries) == 1 and entries[0]["details"]["error_code"] == "63016"
    assert "24-hour window" in entries[0]["details"]["meaning"]


async def test_callbacks_before_the_send_is_recorded_are_applied_once_it_is(database_url):
    # A fast Twilio calls back before its answer to messages.create reaches the service.
    with TwilioStandIn(early_callbacks=True) as twilio:
        async with service_on_port(
            database_url, twilio_api_base_url=twilio.url, **TWILIO
        ) as client:
            await create_creator(client, "ajay_shenoy")
            await create_consumer(client, NEHA)
            await create_consumer(client, RAVI)
            twilio.report_next(DELIVERED_AND_READ)
            twilio.report_next(failing("failed", "63016"))
            read = await send_approved(client, NEHA["external_id"])
            failed = await send_approved(client, RAVI["external_id"])
            assert {answer for *_, answer in twilio.callbacks} == {200}
            read = await delivery_of(client, read["id"])
            failed = await delivery_of(client, failed["id"])
            export = await client.get(f"/consumers/ajay_shenoy/{RAVI['external_id']}/export")
    assert read["delivery_status"] == "read"
    assert (failed["delivery_status"], failed["delivery_error_code"]) == ("failed", "63016")
    entries = [e for e in export.json()["audit_log"] if e["action"] == "message_not_delivered"]
    assert [e["details"]["message_id"] for e in entries] == [failed["id"]]
    assert await rows(database_url, "SELECT * FROM early_delivery_reports") == []


async def test_a_reply_arrives_as_an_event_once_and_gets_a_draft(database_url):
    with TwilioStandIn() as twilio:
        async with service_on_port(
            database_url, twilio_api_base_url=twilio.url, **TWILIO
        ) as client:
            await create_creator(client, "ajay_shenoy")
            await create_consumer(client, NEHA)
            await send_approved(client, NEHA["external_id"])
            sid = new_sid()
            text = "Thanks! Which session suits a first-time manager?"
            answers = [
                await send_inbound(str(client.base_url), NEHA["whatsapp"], text, sid=sid)
                for _ in range(2)  # Twilio retrying the same message
            ]
            for answer in answers:
                assert answer.status_code == 200, answer.text
                assert answer.headers["content-type"].startswith("text/xml")
                assert answer.text.endswith("<Response/>")

            async def replied():
                events = (
                    await client.get(
                        "/events",
                        params={"creator_id": "ajay_shenoy", "consumer_id": NEHA["external_id"]},
                    )
                ).json()["events"]
                inbound = [e for e in events if e["type"] == "inbound_message"]
                return inbound if inbound and inbound[0]["status"] != "queued" else None

            inbound = await wait_for(replied)
            approval = await client.get(f"/approvals/{inbound[0]['decision']['approval_id']}")
    assert len(inbound) == 1
    event = inbound[0]
    assert (event["source"], event["payload"]["text"], event["payload"]["channel"]) == (
        "twilio",
        text,
        "whatsapp",
    )
    assert event["decision"]["act"] and event["decision"]["reason"] == "inbound_reply"
    assert approval.json()["status"] == "pending"


@pytest.mark.parametrize("twilio_busy", [False, True], ids=["sent", "sent on the retry"])
async def test_a_draft_held_for_the_leads_answer_goes_when_they_answer_on_whatsapp(
    database_url, monkeypatch, twilio_busy
):
    """Twilio busy (503) when the answer releases the draft: the event's job retries and
    the draft goes then, once."""
    monkeypatch.setattr(jobs, "RETRY", RetryStrategy(max_attempts=jobs.ATTEMPTS - 1, wait=0))
    template_sid = "HX" + "ab" * 16
    with TwilioStandIn() as twilio:
        async with service_on_port(
            database_url, twilio_api_base_url=twilio.url, **TWILIO
        ) as client:
            await create_creator(client, "ajay_shenoy")
            await create_consumer(client, NEHA)
            agents = (await client.get("/agents", params={"creator_id": "ajay_shenoy"})).json()
            changed = await client.patch(
                f"/agents/{agents['agents'][0]['id']}",
                json={"whatsapp_template_sid": template_sid},
            )
            assert changed.status_code == 200, changed.text
            approval_id = await draft_for(
                client, "ajay_shenoy", NEHA["external_id"], "2026-11-02T05:30:00Z"
            )
            await client.post(f"/approvals/{approval_id}/decision", json=DECIDE)

            async def held():
                body = (await client.get(f"/approvals/{approval_id}")).json()
                return body if body["status"] == "held" else None

            draft = (await wait_for(held))["draft"]
            assert [m.get("ContentSid") for m in twilio.messages] == [template_sid]
            if twilio_busy:
                twilio.fail_next(503, 20503)  # not taken: the send is retried
            answer = await send_inbound(str(client.base_url), NEHA["whatsapp"], "Yes, tell me")
            assert answer.status_code == 200, answer.text

            async def draft_sent():
                return twilio.messages[1:]

            follow_up = await wait_for(draft_sent)
            await twilio.wait_for_callbacks()
            messages = (await client.get("/messages")).json()["messages"]
    assert [m["Body"] for m in follow_up] == [draft["body"]]
    # Both the opener and the draft were reported delivered and read.
    assert sorted(m["delivery_status"] for m in messages) == ["read", "read"]


async def test_stop_opts_the_lead_out_for_every_creator_on_the_sender(database_url):
    with TwilioStandIn() as twilio:
        async with service_on_port(
            database_url, twilio_api_base_url=twilio.url, **TWILIO
        ) as client:
            await create_creator(client, "ajay_shenoy")
            await create_creator(client, "maya_lifts")
            await create_consumer(client, NEHA, "ajay_shenoy")
            await create_consumer(client, NEHA, "maya_lifts")
            ajays = await draft_for(client, "ajay_shenoy", "c-1001", "2026-11-02T05:30:00Z")
            mayas = await draft_for(client, "maya_lifts", "c-1001", "2026-11-02T06:30:00Z")
            answer = await send_inbound(str(client.base_url), NEHA["whatsapp"], "STOP")
            assert answer.status_code == 200, answer.text
            # At once, before any job ran: both creators' leads are opted out of WhatsApp.
            leads = [await lead(client, c, "c-1001") for c in ("ajay_shenoy", "maya_lifts")]
            drafts = [(await client.get(f"/approvals/{a}")).json() for a in (ajays, mayas)]

            async def stop_processed():
                events = (await client.get("/events")).json()["events"]
                stop = [e for e in events if e["type"] == "inbound_message"]
                return stop if stop and stop[0]["status"] != "queued" else None

            stop = await wait_for(stop_processed)
    assert [lead["consent"]["whatsapp"] for lead in leads] == [False, False]
    assert [(d["status"], d["status_reason"]) for d in drafts] == [("withdrawn", "opted_out")] * 2
    ledger = await rows(
        database_url,
        "SELECT creator_id, granted, source, given_by FROM consent_ledger"
        " WHERE granted = false ORDER BY creator_id",
    )
    assert ledger == [
        {"creator_id": c, "granted": False, "source": "whatsapp_stop", "given_by": "lead"}
        for c in ("ajay_shenoy", "maya_lifts")
    ]
    suppressed = await rows(database_url, "SELECT channel, address, reason FROM suppressions")
    assert suppressed == [{"channel": "whatsapp", "address": NEHA["whatsapp"], "reason": "stop"}]
    # The message went to the thread the lead was last active on: Maya's.
    assert len(stop) == 1 and stop[0]["creator_id"] == "maya_lifts"
    assert stop[0]["decision"]["reason"] == "opted_out"
    assert twilio.messages == []


async def test_a_forged_or_unsigned_request_gets_403_and_changes_nothing(database_url):
    with TwilioStandIn() as twilio:
        async with service_on_port(
            database_url, twilio_api_base_url=twilio.url, **TWILIO
        ) as client:
            await create_creator(client, "ajay_shenoy")
            await create_consumer(client, NEHA)
            message = await send_approved(client, NEHA["external_id"])
            await twilio.wait_for_callbacks()
            base = str(client.base_url)
            forged = [
                await send_inbound(base, NEHA["whatsapp"], "STOP", signature="forged"),
                await send_inbound(base, NEHA["whatsapp"], "STOP", signature=""),
                await send_inbound(base, NEHA["whatsapp"], "STOP", auth_token="not-the-token"),
            ]
            # Signed for another address than PUBLIC_BASE_URL's.
            form = {
                "MessageSid": message["provider_message_id"],
                "MessageStatus": "failed",
                "ErrorCode": "21610",
                "To": "whatsapp:+919876543210",
            }
            elsewhere = sign("token", "https://attacker.example/webhooks/twilio/status", form)
            async with httpx.AsyncClient(timeout=30) as http:
                forged.append(
                    await http.post(
                        status_url(client), data=form, headers={"X-Twilio-Signature": elsewhere}
                    )
                )
            neha = await lead(client, "ajay_shenoy", NEHA["external_id"])
            after = await delivery_of(client, message["id"])
    assert [answer.status_code for answer in forged] == [403] * 4
    assert all("signature" in answer.json()["detail"].lower() for answer in forged)
    assert neha["consent"]["whatsapp"] is True and after["delivery_status"] == "read"
    assert await rows(database_url, "SELECT * FROM events WHERE type = 'inbound_message'") == []
    assert await rows(database_url, "SELECT * FROM webhook_receipts") == []
    assert await rows(database_url, "SELECT * FROM suppressions") == []


async def test_twilio_21610_withdraws_consent_and_suppresses_the_number(database_url):
    with TwilioStandIn() as twilio:
        async with service_on_port(
            database_url, twilio_api_base_url=twilio.url, **TWILIO
        ) as client:
            await create_creator(client, "ajay_shenoy")
            await create_consumer(client, NEHA)
            twilio.report_next(failing("failed", "21610"))
            message = await send_approved(client, NEHA["external_id"])
            await twilio.wait_for_callbacks()
            message = await delivery_of(client, message["id"])
            neha = await lead(client, "ajay_shenoy", NEHA["external_id"])
    assert (message["delivery_status"], message["delivery_error_code"]) == ("failed", "21610")
    assert neha["consent"]["whatsapp"] is False
    ledger = await rows(
        database_url, "SELECT granted, source, given_by FROM consent_ledger WHERE NOT granted"
    )
    assert ledger == [{"granted": False, "source": "twilio", "given_by": "provider"}]
    suppressed = await rows(database_url, "SELECT address, reason, source FROM suppressions")
    assert suppressed == [{"address": NEHA["whatsapp"], "reason": "opted_out", "source": "twilio"}]


async def test_bad_requests_get_a_clear_4xx_and_strangers_an_empty_answer(database_url):
    async with service_on_port(database_url, **TWILIO) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, NEHA)
        base = str(client.base_url)
        async with httpx.AsyncClient(timeout=30) as http:
            not_a_form = await http.post(
                base + "/webhooks/twilio/whatsapp",
                content=b'{"Body": "hi"}',
                headers={"content-type": "application/json", "X-Twilio-Signature": "x"},
            )
            too_large = await http.post(
                base + "/webhooks/twilio/status",
                content=b"a=" + b"x" * 70_000,
                headers={
                    "content-type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": "x",
                },
            )
            broken = await http.post(
                base + "/webhooks/twilio/status",
                content=b"MessageSid=SM%zz&&=",
                headers={
                    "content-type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": "x",
                },
            )
        no_status = await post_signed(status_url(client), {"MessageSid": new_sid()})
        bad_sid = await post_signed(
            status_url(client), {"MessageSid": "SM1", "MessageStatus": "sent"}
        )
        unknown_sid = await post_signed(
            status_url(client), {"MessageSid": new_sid(), "MessageStatus": "delivered"}
        )
        other_sender = await send_inbound(base, NEHA["whatsapp"], "Hi", to="whatsapp:+15550001111")
        stranger = await send_inbound(base, "+447700900123", "Hi, who is this?")
    assert (not_a_form.status_code, too_large.status_code) == (415, 413)
    assert broken.status_code == 400 and "form" in broken.json()["detail"]
    assert no_status.status_code == 400 and "MessageStatus" in no_status.json()["detail"]
    assert bad_sid.status_code == 400 and "MessageSid" in bad_sid.json()["detail"]
    # A report on a message the service does not know yet is kept, and answered 200.
    assert unknown_sid.status_code == 200
    # Not this service's number, or nobody's lead: Twilio must not retry, nothing is created.
    for answer in (other_sender, stranger):
        assert answer.status_code == 200 and answer.text.endswith("<Response/>")
    assert await rows(database_url, "SELECT * FROM events") == []
