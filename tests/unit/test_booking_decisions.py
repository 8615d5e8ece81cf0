"""The customer onboarding agent's decisions, and what its messages may name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from domain.booking_decisions import decide_booking, fold_booking, reminder_due, session_end
from domain.booking_offer import booking_time_phrase, next_service, profile_for_booking
from domain.booking_payload import booking_problem
from domain.marketplace import MarketplaceCreator
from domain.profile_writing import build_profile
from tests.conftest import load_creator

PROFILE = build_profile(MarketplaceCreator.model_validate(load_creator("ajay_shenoy")))
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
LEAD = {"id": "c-1", "whatsapp": "+919876543210", "consent": {"whatsapp": True}}


def event(event_type: str, at: datetime = NOW, **payload: Any) -> dict[str, Any]:
    return {"id": "e-1", "type": event_type, "occurred_at": at.isoformat(), "payload": payload}


def decide(kind: str, booking: dict, steps: list[str] | None = None, at=NOW, **kwargs):
    defaults = {
        "consumer": LEAD,
        "context": {},
        "outreach": {},
        "pending": None,
        "profile": PROFILE,
        "agent_enabled": True,
        "reminder_hours_before": 24,
    }
    payload = {"kind": kwargs.pop("timer")} if "timer" in kwargs else {}
    return decide_booking(
        event(kind, at, **payload), booking, steps or [], **{**defaults, **kwargs}
    )


BOOKED = {
    "booking_id": "b-1",
    "service_id": 101,
    "status": "booked",
    "starts_at": (NOW + timedelta(days=3)).isoformat(),
}


def test_a_new_booking_is_welcomed_and_gets_its_reminder_and_thank_you_timers():
    decision, plan = decide("booking_created", BOOKED)
    assert decision["act"] and decision["reason"] == "booking_welcome"
    assert decision["channel"] == "whatsapp"
    assert plan["schedule"] == [
        {"kind": "reminder", "at": (NOW + timedelta(days=2)).isoformat()},
        {"kind": "thank_you", "at": (NOW + timedelta(days=3, minutes=30)).isoformat()},
    ]


def test_a_booking_sooner_than_the_reminder_time_gets_no_reminder():
    soon = {**BOOKED, "starts_at": (NOW + timedelta(hours=5)).isoformat()}
    _, plan = decide("booking_created", soon)
    assert [t["kind"] for t in plan["schedule"]] == ["thank_you"]
    assert reminder_due(soon, 24, NOW) is None
    assert reminder_due(soon, 2, NOW) == NOW + timedelta(hours=3)


def test_the_reminder_timer_reminds_once_and_never_after_the_session_started():
    decision, _ = decide("timer", BOOKED, ["welcome"], timer="reminder")
    assert decision["reason"] == "session_reminder" and decision["act"]
    again, _ = decide("timer", BOOKED, ["welcome", "reminder"], timer="reminder")
    assert again["reason"] == "already_reminded" and not again["act"]
    late, _ = decide("timer", BOOKED, ["welcome"], at=NOW + timedelta(days=4), timer="reminder")
    assert late["reason"] == "session_started" and not late["act"]


def test_a_completed_session_is_thanked_once_and_cancels_what_is_left():
    done = fold_booking(BOOKED, event("session_completed", booking_id="b-1"))
    decision, plan = decide("session_completed", done, ["welcome"])
    assert decision["reason"] == "session_thank_you" and plan["cancel"] == ["reminder", "thank_you"]
    twice, _ = decide("timer", done, ["welcome", "thank_you"], timer="thank_you")
    assert twice["reason"] == "already_thanked" and not twice["act"]


def test_a_cancelled_booking_withdraws_what_waits_and_cancels_its_timers():
    cancelled = fold_booking(BOOKED, event("booking_cancelled", booking_id="b-1"))
    decision, plan = decide("booking_cancelled", cancelled, pending={"id": "a-1"})
    assert decision["reason"] == "booking_cancelled" and decision["withdraw_pending"]
    assert plan["cancel"] == ["reminder", "thank_you"]
    # Cancelled stays cancelled, whatever arrives after.
    assert fold_booking(cancelled, event("booking_created", booking_id="b-1"))["status"] == (
        "cancelled"
    )


def test_a_lead_who_opted_out_on_their_sales_thread_gets_nothing():
    decision, plan = decide("booking_created", BOOKED, outreach={"opted_out": True})
    assert decision["reason"] == "opted_out" and not decision["act"]
    assert plan["cancel"] == ["reminder", "thank_you"]


def test_without_a_session_time_there_is_no_timer_and_no_end():
    product = {"booking_id": "b-2", "service_id": 102, "status": "booked"}
    decision, plan = decide("payment_completed", product)
    assert decision["reason"] == "booking_welcome" and plan["schedule"] == []
    assert session_end(product, PROFILE) is None


def test_the_next_service_is_the_cheapest_one_priced_above_the_booked_one():
    call = next(s for s in PROFILE["services"] if s["id"] == 101)
    assert next_service(PROFILE, call, [101])["id"] == 103
    assert next_service(PROFILE, call, [101, 103]) is None
    thanks = profile_for_booking(PROFILE, 101, "session_thank_you", [101])
    assert [s["id"] for s in thanks["services"]] == [101, 103]
    welcome = profile_for_booking(PROFILE, 101, "booking_welcome", [101])
    assert [s["id"] for s in welcome["services"]] == [101]


def test_the_booking_time_is_said_in_the_leads_zone():
    phrase = booking_time_phrase("2026-12-04T10:00:00Z", "Asia/Kolkata", "UTC")
    assert phrase == "Friday 4 December 2026 at 15:30 (Asia/Kolkata)"
    assert booking_time_phrase("2026-12-04T10:00:00Z", "Not/AZone", None).endswith("(UTC)")


def test_booking_payload_problems_are_named():
    assert booking_problem("booking_created", {"booking_id": "b", "service_id": 1}) is None
    assert "booking_id" in booking_problem("session_completed", {})
    assert "service_id" in booking_problem("booking_created", {"booking_id": "b"})
    problem = booking_problem(
        "booking_created",
        {
            "booking_id": "b",
            "service_id": 1,
            "starts_at": "2026-12-04T10:00:00Z",
            "ends_at": "2026-12-04T09:00:00Z",
        },
    )
    assert "ends_at must be after" in problem
