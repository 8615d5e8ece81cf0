"""Events as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from server.schemas import EventStatus, StoredEventType


class EventOut(BaseModel):
    id: str
    creator_id: str
    consumer_id: str
    thread_id: str
    type: StoredEventType
    source: str | None
    payload: dict[str, Any]
    occurred_at: datetime
    received_at: datetime
    status: EventStatus
    decision: dict[str, Any] | None = Field(description="What the agent decided, once processed")
    error: str | None
    processed_at: datetime | None
    message_id: str | None = Field(description="The message the decision produced, once sent")


class EventList(BaseModel):
    events: list[EventOut]
    next_cursor: str | None


class EventAccepted(BaseModel):
    event_id: str
    thread_id: str
    status: EventStatus
    duplicate: bool = Field(description="True when this event_id was posted before")
