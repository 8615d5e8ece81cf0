"""Onboarding runs and the profile versions they produce."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from domain.approval_states import ApprovalStatus
from server.responses.creator_out import FindingOut
from server.schemas import DataSource, OnboardingStatus, ProfileSource


class OnboardingStarted(BaseModel):
    onboarding_id: str
    creator_id: str
    status: Literal["queued"]
    data_source: DataSource
    findings: list[FindingOut]


class ProfileReview(BaseModel):
    approval_id: str
    status: ApprovalStatus
    profile_version: int | None


class OnboardingRun(BaseModel):
    id: str
    creator_id: str
    data_source: DataSource
    status: OnboardingStatus
    error: str | None
    problems: list[FindingOut | str] = Field(
        description="Findings at intake, then what each profile check found"
    )
    timings: dict[str, int] = Field(description="Milliseconds per step")
    profile_version: int | None
    created_at: datetime
    updated_at: datetime
    approval_id: str | None = Field(description="The review waiting for the creator, if any")
    reviews: list[ProfileReview]
    raw_data: dict[str, Any] | None = Field(
        None, description="The marketplace data the run used (with include_log=true)"
    )
    model_answer: dict[str, Any] | None = Field(
        None, description="What the model wrote, before checks and edits (with include_log=true)"
    )


class ApprovedProfile(BaseModel):
    version: int
    profile: dict[str, Any]
    source: ProfileSource
    approved_at: datetime | None


class PendingProfile(BaseModel):
    version: int
    profile: dict[str, Any]
    source: ProfileSource
    onboarding_id: str | None
    created_at: datetime


class ProfileStatus(BaseModel):
    creator_id: str
    approved: ApprovedProfile | None = Field(description="The profile the agent uses")
    pending_review: PendingProfile | None = Field(description="The version waiting for review")
