"""What a booking event's payload must carry, checked at the API's edge.

`booking_id` names the booking (its own customer-onboarding thread); `service_id` what was
booked; `starts_at` / `ends_at` (ISO 8601 with a zone) when the session is, if it has one.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

BOOKING_EVENTS = ("booking_created", "booking_cancelled", "payment_completed", "session_completed")
BOOKING_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")
# Date, 'T', time with optional fraction, and a zone: bounded pieces, linear to match.
ISO_WITH_ZONE = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$"
)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def booking_problem(event_type: str, payload: dict[str, Any]) -> str | None:
    """What is wrong with a booking event's payload, in words for the client; None if fine."""
    booking_id = payload.get("booking_id")
    if not isinstance(booking_id, str) or not BOOKING_ID.match(booking_id):
        return (
            f"a {event_type} event needs payload.booking_id: 1 to 100 letters, digits, "
            "'_', '-' or '.'"
        )
    if event_type == "booking_created" and not _is_int(payload.get("service_id")):
        return "a booking_created event needs payload.service_id (an integer)"
    times = {}
    for key in ("starts_at", "ends_at"):
        value = payload.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not ISO_WITH_ZONE.match(value):
            return (
                f"payload.{key} must be an ISO 8601 datetime with a zone, e.g. 2026-12-01T10:00:00Z"
            )
        try:
            times[key] = parse_instant(value)
        except ValueError:
            return f"payload.{key} is not a real date and time"
    if len(times) == 2 and times["ends_at"] <= times["starts_at"]:
        return "payload.ends_at must be after payload.starts_at"
    return None
