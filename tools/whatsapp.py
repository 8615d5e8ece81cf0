"""WhatsApp through the Twilio SDK."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tools.channels import OutgoingMessage, SendError, SendReceipt

SESSION_WINDOW = timedelta(hours=24)
# Twilio error codes that no retry can fix (opted out, not a WhatsApp user, outside window...).
PERMANENT_ERRORS = {21211, 21408, 21610, 21614, 63003, 63016, 63024}


def window_is_open(last_inbound_at: str | None, now: datetime) -> bool:
    if last_inbound_at is None:
        return False
    return now - datetime.fromisoformat(last_inbound_at) < SESSION_WINDOW


class TwilioWhatsApp:
    name = "twilio"

    def __init__(
        self,
        client: Client,
        from_number: str,
        template_sid: str | None = None,
    ):
        self._client = client
        self._from = from_number
        self._template_sid = template_sid

    @classmethod
    def from_credentials(
        cls,
        account_sid: str,
        auth_token: str,
        from_number: str,
        *,
        template_sid: str | None = None,
        api_base_url: str | None = None,
    ) -> TwilioWhatsApp:
        client = Client(account_sid, auth_token)
        if api_base_url:
            client.api.base_url = api_base_url.rstrip("/")
        return cls(client, from_number, template_sid)

    def _create_kwargs(self, message: OutgoingMessage) -> dict:
        kwargs: dict = {"from_": self._from, "to": f"whatsapp:{message.to}"}
        # Outside the 24 h window only an approved template is delivered (error 63016).
        if self._template_sid and not window_is_open(message.last_inbound_at, datetime.now(UTC)):
            kwargs["content_sid"] = self._template_sid
            kwargs["content_variables"] = json.dumps({"1": message.body})
        else:
            kwargs["body"] = message.body
        return kwargs

    async def send(self, message: OutgoingMessage) -> SendReceipt:
        kwargs = self._create_kwargs(message)
        try:
            sent = await asyncio.to_thread(self._client.messages.create, **kwargs)
        except TwilioRestException as exc:
            permanent = exc.status is not None and 400 <= exc.status < 500 and exc.status != 429
            raise SendError(
                f"Twilio {exc.status}: {exc.msg}",
                permanent=permanent or exc.code in PERMANENT_ERRORS,
                code=str(exc.code) if exc.code else None,
            ) from exc
        return SendReceipt(status="sent", provider_message_id=sent.sid)
