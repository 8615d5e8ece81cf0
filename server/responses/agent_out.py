"""A creator's sales agent and its settings."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field

from domain.auto_approval import ApprovalMode
from server.schemas import EventType


class TriggerOut(BaseModel):
    event_type: EventType
    filter: dict[str, str | int | bool] | None = None


def _hh_mm(value: object) -> object:
    return value.strftime("%H:%M") if isinstance(value, time) else value


# A wall-clock time in the lead's zone, "HH:MM".
LocalTime = Annotated[str, BeforeValidator(_hh_mm), Field(pattern=r"^\d{2}:\d{2}$")]


class AgentOut(BaseModel):
    id: str
    creator_id: str
    approval_mode: ApprovalMode
    approval_threshold: float = Field(
        ge=0, le=1, description="semi_auto: the least model confidence the agent approves"
    )
    draft_ttl_hours: int = Field(description="A draft nobody decides on expires then")
    takeover_hours: int = Field(
        description="The agent keeps quiet on a thread this long after the creator's own message"
    )
    enabled: bool
    triggers: list[TriggerOut]
    quiet_hours_start: LocalTime
    quiet_hours_end: LocalTime
    max_per_lead_per_day: int
    max_per_lead_per_week: int
    max_per_creator_per_day: int
    whatsapp_template_sid: str | None = None
    whatsapp_template_variables: dict[str, str] | None = None
    postal_address: str | None = Field(
        None, description="On the line under every email; null: SENDER_POSTAL_ADDRESS"
    )
    reminder_hours_before: int = Field(24, description="A session's reminder goes this early")
    follow_up_after_hours: int = Field(72, description="An unanswered sales message's follow-up")
    max_follow_ups: int = Field(1, description="Follow-ups in a row at most")
    created_at: datetime
    updated_at: datetime


class AgentList(BaseModel):
    agents: list[AgentOut]
    next_cursor: str | None


class CreatorAgents(BaseModel):
    agents: list[AgentOut]
