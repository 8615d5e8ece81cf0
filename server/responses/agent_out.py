"""A creator's sales agent and its settings."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from domain.auto_approval import ApprovalMode
from server.schemas import EventType


class TriggerOut(BaseModel):
    event_type: EventType
    filter: dict[str, str | int | bool] | None = None


class AgentOut(BaseModel):
    id: str
    creator_id: str
    approval_mode: ApprovalMode
    approval_threshold: float = Field(
        ge=0, le=1, description="semi_auto: the least model confidence the agent approves"
    )
    draft_ttl_hours: int = Field(description="A draft nobody decides on expires then")
    enabled: bool
    triggers: list[TriggerOut]
    created_at: datetime
    updated_at: datetime


class AgentList(BaseModel):
    agents: list[AgentOut]
    next_cursor: str | None


class CreatorAgents(BaseModel):
    agents: list[AgentOut]
