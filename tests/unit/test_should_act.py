"""The decision rules, one by one, with no I/O."""

from __future__ import annotations

import pytest

from domain.marketplace import MarketplaceCreator
from domain.profile_writing import build_profile
from nodes.should_act import decide
from nodes.update_context import EMPTY_CONTEXT, apply_event
from tests.conftest import load_creator

AJAY = build_profile(MarketplaceCreator.model_validate(load_creator("ajay_shenoy")))
QUIET = build_profile(MarketplaceCreator.model_validate(load_creator("quiet_creator")))
REACHABLE = {
    "id": "c1",
    "name": "Neha",
    "whatsapp": "+919876543210",
    "email": "n@example.com",
    "consent": {"whatsapp": True, "email": True},
}


# A draft for service 101 waiting for approval (the PendingApproval shape).
WAITING = {
    "id": "a",
    "event_id": "e0",
    "channel": "whatsapp",
    "decision": {
        "act": True,
        "reason": "service_interest",
        "channel": "whatsapp",
        "service_id": 101,
    },
    "draft": {"service_ids": [101], "body": "hi"},
}


def state(
    event_type="page_view",
    payload=None,
    at="2026-11-02T05:30:00+00:00",
    context=None,
    previous_page_view_at=None,
    consumer=REACHABLE,
    approval=None,
):
    event = {"id": "e", "type": event_type, "occurred_at": at, "payload": payload or {}}
    return {
        "event": event,
        "consumer": consumer,
        "approval": approval,
        "context": apply_event(context or EMPTY_CONTEXT, event),
        "previous_page_view_at": previous_page_view_at,
    }


def test_first_page_view_is_a_new_lead_on_whatsapp():
    decision = decide(state(), AJAY)
    assert (decision["act"], decision["reason"], decision["channel"]) == (
        True,
        "new_lead",
        "whatsapp",
    )


@pytest.mark.parametrize(
    ("previous", "reason", "act"),
    [
        ("2026-11-01T05:30:00+00:00", "returning_lead", True),  # exactly 24 h
        ("2026-11-01T06:00:00+00:00", "seen_recently", False),  # 23.5 h
    ],
)
def test_a_repeat_page_view_acts_only_after_24_hours(previous, reason, act):
    decision = decide(state(previous_page_view_at=previous), AJAY)
    assert (decision["act"], decision["reason"]) == (act, reason)


def test_click_on_a_service_not_enrolled_in_is_service_interest():
    decision = decide(state("service_click", {"service_id": 101}), AJAY)
    assert (decision["act"], decision["reason"], decision["service_id"]) == (
        True,
        "service_interest",
        101,
    )


def test_click_on_an_enrolled_service_stays_quiet():
    enrolled = {**EMPTY_CONTEXT, "enrolled_service_ids": [101]}
    decision = decide(state("service_click", {"service_id": 101}, context=enrolled), AJAY)
    assert (decision["act"], decision["reason"]) == (False, "already_enrolled")


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "stop.",
        "Unsubscribe",
        "please STOP messaging me",
        "not interested, leave me alone",
        "opt out",
    ],
)
def test_an_opt_out_message_silences_the_agent(text):
    decision = decide(state("inbound_message", {"text": text}), AJAY)
    assert (decision["act"], decision["reason"]) == (False, "opted_out")


def test_an_ordinary_reply_is_answered_on_the_channel_it_came_in_on():
    decision = decide(
        state("inbound_message", {"text": "What time is the cohort?", "channel": "email"}), AJAY
    )
    assert (decision["act"], decision["reason"], decision["channel"]) == (
        True,
        "inbound_reply",
        "email",
    )


OUT_OF_OFFICE = (
    "Thank you for your message. I am currently out of the office until Monday with limited "
    "access to email. I will respond when I return."
)


def test_an_out_of_office_reply_is_not_answered_and_not_a_reply():
    engaged = apply_event(
        EMPTY_CONTEXT,
        {"id": "e0", "type": "inbound_message", "occurred_at": "2026-11-01T05:30:00+00:00",
         "payload": {"text": "Tell me more"}},
    )  # fmt: skip
    auto = state("inbound_message", {"text": OUT_OF_OFFICE})
    decision = decide(auto, AJAY)
    assert (decision["act"], decision["reason"], decision["withdraw_pending"]) == (
        False,
        "auto_reply",
        False,
    )
    assert auto["context"]["last_inbound_at"] is None and auto["context"]["stage"] == "lead"
    # A lead who really replied earlier keeps that reply, not the autoresponder's time.
    later = state("inbound_message", {"text": OUT_OF_OFFICE}, context=engaged)
    assert later["context"]["last_inbound_at"] == "2026-11-01T05:30:00+00:00"
    assert later["context"]["stage"] == "engaged"


def test_an_auto_reply_leaves_a_waiting_or_held_draft_alone():
    for waiting in (WAITING, {**WAITING, "held": True}):
        decision = decide(state("inbound_message", {"text": OUT_OF_OFFICE}, approval=waiting), AJAY)
        assert decision["reason"] == "auto_reply"
        assert not decision["withdraw_pending"] and not decision.get("release_held")


def test_a_lead_who_mentions_being_away_is_still_answered():
    text = "I'm away until Monday, can you send me the link to book then?"
    decision = decide(state("inbound_message", {"text": text}), AJAY)
    assert (decision["act"], decision["reason"]) == (True, "inbound_reply")
    assert state("inbound_message", {"text": text})["context"]["stage"] == "engaged"


def test_an_auto_reply_that_says_stop_still_opts_out():
    text = "This is an automated message. To stop these emails reply STOP. Unsubscribe here."
    decision = decide(state("inbound_message", {"text": text}), AJAY)
    assert (decision["act"], decision["reason"]) == (False, "opted_out")


def test_no_consented_channel_is_unreachable():
    consumer = {**REACHABLE, "consent": {"whatsapp": False, "email": False}}
    decision = decide(state(consumer=consumer), AJAY)
    assert (decision["act"], decision["reason"]) == (False, "unreachable")


def test_email_is_used_when_whatsapp_has_no_consent():
    consumer = {**REACHABLE, "consent": {"whatsapp": False, "email": True}}
    assert decide(state(consumer=consumer), AJAY)["channel"] == "email"


def test_a_creator_without_open_services_has_nothing_to_offer():
    decision = decide(state(), QUIET)
    assert (decision["act"], decision["reason"]) == (False, "nothing_to_offer")


def test_a_waiting_draft_blocks_a_second_one():
    approval = WAITING
    decision = decide(state("service_click", {"service_id": 103}, approval=approval), AJAY)
    assert (decision["act"], decision["reason"]) == (False, "pending_approval")


def test_a_service_the_lead_booked_is_never_pitched():
    # Booked services come from the bookings table with the event (outreach facts); a
    # booking's own events run on its customer-onboarding thread, never here.
    clicked = {
        **state("service_click", {"service_id": 101}),
        "outreach": {"booked_service_ids": [101]},
    }
    decision = decide(clicked, AJAY)
    assert (decision["act"], decision["reason"]) == (False, "already_enrolled")
    other = {
        **state("service_click", {"service_id": 104}),
        "outreach": {"booked_service_ids": [101]},
    }
    assert decide(other, AJAY)["reason"] == "service_interest"


def test_a_disabled_agent_is_not_triggered():
    decision = decide(state(), AJAY, agent_enabled=False)
    assert (decision["act"], decision["reason"]) == (False, "not_triggered")


def test_context_timestamps_never_move_backwards_for_late_events():
    later = apply_event(
        EMPTY_CONTEXT,
        {"id": "1", "type": "page_view", "occurred_at": "2026-11-03T00:00:00+00:00", "payload": {}},
    )
    late = apply_event(
        later,
        {"id": "2", "type": "page_view", "occurred_at": "2026-11-01T00:00:00+00:00", "payload": {}},
    )
    assert late["last_seen_at"] == "2026-11-03T00:00:00+00:00"
    assert late["page_views"] == 2


@pytest.mark.parametrize(
    ("triggers", "acts"),
    [
        (None, True),
        ([{"event_type": "service_click"}], True),
        ([{"event_type": "service_click", "filter": {"service_id": 101}}], True),
        ([{"event_type": "service_click", "filter": {"service_id": 103}}], False),
        ([{"event_type": "page_view"}], False),
        ([], False),
    ],
)
def test_only_events_matching_a_trigger_wake_the_agent(triggers, acts):
    decision = decide(state("service_click", {"service_id": 101}), AJAY, triggers=triggers)
    assert decision["act"] is acts
    assert decision["reason"] == ("service_interest" if acts else "not_triggered")


PAUSED_UNTIL = "2026-11-04T05:30:00+00:00"


@pytest.mark.parametrize(
    ("event_type", "payload"),
    [("inbound_message", {"text": "Thanks Ajay!"}), ("service_click", {"service_id": 101})],
)
def test_while_the_creator_took_over_the_agent_keeps_quiet(event_type, payload):
    paused = {**state(event_type, payload), "outreach": {"paused_until": PAUSED_UNTIL}}
    decision = decide(paused, AJAY)
    assert (decision["act"], decision["reason"]) == (False, "creator_takeover")
    assert decision["withdraw_pending"] is False


def test_a_draft_waiting_when_the_creator_took_over_is_withdrawn():
    waiting = state("page_view", approval=WAITING)
    decision = decide({**waiting, "outreach": {"paused_until": PAUSED_UNTIL}}, AJAY)
    assert (decision["reason"], decision["withdraw_pending"]) == ("creator_takeover", True)


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        ("2026-11-04T05:29:59+00:00", "creator_takeover"),
        ("2026-11-04T05:30:00+00:00", "inbound_reply"),  # the pause is over at its end
        ("2026-11-04T11:00:00+05:30", "inbound_reply"),  # the event's own clock, any zone
    ],
)
def test_the_pause_ends_at_paused_until_on_the_events_clock(at, reason):
    event = state("inbound_message", {"text": "Hello?"}, at=at)
    decision = decide({**event, "outreach": {"paused_until": PAUSED_UNTIL}}, AJAY)
    assert decision["reason"] == reason


def test_an_opt_out_still_wins_over_a_takeover():
    stop = state("inbound_message", {"text": "STOP"})
    decision = decide({**stop, "outreach": {"paused_until": PAUSED_UNTIL}}, AJAY)
    assert decision["reason"] == "opted_out"
