"""Messages (the outbox) as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from server.schemas import Channel, MessagePurpose, MessageStatus


class MessageOut(BaseModel):
    id: str
    approval_id: str | None
    thread_id: str
    creator_id: str
    consumer_id: str
    channel: Channel
    # Open: transports are pluggable (tools.channels.Transport).
    transport: str = Field(description="What sent it: twilio, ses, or outbox (recorded only)")
    to_address: str
    subject: str | None
    body: str
    status: MessageStatus
    purpose: MessagePurpose = Field(
        description="sales (the agent's outreach, capped), reply, service, template (a "
        "WhatsApp opener), or creator (the creator's own message)"
    )
    provider_message_id: str | None
    error: str | None
    created_at: datetime
    sent_at: datetime | None


class MessageList(BaseModel):
    messages: list[MessageOut]
    next_cursor: str | None


class MessageResolved(BaseModel):
    message_id: str
    resolution: Literal["sent", "resend"]
    status: MessageStatus
