"""What a booking's messages may speak of: the booked service (and, after the session, the
natural next one), and the booking's own facts rendered by code for the `{{booking_time}}`
and `{{prepare}}` placeholders."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.booking_payload import parse_instant
from domain.compliance import SERVICE_REASONS

THANK_YOU = SERVICE_REASONS[2]


def next_service(
    profile: dict[str, Any], booked: dict[str, Any], enrolled: list[int]
) -> dict[str, Any] | None:
    """The natural next step after `booked`: the creator's cheapest open service that costs
    more than it and that the lead has not booked; None when there is none."""
    price = booked["price"]["amount"]
    higher = [
        s
        for s in profile.get("services", [])
        if s.get("active") and s["id"] not in enrolled and s["price"]["amount"] > price
    ]
    return min(higher, key=lambda s: s["price"]["amount"]) if higher else None


def profile_for_booking(
    profile: dict[str, Any], service_id: int | None, reason: str, enrolled: list[int]
) -> dict[str, Any]:
    """The profile with only the booked service (open for this lead: they hold a place even
    if it sold out since) and, for the thank-you, the next service to suggest."""
    booked = next((s for s in profile.get("services", []) if s["id"] == service_id), None)
    if booked is None:
        return {**profile, "services": []}
    # Its own time is the booking's: a cohort that started since is not "ended" for them.
    services = [{**booked, "active": True, "schedule": None}]
    if reason == THANK_YOU and (later := next_service(profile, booked, enrolled)) is not None:
        services.append(later)
    return {**profile, "services": services}


def _zone(*names: str | None) -> ZoneInfo:
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def booking_time_phrase(starts_at: str, lead_zone: str | None, creator_zone: str | None) -> str:
    """'Tuesday 1 December 2026 at 15:30 (Asia/Kolkata)': in the lead's time zone, else the
    creator's, else UTC."""
    zone = _zone(lead_zone, creator_zone)
    local: datetime = parse_instant(starts_at).astimezone(zone)
    day = f"{local.strftime('%A')} {local.day} {local.strftime('%B %Y')}"
    return f"{day} at {local:%H:%M} ({zone.key})"


def booking_slot_facts(
    booking: dict[str, Any], profile: dict[str, Any], lead_zone: str | None
) -> dict[str, str | None]:
    """The values of `{{booking_time}}` and `{{prepare}}`; None where the data has none."""
    service = next(
        (s for s in profile.get("services", []) if s["id"] == booking.get("service_id")), None
    )
    starts_at = booking.get("starts_at")
    return {
        "booking_time": (
            booking_time_phrase(starts_at, lead_zone, profile.get("timezone"))
            if starts_at
            else None
        ),
        # What the service's data says to prepare; its description when it says nothing more.
        "prepare": ((service or {}).get("prepare") or (service or {}).get("description") or None),
    }
