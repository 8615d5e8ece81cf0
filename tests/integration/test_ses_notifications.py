"""SES notifications through SNS at POST /webhooks/ses: signed as SNS signs them (with a
certificate served by the SNS stand-in, fetched from the sns.<region>.amazonaws.com URL the
message names), about emails sent through boto3 sesv2 to moto's server. A permanent bounce
suppresses the address and the next email to it is not sent; a complaint withdraws email
consent; a delivery moves the message's status on; anything not proven to come from SNS on
the configured topic is refused and changes nothing."""

from __future__ import annotations

import json

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from domain.unsubscribe_tokens import sign
from tests.conftest import (
    create_consumer,
    create_creator,
    running_service,
    wait_for_event,
    wait_for_message,
)
from tests.standins.moto_ses import emails_taken, moto_ses_server
from tests.standins.sns_server import (
    REGION,
    TOPIC_ARN,
    SnsStandIn,
    bounce,
    complaint,
    delivery,
    self_signed,
)
from tests.standins.sns_server import sign as sns_sign

SENDER = "maya@creators.example"
CHRIS = {
    "external_id": "c-2001",
    "name": "Chris Walker",
    "email": "chris.walker@example.com",
    "consent": {"email": True},
}
APPROVE = {"decisions": [{"type": "approve"}]}
SNS_HEADERS = {"content-type": "text/plain; charset=UTF-8"}


@pytest.fixture(scope="module")
def moto_ses():
    with moto_ses_server(SENDER) as url:
        yield url


@pytest.fixture
def sns():
    with SnsStandIn() as standin:
        yield standin


@pytest.fixture
def settings(moto_ses, sns, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    return {
        "ses_from_email": SENDER,
        "ses_endpoint_url": moto_ses,
        "aws_region": REGION,
        "public_base_url": "https://agents.example.com",
        "sender_postal_address": "Creator Marketplace, 1 Market St, San Francisco",
        "ses_sns_topic_arns": TOPIC_ARN,
        "sns_base_url": sns.url,
    }


async def post_sns(client, message: dict, **headers: str) -> httpx.Response:
    """SNS posts with no API key, the message type in a header, JSON as text/plain."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=client.app), base_url="https://agents.example.com"
    ) as sns_client:
        return await sns_client.post(
            "/webhooks/ses",
            content=json.dumps(message).encode(),
            headers={
                **SNS_HEADERS,
                "x-amz-sns-message-type": message.get("Type", ""),
                **headers,
            },
        )


async def email_to_chris(client, moto_ses: str, at: str, service_id: int = 202) -> dict:
    """A click, its draft approved: the message row once the send finished."""
    posted = await client.post(
        "/events",
        json={
            "creator_id": "maya_lifts",
            "consumer_id": CHRIS["external_id"],
            "type": "service_click",
            "occurred_at": at,
            "payload": {"service_id": service_id},
        },
    )
    decision = (await wait_for_event(client, posted.json()["event_id"]))["decision"]
    assert decision["act"] and decision["channel"] == "email", decision
    answer = await client.post(f"/approvals/{decision['approval_id']}/decision", json=APPROVE)
    assert answer.status_code == 200, answer.text
    return await wait_for_message(client, decision["approval_id"])


def rows(database_url: str, sql: str, params: tuple = ()) -> list[dict]:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return conn.execute(sql, params).fetchall()


def suppressed(database_url: str) -> list[dict]:
    return rows(database_url, "SELECT channel, address, reason, source FROM suppressions")


def delivery_status(database_url: str, message_id: str) -> str | None:
    return rows(database_url, "SELECT delivery_status FROM messages WHERE id = %s", (message_id,))[
        0
    ]["delivery_status"]


async def test_a_permanent_bounce_suppresses_the_address_and_the_next_email_is_not_sent(
    database_url, moto_ses, sns, settings
):
    async with running_service(database_url, **settings) as client:
        await create_creator(client, "maya_lifts")
        await create_consumer(client, CHRIS, "maya_lifts")
        first = await email_to_chris(client, moto_ses, "2026-11-04T15:00:00Z")
        assert first["status"] == "sent"
        taken = len(await emails_taken(moto_ses))

        # A transient bounce is only noted: SES keeps trying.
        soft = sns.notification(
            bounce("Chris.Walker@example.com", first["provider_message_id"], "Transient")
        )
        assert (await post_sns(client, soft)).json() == {"status": "transient_bounce"}
        assert suppressed(database_url) == []

        notification = sns.notification(
            bounce("Chris.Walker@example.com", first["provider_message_id"])
        )
        answer = await post_sns(client, notification)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"status": "bounce"}
        assert suppressed(database_url) == [
            {
                "channel": "email",
                "address": "chris.walker@example.com",
                "reason": "bounce",
                "source": "ses",
            }
        ]
        assert delivery_status(database_url, first["id"]) == "bounced"
        # SNS delivers at least once: the same message again is absorbed.
        assert (await post_sns(client, notification)).json() == {"status": "repeat"}
        assert sns.fetches == 1  # the certificate was fetched once and kept

        # The next event for the address is not even drafted, and nothing reaches SES.
        posted = await client.post(
            "/events",
            json={
                "creator_id": "maya_lifts",
                "consumer_id": CHRIS["external_id"],
                "type": "service_click",
                "occurred_at": "2026-11-06T15:00:00Z",
                "payload": {"service_id": 201},
            },
        )
        decision = (await wait_for_event(client, posted.json()["event_id"]))["decision"]
        assert decision["act"] is False and decision["reason"] == "suppressed"
        assert len(await emails_taken(moto_ses)) == taken
        thread = (await client.get(f"/threads/maya_lifts/{CHRIS['external_id']}")).json()
        actions = [entry["action"] for entry in thread["audit_log"]]
        assert {"address_suppressed", "draft_not_written"} <= set(actions)


async def test_a_delivery_moves_the_message_on_and_a_complaint_opts_every_lead_out(
    database_url, moto_ses, sns, settings
):
    async with running_service(database_url, **settings) as client:
        await create_creator(client, "maya_lifts")
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, CHRIS, "maya_lifts")
        # The same person is a lead of another creator too.
        await create_consumer(client, {**CHRIS, "external_id": "x-77"}, "ajay_shenoy")
        message = await email_to_chris(client, moto_ses, "2026-11-04T15:00:00Z")

        # SES event publishing (eventType), signed with SignatureVersion 2 this time.
        delivered = sns.notification(
            delivery(CHRIS["email"], message["provider_message_id"]), version="2"
        )
        assert (await post_sns(client, delivered)).json() == {"status": "delivered"}
        assert delivery_status(database_url, message["id"]) == "delivered"

        spam = sns.notification(complaint(CHRIS["email"], message["provider_message_id"]))
        assert (await post_sns(client, spam)).json() == {"status": "complaint"}
        assert delivery_status(database_url, message["id"]) == "complained"
        assert [s["reason"] for s in suppressed(database_url)] == ["complaint"]
        for creator, lead in (("maya_lifts", "c-2001"), ("ajay_shenoy", "x-77")):
            consent = (await client.get(f"/consumers/{creator}/{lead}")).json()["consent"]
            assert consent["email"] is False
            entries = rows(
                database_url,
                "SELECT granted, source, given_by FROM consent_ledger"
                " WHERE creator_id = %s AND consumer_id = %s AND channel = 'email'"
                " ORDER BY id DESC LIMIT 1",
                (creator, lead),
            )
            assert entries == [{"granted": False, "source": "email_complaint", "given_by": "lead"}]

        # A late delivery report never moves a message back.
        late = sns.notification(delivery(CHRIS["email"], message["provider_message_id"]))
        assert (await post_sns(client, late)).json() == {"status": "delivered"}
        assert delivery_status(database_url, message["id"]) == "complained"


async def test_what_sns_did_not_sign_on_the_configured_topic_is_refused_and_changes_nothing(
    database_url, sns, settings
):
    async with running_service(database_url, **settings) as client:
        await create_creator(client, "maya_lifts")
        await create_consumer(client, CHRIS, "maya_lifts")
        good = sns.notification(bounce(CHRIS["email"], "ses-1"))

        tampered = {**good, "Message": json.dumps(bounce("someone.else@example.com", "ses-1"))}
        answer = await post_sns(client, tampered)
        assert answer.status_code == 403 and "signature" in answer.json()["detail"]

        for cert_url in (
            "https://evil.example/cert.pem",
            "http://sns.us-east-1.amazonaws.com/cert.pem",
            "https://sns.us-east-1.amazonaws.com.evil.example/cert.pem",
        ):
            foreign = sns.notification(bounce(CHRIS["email"], "ses-1"), cert_url=cert_url)
            answer = await post_sns(client, foreign)
            assert answer.status_code == 403, cert_url
            assert "SigningCertURL" in answer.json()["detail"]
        assert sns.fetches == 1  # only the tampered message's (real) certificate

        other_topic = sns.notification(
            bounce(CHRIS["email"], "ses-1"),
            topic_arn=f"arn:aws:sns:{REGION}:999999999999:someone-elses-topic",
        )
        assert (await post_sns(client, other_topic)).status_code == 403

        unsigned = {**good, "SignatureVersion": "3"}
        assert (await post_sns(client, unsigned)).status_code == 403
        not_base64 = {**good, "Signature": "%%%"}
        assert (await post_sns(client, not_base64)).status_code == 403
        # Signed by someone else's key, naming SNS's certificate.
        other_key, _ = self_signed()
        forged = sns_sign(other_key, {k: v for k, v in good.items() if k != "Signature"})
        assert (await post_sns(client, forged)).status_code == 403

        for body in (b"{not json", b"[]", b'{"Type": "Notification"}', b"\xff"):
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=client.app), base_url="http://service"
            ) as raw:
                answer = await raw.post("/webhooks/ses", content=body)
            assert answer.status_code == 400, body
        mismatch = await post_sns(client, good, **{"x-amz-sns-message-type": "Other"})
        assert mismatch.status_code == 400
        too_big = {**good, "Message": "x" * (600 * 1024)}
        assert (await post_sns(client, too_big)).status_code == 413

        assert suppressed(database_url) == []
        assert rows(database_url, "SELECT * FROM webhook_receipts") == []
        # The genuine one still works afterwards.
        assert (await post_sns(client, good)).json() == {"status": "bounce"}


async def test_without_configured_topics_every_notification_is_refused(database_url, sns, settings):
    async with running_service(database_url, **{**settings, "ses_sns_topic_arns": None}) as client:
        answer = await post_sns(client, sns.notification(bounce(CHRIS["email"], "ses-1")))
        assert answer.status_code == 403
        assert "SES_SNS_TOPIC_ARNS" in answer.json()["detail"]
        ready = (await client.get("/health/ready")).json()
        assert any("SES_SNS_TOPIC_ARNS" in warning for warning in ready["warnings"])


async def test_a_subscription_is_confirmed_at_its_sns_url(database_url, sns, settings):
    async with running_service(database_url, **settings) as client:
        confirmation = sns.subscription_confirmation()
        answer = await post_sns(client, confirmation)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"status": "confirmed"}
        assert len(sns.confirmations) == 1
        assert f"Token={confirmation['Token']}" in sns.confirmations[0]

        # A SubscribeURL off SNS's hosts is never visited, even in a signed message.
        elsewhere = sns_sign(
            sns.key,
            {
                **{k: v for k, v in confirmation.items() if k != "Signature"},
                "SubscribeURL": "https://evil.example/?Action=ConfirmSubscription",
            },
        )
        assert (await post_sns(client, elsewhere)).status_code == 403
        assert len(sns.confirmations) == 1


async def test_a_mail_to_the_unsubscribe_address_opts_the_lead_out(database_url, sns, settings):
    async with running_service(database_url, **settings) as client:
        await create_creator(client, "maya_lifts")
        await create_consumer(client, CHRIS, "maya_lifts")
        token = sign(client.app.state.services.unsubscribe.secret, "maya_lifts", "c-2001")
        received = {
            "notificationType": "Received",
            "mail": {
                "messageId": "inbound-1",
                "source": CHRIS["email"],
                "commonHeaders": {"subject": f"unsubscribe {token}", "from": [CHRIS["email"]]},
            },
            "receipt": {"action": {"type": "SNS", "topicArn": TOPIC_ARN}},
        }
        answer = await post_sns(client, sns.notification(received))
        assert answer.json() == {"status": "unsubscribed"}
        consent = (await client.get("/consumers/maya_lifts/c-2001")).json()["consent"]
        assert consent["email"] is False
