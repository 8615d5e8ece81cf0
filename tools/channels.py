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
    # WhatsApp only: an approved template (content SID -> its filled variables) instead of
    # free text, which is only allowed within 24 hours of the lead's last message.
    template_sid: str | None = None
    template_variables: dict[str, str] | None = None
    # Email to a lead (tools/email_footer.py): the one-click unsubscribe link (https), the
    # mailto that unsubscribes too, and the postal address for the line under the text.
    unsubscribe_url: str | None = None
    unsubscribe_mailto: str | None = None
    postal_address: str | None = None


@dataclass(frozen=True)
class SendReceipt:
    status: str  # 'sent' (provider accepted) or 'recorded' (outbox only)
    provider_message_id: str | None = None


class SendError(Exception):
    """A provider call that did not end in an accepted message.

    Three outcomes, by what a retry would do:
    - `permanent`: the provider answered and refused it; a retry cannot help.
    - `maybe_sent`: the request may have reached the provider (e.g. no answer within the
      read timeout, connection lost mid-response); a retry could send it twice.
    - neither: the request certainly was not accepted (connection refused, DNS failure,
      connect timeout, throttled); a retry is safe.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        maybe_sent: bool = False,
        code: str | None = None,
    ):
        assert not (permanent and maybe_sent), "a refused message was not sent"
        super().__init__(message)
        self.permanent = permanent
        self.maybe_sent = maybe_sent
        self.code = code


class Transport(Protocol):
    name: str
    # Does the provider refuse WhatsApp free text outside the 24-hour window (Twilio does;
    # the outbox records anything)?
    enforces_window: bool

    async def send(self, message: OutgoingMessage) -> SendReceipt: ...

    def close(self) -> None:
        """Let go of threads and connections; the service is stopping."""
        ...
