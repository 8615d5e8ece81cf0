"""One lead's conversation with one creator."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from server.responses.approval_out import ApprovalOut
from server.responses.audit_out import AuditEntry
from server.responses.booking_out import BookingOut, ScheduledRun
from server.responses.event_out import EventOut
from server.responses.lead_out import LeadOut
from server.responses.message_out import MessageOut


class PendingInterrupt(BaseModel):
    id: str
    value: Any = Field(description="What the agent asks the creator (a HITL request)")


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
