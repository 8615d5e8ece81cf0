"""A creator's sales agent and its settings."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from server.schemas import EventType


class TriggerOut(BaseModel):
    event_type: EventType
    filter: dict[str, str | int | bool] | None = None


class AgentOut(BaseModel):
    id: str
    creator_id: str
    approval_mode: Literal["manual", "semi_auto", "auto"]
    enabled: bool
    triggers: list[TriggerOut]
    created_at: datetime
    updated_at: datetime


class AgentList(BaseModel):
    agents: list[AgentOut]
    next_cursor: str | None


class CreatorAgents(BaseModel):
    agents: list[AgentOut]
