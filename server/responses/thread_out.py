"""One lead's conversation with one creator."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from server.responses.approval_out import ApprovalOut
from server.responses.audit_out import AuditEntry
from server.responses.event_out import EventOut
from server.responses.lead_out import LeadOut
from server.responses.message_out import MessageOut


class PendingInterrupt(BaseModel):
    id: str
    value: Any = Field(description="What the agent asks the creator (a HITL request)")


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


class ThreadOut(BaseModel):
    thread_id: str
    paused_until: datetime | None = Field(
        description="The creator wrote to the lead themselves: the agent keeps quiet on this "
        "thread for events before this time (null: never taken over)"
    )
    consumer: LeadOut
    context: dict[str, Any] | None
    awaiting_approval: bool
    pending_interrupts: list[PendingInterrupt]
    events: list[EventOut]
    approvals: list[ApprovalOut]
    messages: list[MessageOut]
    audit_log: list[AuditEntry]
    scheduled: list[ScheduledRun] = Field(
        description="What runs later on this lead's threads (sales and bookings), soonest first"
    )
    bookings: list[BookingOut] = Field(description="The lead's bookings, newest first")
