"""Creators, their sales profile, and the check of a text against it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from server.responses.agent_out import AgentOut


class FindingOut(BaseModel):
    """A check's finding: the rule class broken, the words that broke it, and why."""

    rule: str
    text: str
    detail: str


class CreatorSaved(BaseModel):
    creator_id: str
    created: bool = Field(description="False when an existing creator was refreshed")
    profile_version: int
    agent: AgentOut
    profile: dict[str, Any]
    findings: list[FindingOut] = Field(
        description="Names and titles that carry an offer, a price, a link or contact details"
    )


class CreatorSummary(BaseModel):
    creator_id: str
    display_name: str
    created_at: datetime
    updated_at: datetime


class CreatorList(BaseModel):
    creators: list[CreatorSummary]
    next_cursor: str | None


class CreatorDetail(BaseModel):
    creator_id: str
    display_name: str
    profile_version: int | None = Field(description="The approved profile's version, if any")
    profile: dict[str, Any] | None
    agent: AgentOut | None


class CheckResult(BaseModel):
    passed: bool
    problems: list[FindingOut]
