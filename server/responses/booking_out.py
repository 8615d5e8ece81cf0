"""A lead's bookings and the timers scheduled on their threads, as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel


class ScheduledRun(BaseModel):
    """A timer: the thread runs again at `due_at` (a reminder, a thank-you, a follow-up)."""

    id: str
    thread_id: str
    kind: Literal["reminder", "thank_you", "follow_up"]
    due_at: datetime
    details: dict[str, Any]
    created_at: datetime


class BookingOut(BaseModel):
    """A booking the lead made, run by the customer onboarding agent on `thread_id`."""

    booking_id: str
    service_id: int | None
    thread_id: str
    status: Literal["booked", "completed", "cancelled"]
    starts_at: datetime | None
    ends_at: datetime | None
    paid: bool
    created_at: datetime
    updated_at: datetime
