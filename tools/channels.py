"""The interface every message transport implements; the graph never knows which it has."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OutgoingMessage:
    message_id: str  # ours; also the idempotency key's row
    to: str  # +E.164 number for WhatsApp, address for email
    body: str
    subject: str | None = None
    # When the consumer last wrote to us: WhatsApp free text is allowed for 24 hours after.
    last_inbound_at: str | None = None


@dataclass(frozen=True)
class SendReceipt:
    status: str  # 'sent' (provider accepted) or 'recorded' (outbox only)
    provider_message_id: str | None = None


class SendError(Exception):
    """The provider refused the message; `permanent` says a retry cannot help."""

    def __init__(self, message: str, *, permanent: bool, code: str | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.code = code


class Transport(Protocol):
    name: str

    async def send(self, message: OutgoingMessage) -> SendReceipt: ...
