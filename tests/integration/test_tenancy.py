"""Tenancy over HTTP on real Postgres: one creator's key never reads (404) or changes (403)
another creator's approvals, messages, threads, leads, events, agents and profile reviews,
and two creators' leads with the same external id are two leads."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import (
    NEHA,
    create_creator,
    load_creator,
    running_service,
    wait_for_message,
)
from tests.tenant_helpers import caller, issue, page_view, wait_for_idle, wait_for_review

A, B = "ajay_shenoy", "maya_lifts"
# B's lead with A's lead's external id, and different everything else.
SAM = {
    "external_id": NEHA["external_id"],
    "name": "Sam Rivera",
    "whatsapp": "+14155550123",
    "email": "sam.rivera@example.com",
    "timezone": "America/New_York",
    "consent": {"whatsapp": True, "email": True},
}
SECOND_LEAD = {
    "external_id": "c-2002",
    "name": "Kim Park",
    "whatsapp": "+14155550199",
    "consent": {"whatsapp": True},
}
APPROVAL_STATUSES = ("pending", "approved", "edited", "rejected", "withdrawn")


async def add_lead(client: httpx.AsyncClient, creator_id: str, lead: dict[str, Any]) -> None:
    answer = await client.post("/consumers", json={"creator_id": creator_id, **lead})
    assert answer.status_code == 201, answer.text


async def acted_on(client: httpx.AsyncClient, creator_id: str, lead_id: str, at: str) -> dict:
    """A page view of the lead that led to a draft: the processed event."""
    event = await page_view(client, creator_id, lead_id, at)
    assert event["decision"]["act"], event
    return event


async def creator_world(client: httpx.AsyncClient, creator_id: str, lead: dict, day: int) -> dict:
    """A creator with a sent message (lead one, seen on `day`), a pending draft (lead two),
    an agent and a profile review waiting; the ids of all of it."""
    await add_lead(client, creator_id, lead)
    await add_lead(client, creator_id, SECOND_LEAD)
    sent_event = await acted_on(
        client, creator_id, lead["external_id"], f"2026-11-{day:02d}T05:30:00Z"
    )
    sent_draft = sent_event["decision"]["approval_id"]
    approved = await client.post(
        f"/approvals/{sent_draft}/decision", json={"decisions": [{"type": "approve"}]}
    )
    assert approved.status_code == 200, approved.text
    message = await wait_for_message(client, sent_draft)
    assert message["status"] == "recorded"  # the outbox stand-in for a provider
    pending_event = await acted_on(
        client, creator_id, SECOND_LEAD["external_id"], f"2026-11-{day + 1:02d}T09:00:00Z"
    )
    started = await client.post(
        "/onboarding/", json={"username": creator_id, "marketplace_data": load_creator(creator_id)}
    )
    assert started.status_code == 202, started.text
    run = await wait_for_review(client, started.json()["onboarding_id"])
    agents = (await client.get("/agents", params={"creator_id": creator_id})).json()["agents"]
    return {
        "creator": creator_id,
        "lead": lead["external_id"],
        "sent_event": sent_event["id"],
        "sent_draft": sent_draft,
        "message": message["id"],
        "pending_event": pending_event["id"],
        "pending_draft": pending_event["decision"]["approval_id"],
        "run": run["id"],
        "review": run["approval_id"],
        "agent": agents[0]["id"],
    }


def reads_of(w: dict) -> list[str]:
    """Every URL that reads one of the creator's things."""
    creator, lead, second = w["creator"], w["lead"], SECOND_LEAD["external_id"]
    return [
        f"/approvals/{w['sent_draft']}",
        f"/approvals/{w['pending_draft']}",
        f"/approvals/{w['review']}",
        f"/events/{w['sent_event']}",
        f"/events/{w['pending_event']}",
        f"/threads/{creator}/{lead}",
        f"/threads/{creator}/{second}",
        f"/consumers/{creator}/{lead}",
        f"/consumers/{creator}/{lead}/export",
        f"/consumers/{creator}/{second}/export",
        f"/agents/{w['agent']}",
        f"/onboarding/{w['run']}",
        f"/onboarding/{w['run']}?include_log=true",
        f"/onboarding/profile/{creator}",
        f"/onboarding/agents/{creator}",
        f"/creators/{creator}",
        *[f"/approvals?creator_id={creator}&status={s}" for s in APPROVAL_STATUSES],
        f"/approvals?creator_id={creator}&kind=profile",
        f"/messages?creator_id={creator}",
        f"/consumers?creator_id={creator}",
        f"/events?creator_id={creator}",
        f"/events?creator_id={creator}&consumer_id={lead}",
        f"/agents?creator_id={creator}",
    ]


def writes_to(w: dict) -> list[tuple[str, str, dict | None]]:
    """Every change a creator's key could try on another creator's things."""
    creator, lead = w["creator"], w["lead"]
    edit = {
        "type": "edit",
        "edited_action": {"name": "send_whatsapp", "args": {"body": "Hi, a new price for you"}},
    }
    return [
        *[
            ("POST", f"/approvals/{approval}/decision", {"decisions": [decision]})
            for approval in (w["pending_draft"], w["review"], w["sent_draft"])
            for decision in ({"type": "approve"}, {"type": "reject", "message": "no"}, edit)
        ],
        ("POST", f"/messages/{w['message']}/resolve", {"resolution": "resend"}),
        ("POST", f"/messages/{w['message']}/resolve", {"resolution": "sent"}),
        ("PATCH", f"/consumers/{creator}/{lead}", {"whatsapp": "+15550000000"}),
        ("PATCH", f"/consumers/{creator}/{lead}", {"consent": {"whatsapp": False}}),
        ("DELETE", f"/consumers/{creator}/{lead}", None),
        ("DELETE", f"/consumers/{creator}/{SECOND_LEAD['external_id']}", None),
        ("POST", f"/agents/{w['agent']}/enable", None),
        ("POST", f"/agents/{w['agent']}/disable", None),
        ("PATCH", f"/agents/{w['agent']}", {"triggers": [{"event_type": "booking_created"}]}),
        ("POST", "/consumers", {"creator_id": creator, **SAM, "name": "Taken Over"}),
        ("POST", "/consumers", {"creator_id": creator, "external_id": "new-1", "name": "N"}),
        ("POST", f"/creators/{creator}/check", {"channel": "whatsapp", "body": "Hello"}),
    ]


async def snapshot(client: httpx.AsyncClient, w: dict) -> dict[str, Any]:
    """Everything the creator sees of their own data, read with their own key."""
    seen = {}
    for url in [*reads_of(w), "/approvals", "/messages", "/consumers", "/events", "/agents"]:
        answer = await client.get(url)
        assert answer.status_code == 200, (url, answer.text)
        seen[url] = answer.json()
    return seen


def as_missing(text: str, w: dict) -> str:
    """`text` with every id of the creator's things replaced by an id nothing has."""
    for name in ("sent_event", "sent_draft", "message", "pending_event", "pending_draft"):
        text = text.replace(w[name], f"missing-{name}")
    for name in ("run", "review", "agent"):
        text = text.replace(w[name], f"missing-{name}")
    return text.replace(w["creator"], "no_such_creator")


@pytest.fixture
async def two_creators(database_url):
    """A and B, each with a key and the same things; B's key reads B's data."""
    async with running_service(database_url) as client:
        for creator_id in (A, B):
            await create_creator(client, creator_id)
        worlds = {
            A: await creator_world(client, A, NEHA, day=2),
            B: await creator_world(client, B, SAM, day=5),
        }
        await wait_for_idle(client)
        keys = {creator_id: (await issue(client, creator_id))["key"] for creator_id in (A, B)}
        yield client, worlds, keys


async def test_a_creator_key_reads_nothing_of_another_creator(two_creators):
    client, worlds, keys = two_creators
    b = worlds[B]
    async with caller(client, keys[B]) as b_key, caller(client, keys[A]) as a_key:
        before = await snapshot(b_key, b)
        for url in reads_of(b):
            answer = await a_key.get(url)
            # Exactly what a thing that does not exist reads as: its existence is not revealed.
            nothing = await a_key.get(as_missing(url, b))
            assert answer.status_code == 404, (url, answer.status_code, answer.text)
            assert nothing.status_code == 404, (url, nothing.text)
            assert as_missing(answer.text, b) == nothing.text, url
        after = await snapshot(b_key, b)
    assert after == before


async def test_a_creator_key_changes_nothing_of_another_creator(two_creators):
    client, worlds, keys = two_creators
    b = worlds[B]
    async with caller(client, keys[B]) as b_key, caller(client, keys[A]) as a_key:
        before = await snapshot(b_key, b)
        for method, url, body in writes_to(b):
            answer = await a_key.request(method, url, json=body)
            assert answer.status_code == 403, (method, url, answer.status_code, answer.text)
        after = await snapshot(b_key, b)
        # No job was queued by a refused write: nothing changes once the worker is idle too.
        await wait_for_idle(client)
        assert await snapshot(b_key, b) == before
    assert after == before
    # A's key still does all of it on A's own things.
    a = worlds[A]
    async with caller(client, keys[A]) as a_key:
        decided = await a_key.post(
            f"/approvals/{a['pending_draft']}/decision", json={"decisions": [{"type": "reject"}]}
        )
        assert decided.status_code == 200, decided.text
        assert (await a_key.post(f"/agents/{a['agent']}/disable")).status_code == 200
        checked = await a_key.post(
            f"/creators/{A}/check", json={"channel": "whatsapp", "body": "Hi"}
        )
        assert checked.status_code == 200, checked.text


async def test_lists_with_a_creator_key_hold_only_that_creators_rows(two_creators):
    client, worlds, keys = two_creators
    lead = NEHA["external_id"]
    lists = [
        *[("approvals", {"status": s}) for s in APPROVAL_STATUSES],
        ("approvals", {"kind": "profile"}),
        ("approvals", {"kind": "message", "status": "approved"}),
        ("messages", {}),
        ("messages", {"consumer_id": lead}),
        ("consumers", {}),
        ("events", {}),
        ("events", {"consumer_id": lead}),
        ("agents", {}),
    ]
    for creator_id in (A, B):
        other = B if creator_id == A else A
        async with caller(client, keys[creator_id]) as own:
            counts = {}
            for field, params in lists:
                answer = await own.get(f"/{field}", params={**params, "limit": 500})
                assert answer.status_code == 200, (field, params, answer.text)
                rows = answer.json()[field]
                assert {r["creator_id"] for r in rows} <= {creator_id}, (field, params, rows)
                counts[field, tuple(params.values())] = len(rows)
                # Naming itself lists the same; naming the other creator reads as nothing.
                named = await own.get(
                    f"/{field}", params={**params, "limit": 500, "creator_id": creator_id}
                )
                assert named.json()[field] == rows, (field, params)
                refused = await own.get(f"/{field}", params={**params, "creator_id": other})
                assert refused.status_code == 404, (field, params, refused.text)
            # The lists were not empty by accident: each creator's own rows are all there.
            assert counts == {
                ("approvals", ("pending",)): 2,  # a draft and a profile review
                ("approvals", ("approved",)): 1,
                ("approvals", ("edited",)): 0,
                ("approvals", ("rejected",)): 0,
                ("approvals", ("withdrawn",)): 0,
                ("approvals", ("profile",)): 1,
                ("approvals", ("message", "approved")): 1,
                ("messages", ()): 1,
                ("messages", (lead,)): 1,
                ("consumers", ()): 2,
                ("events", ()): 2,
                ("events", (lead,)): 1,
                ("agents", ()): 1,
            }, creator_id
    # The admin key sees both creators' rows, so the lists above were really filtered.
    both = (await client.get("/messages")).json()["messages"]
    assert {m["creator_id"] for m in both} == {A, B}


async def test_the_same_external_id_under_two_creators_is_two_leads(two_creators):
    client, worlds, keys = two_creators
    lead = NEHA["external_id"]
    a_lead = (await client.get(f"/consumers/{A}/{lead}")).json()
    b_lead = (await client.get(f"/consumers/{B}/{lead}")).json()
    assert (a_lead["name"], a_lead["whatsapp"], a_lead["email"]) == (
        NEHA["name"],
        NEHA["whatsapp"],
        None,
    )
    assert (b_lead["name"], b_lead["whatsapp"], b_lead["email"]) == (
        SAM["name"],
        SAM["whatsapp"],
        SAM["email"],
    )
    assert a_lead["consent"] == {"whatsapp": True, "email": False}
    assert b_lead["consent"] == {"whatsapp": True, "email": True}

    a_export = (await client.get(f"/consumers/{A}/{lead}/export")).json()
    b_export = (await client.get(f"/consumers/{B}/{lead}/export")).json()
    assert a_export["context"]["last_page_view_at"].startswith("2026-11-02")
    assert b_export["context"]["last_page_view_at"].startswith("2026-11-05")
    assert [e["id"] for e in a_export["events"]] == [worlds[A]["sent_event"]]
    assert [e["id"] for e in b_export["events"]] == [worlds[B]["sent_event"]]
    assert [d["id"] for d in a_export["approvals"]] == [worlds[A]["sent_draft"]]
    assert [d["id"] for d in b_export["approvals"]] == [worlds[B]["sent_draft"]]
    # Each draft names its own creator and went to its own lead's number.
    a_draft, b_draft = a_export["approvals"][0]["draft"], b_export["approvals"][0]["draft"]
    assert "Ajay" in a_draft["body"] and "Maya" in b_draft["body"]
    assert [m["to_address"] for m in a_export["messages"]] == [NEHA["whatsapp"]]
    assert [m["to_address"] for m in b_export["messages"]] == [SAM["whatsapp"]]
    assert {e["creator_id"] for e in a_export["audit_log"]} == {A}
    assert {e["creator_id"] for e in b_export["audit_log"]} == {B}

    # Changing one changes nothing of the other.
    async with caller(client, keys[B]) as b_key:
        patched = await b_key.patch(f"/consumers/{B}/{lead}", json={"whatsapp": None})
        assert patched.status_code == 200 and patched.json()["whatsapp"] is None
    assert (await client.get(f"/consumers/{A}/{lead}")).json() == a_lead
    erased = await client.delete(f"/consumers/{B}/{lead}")
    assert erased.status_code == 200, erased.text
    assert (await client.get(f"/consumers/{A}/{lead}")).json() == a_lead
    assert (await client.get(f"/consumers/{A}/{lead}/export")).json() == a_export


async def test_patch_changes_only_the_fields_given_and_a_repost_wipes_nothing(database_url):
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, A)
        await create_creator(client, B)
        key = (await issue(client, B))["key"]
        await add_lead(client, A, NEHA)
        await add_lead(client, B, SAM)
        a_lead = (await client.get(f"/consumers/{A}/{NEHA['external_id']}")).json()
        url = f"/consumers/{B}/{SAM['external_id']}"
        async with caller(client, key) as b_key:
            email = await b_key.patch(url, json={"email": "sam@example.org"})
            assert email.status_code == 200, email.text
            lead = email.json()
            assert lead["email"] == "sam@example.org"
            assert (lead["name"], lead["whatsapp"], lead["timezone"]) == (
                SAM["name"],
                SAM["whatsapp"],
                SAM["timezone"],
            )
            assert lead["consent"] == SAM["consent"]

            # Consent changes only the channels named; null for a channel changes nothing.
            consent = await b_key.patch(url, json={"consent": {"email": False}})
            assert consent.json()["consent"] == {"whatsapp": True, "email": False}
            kept = await b_key.patch(url, json={"consent": {"whatsapp": None}})
            assert kept.json()["consent"] == {"whatsapp": True, "email": False}

            # Posting the lead again (a creator key implies its creator) changes what it sends.
            again = await b_key.post(
                "/consumers", json={"external_id": SAM["external_id"], "name": "Sam R."}
            )
            assert again.status_code == 200, again.text
            lead = again.json()
            assert lead["creator_id"] == B and lead["name"] == "Sam R."
            assert (lead["whatsapp"], lead["email"], lead["timezone"]) == (
                SAM["whatsapp"],
                "sam@example.org",
                SAM["timezone"],
            )
            assert lead["consent"] == {"whatsapp": True, "email": False}
            cleared = await b_key.post(
                "/consumers",
                json={
                    "external_id": SAM["external_id"],
                    "name": "Sam R.",
                    "whatsapp": None,
                    "consent": {"email": True},
                },
            )
            assert cleared.json()["whatsapp"] is None
            assert cleared.json()["consent"] == {"whatsapp": True, "email": True}

            nothing = await b_key.patch(url, json={})
            assert nothing.status_code == 422
            missing = await b_key.patch(f"/consumers/{B}/nobody", json={"name": "X"})
            assert missing.status_code == 404
            for bad in ({"name": None}, {"consent": None}, {"whatsapp": "0123"}, {"id": "x"}):
                assert (await b_key.patch(url, json=bad)).status_code == 422, bad
        # A's lead of the same external id never moved, and the admin must name a creator.
        assert (await client.get(f"/consumers/{A}/{NEHA['external_id']}")).json() == a_lead
        unnamed = await client.post("/consumers", json=SAM)
        assert unnamed.status_code == 422 and "creator_id" in unnamed.text
        new = await client.post("/consumers", json={**SAM, "creator_id": A, "external_id": "c-9"})
        assert new.status_code == 201
        assert new.json()["consent"] == SAM["consent"]
