"""The template drafter's welcome, reminder and thank-you: fixed sentences around
placeholders, so the booking's time, the service's title and what to prepare are rendered
by code (domain.slots) from the creator's data."""

from __future__ import annotations

from typing import Any

from domain.compliance import SERVICE_REASONS
from domain.template_draft import slot
from graphs.state import Channel, Decision, Draft

WELCOME, REMINDER, THANK_YOU = SERVICE_REASONS


def _lines(
    reason: str, booked: dict[str, Any] | None, later: dict[str, Any] | None, timed: bool
) -> tuple[str, list[str]]:
    """(subject, body lines) for one of the booking's messages."""
    creator = slot("creator_name")
    title = slot("title", booked["id"]) if booked else f"your booking with {creator}"
    when = [f"It is on {slot('booking_time')}."] if timed else []
    if reason == WELCOME:
        return f"You're booked: {title}", [
            f"Thank you for booking {title} with {creator}.",
            *when,
            f"To make the most of it: {slot('prepare')}",
        ]
    if reason == REMINDER:
        return f"Reminder: {title}", [
            f"A quick reminder that {title} with {creator} is coming up.",
            *when,
            f"To get ready: {slot('prepare')}",
        ]
    lines = [f"Thank you for joining {title} with {creator}. How did it go?"]
    if later is not None:
        lines.append(
            f"If you want to keep going, {slot('title', later['id'])} is a natural next step: "
            f"{slot('link', later['id'])}"
        )
    return f"Thank you from {creator}", lines


def booking_template_draft(
    profile: dict[str, Any],
    decision: Decision,
    channel: Channel,
    timed: bool,
    fallback_reason: str | None = None,
) -> Draft:
    """The draft for a booking's message; `profile` holds the booked service first and, for
    the thank-you, the next one (domain.booking_offer.profile_for_booking)."""
    services = profile.get("services") or []
    booked = services[0] if services else None
    later = services[1] if len(services) > 1 else None
    subject, lines = _lines(decision.get("reason", ""), booked, later, timed)
    creator = slot("creator_name")
    if channel == "email":
        greeting = f"Hi {slot('first_name')},"
        body = "\n\n".join([greeting, *lines, f"See you soon,\n{creator}'s team"])
    else:
        subject = None
        body = " ".join([f"Hi {slot('first_name')}!", *lines])
    return {
        "channel": channel,
        "subject": subject,
        "body": body,
        "confidence": 0.6,
        "service_ids": [s["id"] for s in services],
        "reasoning": "Template draft: fixed sentences around the booking's facts.",
        "source": "template",
        "fallback_reason": fallback_reason,
        "prompt_name": None,
        "prompt_hash": None,
    }
