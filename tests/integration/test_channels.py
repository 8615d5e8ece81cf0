"""Sends through the real twilio and boto3 clients against local servers, exactly once."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import (
    NEHA,
    create_consumer,
    create_creator,
    running_service,
    wait_for,
    wait_for_event,
    wait_for_message,
)
from tests.standins.moto_ses import emails_taken, moto_ses_server
from tests.standins.openai_server import ScriptedOpenAI
from tests.standins.twilio_server import TwilioStandIn

CHRIS = {
    "external_id": "c-2001",
    "name": "Chris Walker",
    "email": "chris.walker@example.com",
    "timezone": "America/New_York",
    "consent": {"email": True},
}
TWILIO = {
    "twilio_account_sid": "AC" + "0" * 32,
    "twilio_auth_token": "token",
    "twilio_whatsapp_from": "whatsapp:+14155238886",
}


async def pending_draft(client, creator: str, consumer: dict, event: dict) -> dict:
    await create_creator(client, creator)
    await create_consumer(client, consumer, creator)
    posted = await client.post(
        "/events", json={"creator_id": creator, "consumer_id": consumer["external_id"], **event}
    )
    decision = (await wait_for_event(client, posted.json()["event_id"]))["decision"]
    assert decision["act"], decision
    return (await client.get(f"/approvals/{decision['approval_id']}")).json()


async def test_whatsapp_is_sent_once_when_approve_is_clicked_twice_at_once(database_url):
    with TwilioStandIn() as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, **TWILIO
        ) as client:
            approval = await pending_draft(
                client,
                "ajay_shenoy",
                NEHA,
                {
                    "type": "service_click",
                    "occurred_at": "2026-11-08T06:00:00Z",
                    "payload": {"service_id": 101},
                },
            )
            decide = {"decisions": [{"type": "approve"}]}
            answers = await asyncio.gather(
                *[
                    client.post(f"/approvals/{approval['id']}/decision", json=decide)
                    for _ in range(5)
                ]
            )
            assert sorted(a.status_code for a in answers) == [200, 409, 409, 409, 409]
            message = await wait_for_message(client, approval["id"])
            await asyncio.sleep(0.5)  # room for any wrongly queued second send
            assert message["status"] == "sent" and message["transport"] == "twilio"
    assert len(twilio.messages) == 1
    sent = twilio.messages[0]
    assert sent["To"] == "whatsapp:+919876543210" and sent["From"] == TWILIO["twilio_whatsapp_from"]
    assert sent["Body"] == approval["draft"]["body"]
    assert message["provider_message_id"] == sent["sid"]


async def test_an_edited_draft_sends_the_creators_text(database_url):
    with TwilioStandIn() as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, **TWILIO
        ) as client:
            approval = await pending_draft(
                client,
                "ajay_shenoy",
                NEHA,
                {"type": "page_view", "occurred_at": "2026-11-02T05:30:00Z", "payload": {}},
            )
            edited = "Hi Neha, Ajay here. Happy to help you plan your move into management."
            answer = await client.post(
                f"/approvals/{approval['id']}/decision",
                json={
                    "decisions": [
                        {
                            "type": "edit",
                            "edited_action": {"name": "send_whatsapp", "args": {"body": edited}},
                        }
                    ]
                },
            )
            assert answer.status_code == 200, answer.text
            message = await wait_for_message(client, approval["id"])
    assert [m["Body"] for m in twilio.messages] == [edited]
    assert message["body"] == edited


@pytest.fixture(scope="module")
def moto_ses():
    with moto_ses_server("maya@creators.example") as url:
        yield url


async def test_email_goes_through_sesv2_once(database_url, moto_ses, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    async with running_service(
        database_url,
        ses_from_email="maya@creators.example",
        ses_endpoint_url=moto_ses,
        aws_region="us-east-1",
        public_base_url="https://agents.example.com",
        sender_postal_address="Creator Marketplace, 1 Market St, San Francisco",
    ) as client:
        approval = await pending_draft(
            client,
            "maya_lifts",
            CHRIS,
            {
                "type": "service_click",
                "occurred_at": "2026-11-04T15:00:00Z",
                "payload": {"service_id": 202},
            },
        )
        assert approval["channel"] == "email"
        for _ in range(2):
            await client.post(
                f"/approvals/{approval['id']}/decision", json={"decisions": [{"type": "approve"}]}
            )
        message = await wait_for_message(client, approval["id"])
    assert message["status"] == "sent" and message["transport"] == "ses"
    sent = await emails_taken(moto_ses)
    mine = [m for m in sent if m.get("id") == message["provider_message_id"]]
    assert len(mine) == 1
    assert mine[0]["destinations"]["ToAddresses"] == ["chris.walker@example.com"]
    assert "Form Check Video Call" in mine[0]["subject"]


async def test_a_rejection_with_feedback_gets_one_new_draft_from_the_model(database_url):
    first_answer = {
        "channel": "whatsapp",
        "subject": None,
        "body": "Hi {{first_name}}! {{title:101}} ({{price:101}}): {{link:101}}",
        "service_ids": [101],
        "confidence": 0.8,
        "reasoning": "First visit.",
    }
    warmer = {**first_answer, "body": "Hi Neha, lovely to see you on Ajay's page!"}
    model = ScriptedOpenAI([{"json": first_answer}, {"json": warmer}])
    with model:
        async with running_service(
            database_url,
            openai_api_key="test-key",
            openai_base_url=model.base_url,
            draft_judge="off",  # this script answers drafts only
            llm_timeout_s=2.0,
            llm_max_retries=0,
        ) as client:
            first = await pending_draft(
                client,
                "ajay_shenoy",
                NEHA,
                {"type": "page_view", "occurred_at": "2026-11-02T05:30:00Z", "payload": {}},
            )
            answer = await client.post(
                f"/approvals/{first['id']}/decision",
                json={"decisions": [{"type": "reject", "message": "Warmer, no price"}]},
            )
            assert answer.json()["note"] is None

            async def redraft():
                pending = (
                    await client.get("/approvals", params={"creator_id": "ajay_shenoy"})
                ).json()
                return pending["approvals"]

            [second] = await wait_for(redraft)
            assert second["id"] != first["id"] and second["draft"]["body"] == warmer["body"]
            assert "Warmer, no price" in model.requests[-1]["messages"][-1]["content"]
            await client.post(
                f"/approvals/{second['id']}/decision",
                json={"decisions": [{"type": "reject", "message": "Still not right"}]},
            )
            await asyncio.sleep(1.0)
            pending = (await client.get("/approvals", params={"creator_id": "ajay_shenoy"})).json()
            assert pending["approvals"] == []  # only one redraft per event
            assert (await client.get("/messages")).json()["messages"] == []


async def test_feedback_without_a_model_says_so_and_writes_no_identical_draft(database_url):
    async with running_service(database_url) as client:
        first = await pending_draft(
            client,
            "ajay_shenoy",
            NEHA,
            {"type": "page_view", "occurred_at": "2026-11-02T05:30:00Z", "payload": {}},
        )
        answer = await client.post(
            f"/approvals/{first['id']}/decision",
            json={"decisions": [{"type": "reject", "message": "Mention the cohort instead"}]},
        )
        assert answer.status_code == 200 and "needs a drafting model" in answer.json()["note"]
        stored = (await client.get(f"/approvals/{first['id']}")).json()
        assert "needs a drafting model" in stored["status_reason"]

        async def resumed():
            thread = (await client.get("/threads/ajay_shenoy/c-1001")).json()
            return not thread["awaiting_approval"] and thread

        thread = await wait_for(resumed)
        assert [a["id"] for a in thread["approvals"]] == [first["id"]]
        assert (await client.get("/messages")).json()["messages"] == []


async def test_an_opt_out_queued_before_the_approval_stops_the_send(database_url):
    async with running_service(database_url, run_worker=False) as client:
        services = client.app.state.services
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, NEHA)

        async def post(event: dict) -> str:
            answer = await client.post(
                "/events",
                json={"creator_id": "ajay_shenoy", "consumer_id": NEHA["external_id"], **event},
            )
            return answer.json()["event_id"]

        async def drain_queue() -> None:
            await services.jobs.app.run_worker_async(
                wait=False, install_signal_handlers=False, concurrency=1
            )

        first = await post(
            {"type": "page_view", "occurred_at": "2026-11-02T05:30:00Z", "payload": {}}
        )
        await drain_queue()
        approval_id = (await client.get(f"/events/{first}")).json()["decision"]["approval_id"]
        # The lead says STOP; before that job runs, the creator clicks Approve.
        await post(
            {
                "type": "inbound_message",
                "occurred_at": "2026-11-02T05:40:00Z",
                "payload": {"text": "STOP", "channel": "whatsapp"},
            }
        )
        decided = await client.post(
            f"/approvals/{approval_id}/decision", json={"decisions": [{"type": "approve"}]}
        )
        assert decided.status_code == 200
        await drain_queue()
        approval = (await client.get(f"/approvals/{approval_id}")).json()
        assert (approval["status"], approval["status_reason"]) == ("withdrawn", "opted_out")
        assert (await client.get("/messages")).json()["messages"] == []
