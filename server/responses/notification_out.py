"""Where a creator hears that drafts wait, and the digests sent to them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from server.schemas import Channel


class DigestOut(BaseModel):
    id: str
    channel: Channel
    to: str
    drafts_waiting: int
    profiles_waiting: int
    status: Literal["sending", "sent", "recorded", "failed"] = Field(
        description="recorded: the channel has no credentials, so the digest stayed in the outbox"
    )
    transport: str | None
    error: str | None
    body: str = Field(description="The text as sent, without its one-time sign-in link")
    created_at: datetime
    finished_at: datetime | None


class NotificationsOut(BaseModel):
    creator_id: str
    enabled: bool
    channel: Channel | None
    to: str | None
    every_min: float = Field(description="At most one digest per this many minutes")
    updated_at: datetime | None


class NotificationsDetail(NotificationsOut):
    recent_digests: list[DigestOut] = Field(description="The latest digests, newest first")
