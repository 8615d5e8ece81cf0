"""Digests tell a creator that drafts wait: at most one per NOTIFY_EVERY_MIN, only when
something new waits, through the real SES and Twilio clients (or the outbox), each with a
one-time sign-in link that opens the inbox. On real Postgres."""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.conftest import NEHA, create_consumer, create_creator, running_service, wait_for_event
from tests.integration.test_inbox_sign_in import browser, sign_in_token, sign_in_with_key
from tests.standins.moto_ses import emails_taken, moto_ses_server
from tests.standins.twilio_server import TwilioStandIn
from tests.tenant_helpers import TWILIO, caller, issue

SENDER = "agents@creators.example"
AJAY_EMAIL = "ajay@example.com"
RAVI = {
    "external_id": "c-1002",
    "name": "Ravi Menon",
    "whatsapp": "+919812345678",
    "timezone": "Asia/Kolkata",
    "consent": {"whatsapp": True},
}
LINK = re.compile(r"https?://\S+/inbox/sign-in/link\?token=\S+")


@pytest.fixture(scope="module")
def moto_ses():
    with moto_ses_server(SENDER) as url:
        yield url


@pytest.fixture
def aws_credentials(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")


def ses_settings(url: str) -> dict[str, Any]:
    return {
        "ses_from_email": SENDER,
        "ses_endpoint_url": url,
        "aws_region": "us-east-1",
        "public_base_url": "https://agents.example.com",
        "sender_postal_address": "Creator Marketplace, 1 Market St, San Francisco",
    }


async def draft_for(client, lead: dict[str, Any], at: str) -> str:
    """A pending draft of ajay_shenoy's for `lead` (a click on a service): its approval id."""
    await create_consumer(client, lead)
    posted = await client.post(
        "/events",
        json={
            "creator_id": "ajay_shenoy",
            "consumer_id": lead["external_id"],
            "type": "service_click",
            "occurred_at": at,
            "payload": {"service_id": 101},
        },
    )
    decision = (await wait_for_event(client, posted.json()["event_id"]))["decision"]
    assert decision["act"], decision
    return decision["approval_id"]


async def notify(client, **body: Any) -> dict[str, Any]:
    answer = await client.put("/creators/ajay_shenoy/notifications", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def sweep(client) -> int:
    """Run the digest sweep now: how many digests exist after it (the periodic sweep of the
    running service may have sent one first; either way it is sent once)."""
    services = client.app.state.services
    await services.digests.send_due()
    async with services.pool.connection() as conn:
        cur = await conn.execute("SELECT count(*) AS n FROM creator_digests")
        return (await cur.fetchone())["n"]


def age_digests(database_url: str, minutes: float) -> None:
    """Make every digest `minutes` older, as if that long had passed since."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE creator_digests SET created_at = created_at - make_interval(secs => %s * 60)",
            (minutes,),
        )


async def test_an_email_digest_goes_once_per_interval_and_its_link_signs_the_creator_in(
    database_url, moto_ses, aws_credentials
):
    async with running_service(database_url, **ses_settings(moto_ses)) as client:
        await create_creator(client, "ajay_shenoy")
        await notify(client, channel="email", to=AJAY_EMAIL)
        assert await sweep(client) == 0  # nothing waits yet

        await draft_for(client, NEHA, "2026-11-08T06:00:00Z")
        assert await sweep(client) == 1
        await draft_for(client, RAVI, "2026-11-08T06:05:00Z")
        assert await sweep(client) == 1  # a new draft, but inside NOTIFY_EVERY_MIN

        mine = [m for m in await emails_taken(moto_ses) if AJAY_EMAIL in str(m["destinations"])]
        assert len(mine) == 1
        assert mine[0]["subject"] == "1 draft waits for your approval"
        assert NEHA["name"] not in mine[0]["body"]  # a digest names no lead
        link = LINK.search(mine[0]["body"]).group(0)

        # The link opens the creator's inbox, once.
        async with browser(client) as phone:
            url = urlsplit(link)
            page = await phone.get(f"{url.path}?{url.query}")
            assert page.status_code == 200, page.text
            token = url.query.removeprefix("token=")
            form = {"csrf_token": sign_in_token(page), "token": token}
            assert (await phone.post("/inbox/sign-in/link", data=form)).status_code == 303
            inbox = await phone.get("/inbox")
            assert inbox.status_code == 200 and NEHA["name"] in inbox.text

        # An hour later, two drafts wait and one is new since the digest: one more digest.
        age_digests(database_url, 61)
        assert await sweep(client) == 2
        assert await sweep(client) == 2
        # Another hour, nothing new: no digest about the same drafts again.
        age_digests(database_url, 61)
        assert await sweep(client) == 2

        shown = (await client.get("/creators/ajay_shenoy/notifications")).json()
    second, first = shown["recent_digests"]
    assert (first["drafts_waiting"], second["drafts_waiting"]) == (1, 2)
    assert {first["status"], second["status"]} == {"sent"}
    assert first["transport"] == "ses" and "token=" not in first["body"]
    assert len([m for m in await emails_taken(moto_ses) if AJAY_EMAIL in str(m)]) == 2


async def test_workers_sweeping_at_once_send_one_digest(database_url):
    async with running_service(database_url) as client:
        await create_creator(client, "ajay_shenoy")
        await notify(client, channel="whatsapp", to="+919800000001")
        await draft_for(client, NEHA, "2026-11-08T06:00:00Z")
        digests = client.app.state.services.digests
        sent = await asyncio.gather(*(digests.send_due() for _ in range(4)))
        assert sum(sent) <= 1 and await sweep(client) == 1
        shown = (await client.get("/creators/ajay_shenoy/notifications")).json()
    assert [d["status"] for d in shown["recent_digests"]] == ["recorded"]  # the outbox
    assert shown["recent_digests"][0]["transport"] == "outbox"


async def test_a_whatsapp_digest_goes_through_twilio_to_the_creators_number(database_url):
    with TwilioStandIn() as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, **TWILIO
        ) as client:
            await create_creator(client, "ajay_shenoy")
            await notify(client, channel="whatsapp", to="+919800000001")
            await draft_for(client, NEHA, "2026-11-08T06:00:00Z")
            twilio.messages.clear()  # only the digest from here on
            assert await sweep(client) == 1
    assert [m["To"] for m in twilio.messages] == ["whatsapp:+919800000001"]
    assert LINK.search(twilio.messages[0]["Body"])


async def test_no_digest_when_turned_off_or_never_chosen(database_url):
    async with running_service(database_url) as client:
        await create_creator(client, "ajay_shenoy")
        await draft_for(client, NEHA, "2026-11-08T06:00:00Z")
        assert await sweep(client) == 0  # never chosen: digests are optional
        off = await notify(client, enabled=False, channel="email", to=AJAY_EMAIL)
        assert off["enabled"] is False
        assert await sweep(client) == 0
        on = await notify(client, enabled=True)  # the address chosen before is kept
        assert (on["channel"], on["to"]) == ("email", AJAY_EMAIL)
        assert await sweep(client) == 1


async def test_a_refused_digest_is_recorded_as_failed_and_waits_for_the_interval(
    database_url, moto_ses, aws_credentials
):
    # The sender is not verified at SES: every email is refused.
    settings = {**ses_settings(moto_ses), "ses_from_email": "unverified@creators.example"}
    async with running_service(database_url, **settings) as client:
        await create_creator(client, "ajay_shenoy")
        await notify(client, channel="email", to=AJAY_EMAIL)
        await draft_for(client, NEHA, "2026-11-08T06:00:00Z")
        assert await sweep(client) == 1
        assert await sweep(client) == 1  # not retried every minute
        shown = (await client.get("/creators/ajay_shenoy/notifications")).json()
    [digest] = shown["recent_digests"]
    assert digest["status"] == "failed" and digest["error"]
    with psycopg.connect(database_url) as conn:
        actions = conn.execute(
            "SELECT actor, action FROM audit_log WHERE creator_id = 'ajay_shenoy'"
        ).fetchall()
    assert ("system", "digest_failed") in actions


async def test_a_creator_sets_only_their_own_and_a_bad_address_says_what_to_fix(database_url):
    async with running_service(database_url) as client:
        for creator in ("ajay_shenoy", "maya_lifts"):
            await create_creator(client, creator)
        maya = (await issue(client, "maya_lifts"))["key"]
        async with caller(client, maya) as as_maya:
            mine = await as_maya.put(
                "/creators/maya_lifts/notifications", json={"channel": "email", "to": "m@x.io"}
            )
            assert mine.status_code == 200, mine.text
            assert (await as_maya.get("/creators/ajay_shenoy/notifications")).status_code == 404
            theirs = await as_maya.put(
                "/creators/ajay_shenoy/notifications", json={"channel": "email", "to": "m@x.io"}
            )
            assert theirs.status_code == 403
        bad = await client.put(
            "/creators/ajay_shenoy/notifications", json={"channel": "whatsapp", "to": "98765"}
        )
        assert bad.status_code == 422 and "E.164" in bad.json()["detail"]
        nowhere = await client.put("/creators/ajay_shenoy/notifications", json={})
        assert nowhere.status_code == 422 and "channel" in nowhere.json()["detail"]
        unknown = await client.put("/creators/nobody/notifications", json={"enabled": False})
        assert unknown.status_code == 404
        services = client.app.state.services
        periodic = {
            t.task.name for t in services.jobs.app.periodic_registry.periodic_tasks.values()
        }
    assert "send_digests" in periodic


async def test_the_creator_chooses_digests_on_the_inbox_settings_page(database_url):
    async with running_service(database_url) as client:
        await create_creator(client, "ajay_shenoy")
        key = (await issue(client, "ajay_shenoy"))["key"]
        async with browser(client) as phone:
            assert (await sign_in_with_key(phone, key)).status_code == 303
            page = await phone.get("/inbox/settings")
            assert page.status_code == 200 and "Tell me when drafts wait" in page.text
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            form = {"csrf_token": csrf, "enabled": "on", "channel": "whatsapp", "to": "98765"}
            refused = await phone.post("/inbox/settings/notifications", data=form)
            assert refused.status_code == 422 and "E.164" in refused.text
            saved = await phone.post(
                "/inbox/settings/notifications", data={**form, "to": "+919800000001"}
            )
            assert saved.status_code == 303
            assert "Notifications saved." in (await phone.get(saved.headers["location"])).text
            forged = await phone.post(
                "/inbox/settings/notifications", data={**form, "csrf_token": "forged"}
            )
            assert forged.status_code == 403
        shown = (await client.get("/creators/ajay_shenoy/notifications")).json()
    assert (shown["enabled"], shown["channel"], shown["to"]) == (True, "whatsapp", "+919800000001")
