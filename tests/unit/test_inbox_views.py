"""What the inbox shows, from rows: the trigger in words, a profile's changes on a re-sync,
the profile form's fields round-trip, and a thread in time order."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from domain.marketplace import MarketplaceCreator
from domain.profile_writing import WRITING_FIELDS, build_profile
from server.inbox_views import (
    draft_card,
    draft_check,
    field_text,
    parse_field,
    profile_changes,
    thread_items,
    trigger_text,
    when,
)
from tests.conftest import load_creator


def ajay(price: int | None = None) -> dict:
    data = copy.deepcopy(load_creator("ajay_shenoy"))
    if price is not None:
        data["services"][0]["price"]["amount"] = price
    return build_profile(MarketplaceCreator.model_validate(data))


def test_a_trigger_names_the_service_clicked_and_the_leads_words():
    profile = ajay()
    assert trigger_text("service_click", {"service_id": 101}, profile) == (
        "clicked “1:1 Career Strategy Call”"
    )
    assert trigger_text("service_click", {"service_id": 999}, profile) == "clicked service 999"
    assert trigger_text("inbound_message", {"text": "Is it online?"}, profile) == (
        "sent a message: “Is it online?”"
    )
    assert trigger_text("page_view", {}, profile) == "viewed your page"


def test_moments_read_in_utc():
    assert when("2026-11-08T11:30:00+05:30") == "8 Nov 2026, 06:00 UTC"
    assert when(datetime(2026, 1, 2, 3, 4, tzinfo=UTC)) == "2 Jan 2026, 03:04 UTC"
    assert when(None) == "never"


def test_a_resync_shows_the_new_price_and_the_rewritten_fields_only():
    changes = profile_changes(ajay(2499), ajay())
    what = {c["what"]: c for c in changes}
    assert what["Service: 1:1 Career Strategy Call"]["before"].startswith(
        "1:1 Career Strategy Call: ₹1,999"
    )
    assert "₹2,499" in what["Service: 1:1 Career Strategy Call"]["after"]
    assert "Summary" in what and "Service: Priority DM" not in what
    assert profile_changes(ajay(), ajay()) == []
    assert profile_changes(ajay(), None) == []


def test_every_writing_field_survives_the_edit_form():
    profile = ajay()
    for field in WRITING_FIELDS:
        assert parse_field(field, field_text(field, profile[field])) == profile[field], field


def test_a_draft_shows_its_own_check_or_its_events_when_that_names_it():
    stored = {"id": "a1", "draft": {"check": {"passed": True, "problems": []}}}
    assert draft_check(stored) == {"passed": True, "problems": []}
    older = {"id": "a1", "draft": {}, "event_decision": {"approval_id": "a1", "draft_check": 1}}
    assert draft_check(older) == 1
    redraft = {"id": "a2", "draft": {}, "event_decision": {"approval_id": "a1", "draft_check": 1}}
    assert draft_check(redraft) is None


def test_a_card_says_why_the_agent_left_the_draft_to_the_creator():
    def card(verdict: dict | None) -> dict:
        draft = {"body": "Hi", "source": "llm", **({"agent_verdict": verdict} if verdict else {})}
        return draft_card({"id": "a1", "status": "pending", "draft": draft}, ajay())

    waits = {"approves": False, "rule": "first_message", "reason": "a first message waits"}
    assert card(waits)["waits_because"] == "a first message waits"
    assert (
        card({"approves": True, "rule": "auto_checks_passed", "reason": "x"})["waits_because"]
        is None
    )
    assert card(None)["waits_because"] is None  # drafts saved before verdicts were kept


def test_a_thread_is_in_time_order():
    at = lambda h: datetime(2026, 11, 8, h, tzinfo=UTC)  # noqa: E731
    items = thread_items(
        [
            {
                "occurred_at": at(6),
                "type": "page_view",
                "payload": {},
                "status": "processed",
                "decision": {"act": True, "reason": "new_lead"},
            }
        ],
        [
            {
                "id": "a",
                "created_at": at(7),
                "status": "approved",
                "draft": {"source": "template", "body": "Hi"},
            }
        ],
        [{"created_at": at(8), "channel": "whatsapp", "status": "recorded", "body": "Hi"}],
        ajay(),
    )
    assert [i["kind"] for i in items] == ["event", "draft", "message"]
    assert items[0]["detail"].startswith("The agent drafted: the lead viewed")


def test_a_timer_and_a_bookings_events_are_said_in_words():
    from server.inbox_views import trigger_text

    assert trigger_text("timer", {"kind": "reminder"}, {}).startswith("their session is coming up")
    assert trigger_text("timer", {"kind": "follow_up"}, {}).startswith("no answer since")
    assert trigger_text("session_completed", {"booking_id": "b"}, {}) == "finished their session"
