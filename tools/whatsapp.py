"""WhatsApp through the Twilio SDK."""

from __future__ import annotations

import json

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import ConnectTimeoutError

from tools.channels import OutgoingMessage, SendError, SendReceipt
from tools.provider_calls import NoFreeSlot, ProviderCalls, caused_by, raised_in_tls_handshake

# Twilio error codes that no retry can fix (opted out, not a WhatsApp user, outside window...).
PERMANENT_ERRORS = {21211, 21408, 21610, 21614, 63003, 63016, 63024}
# Answers that say Twilio did not take the request: throttled, or not serving at all.
# Any other 5xx (500, 502, 504) may come after the message was created, so it is not retried.
NOT_ACCEPTED_STATUSES = {429, 503}
# Raised while the request was being built, before anything was sent.
NEVER_SENT_ERRORS = (
    requests.exceptions.ConnectTimeout,
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidHeader,
)


def twilio_answer_error(exc: TwilioRestException) -> SendError:
    """Twilio answered with an error status: refused, not accepted, or unknown."""
    text = f"Twilio {exc.status}: {exc.msg}"
    code = str(exc.code) if exc.code else None
    status = exc.status or 0
    if exc.code in PERMANENT_ERRORS or (400 <= status < 500 and status != 429):
        return SendError(text, permanent=True, code=code)
    if status in NOT_ACCEPTED_STATUSES:
        return SendError(text, code=code)
    return SendError(text, maybe_sent=True, code=code)


def twilio_transport_error(exc: requests.RequestException) -> SendError:
    """No answer from Twilio: did the request get as far as Twilio?"""
    if isinstance(exc, NEVER_SENT_ERRORS) or caused_by(exc, ConnectTimeoutError):
        # Connection refused, DNS failure, unreachable, connect timeout: nothing was written.
        return SendError(f"Twilio unreachable, not sent: {exc}")
    if raised_in_tls_handshake(exc):
        # A TLS failure or a timeout before the session was up: no request byte was written.
        return SendError(f"Twilio TLS handshake failed, not sent: {exc}")
    # Read timeout, connection reset or closed mid-response: it may have been taken.
    return SendError(f"Twilio did not answer, it may have sent it: {exc}", maybe_sent=True)


class TwilioWhatsApp:
    name = "twilio"
    enforces_window = True

    def __init__(
        self,
        client: Client,
        from_number: str,
        calls: ProviderCalls,
        status_callback: str | None = None,
    ):
        self._client = client
        self._from = from_number
        self._calls = calls
        # Where Twilio reports each message's delivery (server/routes/twilio_webhooks.py).
        self._status_callback = status_callback

    @classmethod
    def from_credentials(
        cls,
        account_sid: str,
        auth_token: str,
        from_number: str,
        *,
        timeout_s: float,
        max_concurrency: int,
        api_base_url: str | None = None,
        status_callback: str | None = None,
    ) -> TwilioWhatsApp:
        # The SDK passes `timeout` to requests: the limit for connecting and for each read.
        client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout_s))
        if api_base_url:
            client.api.base_url = api_base_url.rstrip("/")
        calls = ProviderCalls("twilio", max_concurrency, slot_wait_s=timeout_s)
        return cls(client, from_number, calls, status_callback)

    def _create_kwargs(self, message: OutgoingMessage) -> dict:
        kwargs: dict = {"from_": self._from, "to": f"whatsapp:{message.to}"}
        if self._status_callback:
            kwargs["status_callback"] = self._status_callback
        # The sending rules (domain.compliance) chose: a template outside the 24 h window,
        # free text within it.
        if message.template_sid:
            kwargs["content_sid"] = message.template_sid
            kwargs["content_variables"] = json.dumps(message.template_variables or {})
        else:
            kwargs["body"] = message.body
        return kwargs

    async def send(self, message: OutgoingMessage) -> SendReceipt:
        kwargs = self._create_kwargs(message)
        try:
            sent = await self._calls.run(self._client.messages.create, **kwargs)
        except TwilioRestException as exc:
            raise twilio_answer_error(exc) from exc
        except requests.RequestException as exc:
            raise twilio_transport_error(exc) from exc
        except NoFreeSlot as exc:
            raise SendError(f"not sent: {exc}") from exc
        return SendReceipt(status="sent", provider_message_id=sent.sid)

    def close(self) -> None:
        self._calls.close()
