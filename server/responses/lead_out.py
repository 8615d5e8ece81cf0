"""A creator's lead as the API shows it, its export and its erasure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from server.responses.approval_out import ApprovalRecord
from server.responses.audit_out import AuditEntry
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


class LeadExport(BaseModel):
    """Everything stored about one lead."""

    consumer: LeadOut
    consent: ConsentOut
    context: dict[str, Any] | None = Field(description="What the agent has learnt about them")
    events: list[EventOut]
    approvals: list[ApprovalRecord]
    messages: list[MessageOut]
    audit_log: list[AuditEntry]


class ErasedRows(BaseModel):
    jobs: int
    messages: int
    approvals: int
    events: int
    audit_entries: int
    checkpoint_rows: int
    consumers: int


class Erasure(BaseModel):
    erased: bool
    withdrawn_drafts: int = Field(description="Pending drafts withdrawn before the erasure")
    deleted: ErasedRows
