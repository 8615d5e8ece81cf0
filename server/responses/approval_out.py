"""Drafts and profile reviews waiting for (or decided by) the creator."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from domain.approval_states import ApprovalStatus
from server.schemas import ApprovalKind, Channel, MessageStatus, StoredEventType


class ApprovalRecord(BaseModel):
    id: str
    kind: ApprovalKind = Field(description="message: a sales draft; profile: a profile review")
    thread_id: str
    creator_id: str
    consumer_id: str | None
    event_id: str | None
    channel: Channel | None
    draft: dict[str, Any]
    profile_version: int | None
    status: ApprovalStatus
    decision: dict[str, Any] | None
    status_reason: str | None
    created_at: datetime
    decided_at: datetime | None
    send_after: datetime | None = Field(
        description="An agent-approved message is sent then, unless cancelled before"
    )


class ApprovalOut(ApprovalRecord):
    """An approval with what the creator needs to decide, and the message it produced."""

    consumer_name: str | None
    consumer_whatsapp: str | None
    consumer_email: str | None
    consumer_timezone: str | None
    event_type: StoredEventType | None
    event_payload: dict[str, Any] | None
    event_occurred_at: datetime | None
    event_decision: dict[str, Any] | None
    consumer_context: dict[str, Any] | None
    message_id: str | None
    message_status: MessageStatus | None
    expires_at: datetime | None = Field(description="When a waiting draft expires")


class ApprovalList(BaseModel):
    approvals: list[ApprovalOut]
    next_cursor: str | None


class Cancelled(BaseModel):
    approval_id: str
    status: Literal["cancelled"]


class DecisionTaken(BaseModel):
    approval_id: str
    status: Literal["approved", "edited", "rejected"]
    note: str | None = Field(description="Why a rejection's feedback gets no new draft, if so")
