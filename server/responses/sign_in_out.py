"""A one-time link that signs a creator in to their inbox."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class SignInLink(BaseModel):
    creator_id: str
    url: str = Field(description="Works once, until expires_at; send it to the creator")
    expires_at: datetime
