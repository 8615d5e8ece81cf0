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
    delivery_status: str | None = Field(
        None,
        description="What the provider reported after taking it (Twilio status callbacks, SES "
        "notifications); only moves forward: queued, sent, delivered, read; or failed, "
        "undelivered, bounced, complained",
    )
    delivery_error_code: str | None = Field(
        None, description="The provider's error code, e.g. Twilio 63016 (outside the window)"
    )
    created_at: datetime
    sent_at: datetime | None


class MessageList(BaseModel):
    messages: list[MessageOut]
    next_cursor: str | None


class MessageResolved(BaseModel):
    message_id: str
    resolution: Literal["sent", "resend"]
    status: MessageStatus
