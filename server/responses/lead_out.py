"""A creator's lead as the API shows it, its export and its erasure."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from server.responses.approval_out import ApprovalRecord
from server.responses.audit_out import AuditEntry
from server.responses.booking_out import BookingOut, ScheduledRun
from server.responses.event_out import EventOut
from server.responses.message_out import MessageOut


class ConsentOut(BaseModel):
    whatsapp: bool = False
    email: bool = False


class LeadOut(BaseModel):
    creator_id: str
    external_id: str
    name: str
    whatsapp: str | None
    email: str | None
    timezone: str | None
    consent: ConsentOut
    created_at: datetime
    updated_at: datetime


class LeadList(BaseModel):
    consumers: list[LeadOut]
    next_cursor: str | None = Field(description="Pass it as `cursor` for the next page")


class ConsentEntry(BaseModel):
    channel: Literal["whatsapp", "email"]
    granted: bool
    source: str = Field(description="How: api, whatsapp_stop, unsubscribe_link, ...")
    given_by: str = Field(description="Who: lead, api, creator, provider, system")
    evidence: dict[str, Any]
    recorded_at: datetime


class LeadExport(BaseModel):
    """Everything stored about one lead."""

    consumer: LeadOut
    consent: ConsentOut
    context: dict[str, Any] | None = Field(description="What the agent has learnt about them")
    events: list[EventOut]
    approvals: list[ApprovalRecord]
    messages: list[MessageOut]
    audit_log: list[AuditEntry]
    consent_ledger: list[ConsentEntry] = Field(description="Every grant and withdrawal")
    bookings: list[BookingOut]
    scheduled: list[ScheduledRun] = Field(description="Timers still to fire on their threads")


class ErasedRows(BaseModel):
    jobs: int
    messages: int
    approvals: int
    events: int
    audit_entries: int
    checkpoint_rows: int
    consumers: int
    consent_entries: int = 0
    timers: int = 0
    bookings: int = 0


class Erasure(BaseModel):
    erased: bool
    withdrawn_drafts: int = Field(description="Pending drafts withdrawn before the erasure")
    deleted: ErasedRows
