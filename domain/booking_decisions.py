"""What the customer onboarding agent does about one event of a booking, and why.

Pure: the decision (reason code, channel) and the timers the booking needs, from the state
and the creator's profile. The clock is the event's (`occurred_at`); a timer's event happens
when the timer was due.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.booking_payload import parse_instant
from domain.compliance import SERVICE_REASONS, SUPPRESSED
from graphs.state import BookingFacts, Decision, EventFacts
from nodes.choose_channel import choose_channel

# The messages a customer's own booking calls for: not capped (domain.compliance.purpose_of).
WELCOME, REMINDER, THANK_YOU = SERVICE_REASONS
# The step each message completes, so none of them goes twice for one booking.
STEP_OF = {WELCOME: "welcome", REMINDER: "reminder", THANK_YOU: "thank_you"}
ALL_TIMERS = ["reminder", "thank_you"]


def fold_booking(booking: BookingFacts, event: EventFacts) -> BookingFacts:
    """The booking after this event: times and service from its payload, its status moved
    on (a cancelled booking stays cancelled; a completed one is never booked again)."""
    payload = event.get("payload") or {}
    folded: dict[str, Any] = {"status": "booked", "paid": False, **booking}
    for key in ("booking_id", "starts_at", "ends_at"):
        if payload.get(key) is not None:
            folded[key] = payload[key]
    if payload.get("service_id") is not None:
        folded["service_id"] = int(payload["service_id"])
    kind = event["type"]
    if kind == "payment_completed":
        folded["paid"] = True
    if folded["status"] != "cancelled":
        if kind == "booking_cancelled":
            folded["status"] = "cancelled"
        elif kind == "session_completed":
            folded["status"] = "completed"
    return folded  # type: ignore[return-value]


def session_end(booking: BookingFacts, profile: dict[str, Any]) -> datetime | None:
    """When the session ends: the booking's `ends_at`, else its start plus the service's
    duration; None for a booking without a session time."""
    if booking.get("ends_at"):
        return parse_instant(booking["ends_at"])
    if not booking.get("starts_at"):
        return None
    service = next(
        (s for s in profile.get("services", []) if s["id"] == booking.get("service_id")), None
    )
    minutes = (service or {}).get("duration_minutes")
    return parse_instant(booking["starts_at"]) + timedelta(minutes=minutes) if minutes else None


def reminder_due(booking: BookingFacts, hours_before: int, now: datetime) -> datetime | None:
    """`hours_before` the session; None when that moment has passed already (a booking made
    sooner than that before its session gets no reminder) or there is no session time."""
    if not booking.get("starts_at"):
        return None
    due = parse_instant(booking["starts_at"]) - timedelta(hours=hours_before)
    return due if due > now else None


def _timers_for_new_booking(
    booking: BookingFacts, profile: dict[str, Any], hours_before: int, now: datetime
) -> list[dict[str, str]]:
    timers = []
    if (due := reminder_due(booking, hours_before, now)) is not None:
        timers.append({"kind": "reminder", "at": due.isoformat()})
    if (end := session_end(booking, profile)) is not None and end > now:
        timers.append({"kind": "thank_you", "at": end.isoformat()})
    return timers


def decide_booking(
    event: EventFacts,
    booking: BookingFacts,
    steps_done: list[str],
    consumer: dict[str, Any],
    context: dict[str, Any],
    outreach: dict[str, Any],
    pending: dict[str, Any] | None,
    profile: dict[str, Any],
    agent_enabled: bool,
    reminder_hours_before: int,
) -> tuple[Decision, dict[str, Any]]:
    """(the decision, the timer plan: {"schedule": [{"kind", "at"}], "cancel": [kinds]})."""
    now = datetime.fromisoformat(event["occurred_at"])
    kind = event["type"]
    timer_kind = (event.get("payload") or {}).get("kind") if kind == "timer" else None
    service_id = booking.get("service_id")

    def quiet(reason: str, withdraw: bool = False, cancel: list[str] | None = None):
        decision: Decision = {
            "act": False,
            "reason": reason,
            "channel": None,
            "service_id": service_id,
            "withdraw_pending": withdraw,
        }
        return decision, {"schedule": [], "cancel": cancel or []}

    if booking.get("status") == "cancelled":
        # Every message of the booking still to come is withdrawn or cancelled.
        return quiet("booking_cancelled", withdraw=pending is not None, cancel=ALL_TIMERS)
    if context.get("opted_out") or outreach.get("opted_out"):
        return quiet("opted_out", withdraw=pending is not None, cancel=ALL_TIMERS)

    plan: dict[str, Any] = {"schedule": [], "cancel": []}
    if kind in ("booking_created", "payment_completed"):
        plan["schedule"] = _timers_for_new_booking(booking, profile, reminder_hours_before, now)
        reason = WELCOME if "welcome" not in steps_done else None
        quiet_reason = "already_welcomed"
    elif timer_kind == "reminder":
        started = booking.get("starts_at") and parse_instant(booking["starts_at"]) <= now
        reason = None if started or "reminder" in steps_done else REMINDER
        quiet_reason = "session_started" if started else "already_reminded"
    elif kind == "session_completed" or timer_kind == "thank_you":
        plan["cancel"] = ALL_TIMERS  # the session is over: no reminder, no second thank-you
        reason = THANK_YOU if "thank_you" not in steps_done else None
        quiet_reason = "already_thanked"
    else:
        return quiet("not_triggered")

    if reason is None or not agent_enabled:
        decision, _ = quiet(quiet_reason if reason is None else "not_triggered")
        return decision, plan
    suppressed = [c for c in ("whatsapp", "email") if outreach.get(f"{c}_suppressed")]
    channel = choose_channel(consumer, excluded=suppressed)  # type: ignore[arg-type]
    if channel is None:
        reachable = choose_channel(consumer)  # type: ignore[arg-type]
        decision, _ = quiet(SUPPRESSED if reachable else "unreachable")
        return decision, plan
    return {
        "act": True,
        "reason": reason,
        "channel": channel,
        "service_id": service_id,
        # A newer message of the booking replaces one still waiting (a welcome nobody
        # approved before the reminder is due).
        "withdraw_pending": pending is not None,
    }, plan
