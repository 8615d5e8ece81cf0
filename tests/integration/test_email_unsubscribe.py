"""Email a mailbox provider accepts: every email to a lead goes through boto3 sesv2 (moto's
server) as a raw message with both unsubscribe headers and the postal address line, and the
link in it opts the lead out of that creator's email at once, with no login."""

from __future__ import annotations

from urllib.parse import urlsplit

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

SENDER = "maya@creators.example"
BASE = "https://agents.example.com"
MARKETPLACE_ADDRESS = "Creator Marketplace, 1 Market St, San Francisco, CA 94105"
CHRIS = {
    "external_id": "c-2001",
    "name": "Chris Walker",
    "email": "chris.walker@example.com",
    "timezone": "America/New_York",
    "consent": {"email": True},
}
APPROVE = {"decisions": [{"type": "approve"}]}
ONE_CLICK = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def moto_ses():
    with moto_ses_server(SENDER) as url:
        yield url


@pytest.fixture
def ses(moto_ses, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    return {
        "ses_from_email": SENDER,
        "ses_endpoint_url": moto_ses,
        "aws_region": "us-east-1",
        "public_base_url": BASE,
        "sender_postal_address": MARKETPLACE_ADDRESS,
    }


def anonymous(client) -> httpx.AsyncClient:
    """A caller with no key: a lead's mailbox or browser."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=client.app), base_url=BASE)


async def click(client, service_id: int, at: str, lead: dict = CHRIS) -> dict:
    posted = await client.post(
        "/events",
        json={
            "creator_id": "maya_lifts",
            "consumer_id": lead["external_id"],
            "type": "service_click",
            "occurred_at": at,
            "payload": {"service_id": service_id},
        },
    )
    assert posted.status_code == 202, posted.text
    return (await wait_for_event(client, posted.json()["event_id"]))["decision"]


async def sent_email(client, moto_ses: str, at: str) -> dict:
    """A click, the draft approved and sent: the email as SES took it."""
    decision = await click(client, 202, at)
    assert decision["act"] and decision["channel"] == "email", decision
    answer = await client.post(f"/approvals/{decision['approval_id']}/decision", json=APPROVE)
    assert answer.status_code == 200, answer.text
    message = await wait_for_message(client, decision["approval_id"])
    assert message["status"] == "sent", message
    taken = [m for m in await emails_taken(moto_ses) if m["id"] == message["provider_message_id"]]
    assert len(taken) == 1
    return taken[0]


def ledger(database_url: str, consumer_id: str = CHRIS["external_id"]) -> list[dict]:
    """The lead's email entries in the consent ledger, oldest first."""
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return conn.execute(
            "SELECT channel, granted, source, given_by, evidence FROM consent_ledger"
            " WHERE creator_id = 'maya_lifts' AND consumer_id = %s AND channel = 'email'"
            " ORDER BY id",
            (consumer_id,),
        ).fetchall()


async def audit_actions(client, consumer_id: str = CHRIS["external_id"]) -> list[str]:
    thread = (await client.get(f"/threads/maya_lifts/{consumer_id}")).json()
    return [entry["action"] for entry in thread["audit_log"]]


async def test_the_raw_email_carries_both_unsubscribe_headers_and_one_click_opts_out(
    database_url, moto_ses, ses
):
    async with running_service(database_url, **ses) as client:
        await create_creator(client, "maya_lifts")
        await create_consumer(client, CHRIS, "maya_lifts")
        email = await sent_email(client, moto_ses, "2026-11-04T15:00:00Z")

        mime = email["mime"]
        links = [part.strip().strip("<>") for part in mime["List-Unsubscribe"].split(",")]
        https, mailto = links
        assert https.startswith(f"{BASE}/unsubscribe/u1.")
        token = https.rsplit("/", 1)[1]
        assert mailto == f"mailto:{SENDER}?subject=unsubscribe%20{token}"
        assert mime["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # The line under the text: the link and the postal address (the creator set none).
        assert email["body"].rstrip().endswith(MARKETPLACE_ADDRESS)
        assert f"unsubscribe: {https}" in email["body"]
        assert email["destinations"]["ToAddresses"] == [CHRIS["email"]]

        # The mailbox's one-click request, exactly as RFC 8058 has it, no key.
        path = urlsplit(https).path
        async with anonymous(client) as mailbox:
            answer = await mailbox.post(
                path, content=b"List-Unsubscribe=One-Click", headers=ONE_CLICK
            )
        assert answer.status_code == 200, answer.text
        assert "text/html" in answer.headers["content-type"]
        assert "unsubscribed" in answer.text

        lead = (await client.get(f"/consumers/maya_lifts/{CHRIS['external_id']}")).json()
        assert lead["consent"]["email"] is False
        assert ledger(database_url)[-1] == {
            "channel": "email",
            "granted": False,
            "source": "unsubscribe_link",
            "given_by": "lead",
            "evidence": {"via": "one_click"},
        }
        assert "consent_withdrawn" in await audit_actions(client)

        # Once more: nothing new is written.
        again = await client.post(path, content=b"List-Unsubscribe=One-Click", headers=ONE_CLICK)
        assert again.status_code == 200
        assert len(ledger(database_url)) == 2  # the API's grant, then the one withdrawal
        page = await client.get(path)
        assert page.status_code == 200 and "unsubscribed" in page.text

        # The next click finds no channel to write on: no draft, nothing sent.
        decision = await click(client, 201, "2026-11-06T15:00:00Z")
        assert (decision["act"], decision["reason"]) == (False, "unreachable")
        messages = (await client.get("/messages?creator_id=maya_lifts")).json()["messages"]
        assert len(messages) == 1


async def test_the_creators_own_postal_address_is_used(database_url, moto_ses, ses):
    async with running_service(database_url, **ses) as client:
        created = await create_creator(client, "maya_lifts")
        await create_consumer(client, CHRIS, "maya_lifts")
        agent_id = created["agent"]["id"]
        changed = await client.patch(
            f"/agents/{agent_id}",
            json={"postal_address": "Maya Lifts LLC\n  200 Gym Rd\u200b, Austin, TX  "},
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["postal_address"] == "Maya Lifts LLC\n200 Gym Rd, Austin, TX"
        email = await sent_email(client, moto_ses, "2026-11-04T15:00:00Z")
        assert email["body"].rstrip().endswith("Maya Lifts LLC\n200 Gym Rd, Austin, TX")
        assert MARKETPLACE_ADDRESS not in email["body"]

        # "" clears it: the marketplace's address again.
        cleared = await client.patch(f"/agents/{agent_id}", json={"postal_address": ""})
        assert cleared.status_code == 200 and cleared.json()["postal_address"] is None
        too_long = await client.patch(f"/agents/{agent_id}", json={"postal_address": "x" * 501})
        assert too_long.status_code == 422


async def test_the_page_asks_first_and_the_button_withdraws_the_waiting_draft(
    database_url, moto_ses, ses
):
    async with running_service(database_url, **ses) as client:
        await create_creator(client, "maya_lifts")
        await create_consumer(client, CHRIS, "maya_lifts")
        decision = await click(client, 202, "2026-11-04T15:00:00Z")
        approval_id = decision["approval_id"]
        secret = client.app.state.services.unsubscribe.secret
        path = f"/unsubscribe/{sign(secret, 'maya_lifts', CHRIS['external_id'])}"

        # A link scanner's GET changes nothing: a page with a button.
        page = await client.get(path)
        assert page.status_code == 200
        assert '<form method="post"' in page.text and "Maya" in page.text
        assert (await client.get(f"/approvals/{approval_id}")).json()["status"] == "pending"

        # The button's POST (an empty body works too).
        assert (await client.post(path)).status_code == 200
        approval = (await client.get(f"/approvals/{approval_id}")).json()
        assert (approval["status"], approval["status_reason"]) == ("withdrawn", "opted_out")
        late = await client.post(f"/approvals/{approval_id}/decision", json=APPROVE)
        assert late.status_code == 409
        assert ledger(database_url)[-1]["evidence"] == {"via": "link"}
        actions = await audit_actions(client)
        assert {"draft_withdrawn", "consent_withdrawn"} <= set(actions)

        # The thread does not wait on the withdrawn draft: the next event is decided anew.
        decision = await click(client, 201, "2026-11-06T15:00:00Z")
        assert decision["reason"] == "unreachable"
        assert (await client.get("/messages")).json()["messages"] == []


async def test_a_token_that_is_not_ours_gets_a_plain_404(database_url, moto_ses, ses):
    async with running_service(database_url, **ses) as client:
        await create_creator(client, "maya_lifts")
        await create_consumer(client, CHRIS, "maya_lifts")
        secret = client.app.state.services.unsubscribe.secret
        good = sign(secret, "maya_lifts", CHRIS["external_id"])
        forged = sign(b"not the service's secret".ljust(32), "maya_lifts", CHRIS["external_id"])
        # A valid token's MAC on another lead's ids.
        other = sign(secret, "maya_lifts", "c-9999").split(".")
        swapped = ".".join([*good.split(".")[:2], other[2], good.split(".")[3]])
        for token in (forged, swapped, "nonsense", "u1." + "A" * 700, good[:-2], "%00"):
            for method in ("GET", "POST"):
                answer = await client.request(method, f"/unsubscribe/{token}")
                assert answer.status_code == 404, (token, answer.text)
                assert "not valid" in answer.text
        # A real lead's token for a lead since erased: nothing to unsubscribe.
        gone = sign(secret, "maya_lifts", "c-9999")
        assert (await client.post(f"/unsubscribe/{gone}")).status_code == 404
        assert (await client.get(f"/consumers/maya_lifts/{CHRIS['external_id']}")).json()[
            "consent"
        ]["email"] is True
        assert len(ledger(database_url)) == 1
