"""API keys, without their secret (shown once, when issued)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class KeyOut(BaseModel):
    id: str
    scope: str = Field(
        pattern=r"^(admin|creator:.+)$", description="admin, or creator:<creator_id>"
    )
    creator_id: str | None = Field(description="The creator a creator key acts for")
    name: str | None
    created_at: datetime
    revoked_at: datetime | None


class IssuedKey(KeyOut):
    key: str = Field(description="The key itself: shown in this answer only, store it now")


class KeyList(BaseModel):
    keys: list[KeyOut]
    next_cursor: str | None
