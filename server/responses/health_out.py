"""Liveness and readiness answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Alive(BaseModel):
    status: Literal["ok"]


class Transports(BaseModel):
    """Each channel's sender: twilio, ses, or outbox (messages recorded, not sent)."""

    whatsapp: str = Field(description="twilio or outbox")
    email: str = Field(description="ses or outbox")


class Ready(BaseModel):
    status: Literal["ready"]
    migrations: int
    transports: Transports
    warnings: list[str] = Field(
        default_factory=list, description="Settings to fix; the service works meanwhile"
    )


class NotReady(BaseModel):
    status: Literal["unavailable"]
    database: str
