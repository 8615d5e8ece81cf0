"""Audit log entries as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from server.schemas import Actor


class AuditEntry(BaseModel):
    id: int
    at: datetime
    thread_id: str | None
    creator_id: str | None
    consumer_id: str | None
    actor: Actor
    action: str
    details: dict[str, Any]
