"""Email through AWS SES (sesv2) with boto3, as a MIME message (tools/email_mime.py)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    ParamValidationError,
    ProxyConnectionError,
    SSLError,
)

from tools.channels import OutgoingMessage, SendError, SendReceipt
from tools.email_mime import mime_message
from tools.provider_calls import NoFreeSlot, ProviderCalls, raised_in_tls_handshake

# Error codes that say SES did not take the request: throttled or unavailable.
NOT_ACCEPTED_CODES = {
    "TooManyRequestsException",
    "ThrottlingException",
    "Throttling",
    "LimitExceededException",
    "ServiceUnavailable",
}
# An InternalFailure (500) or a gateway error may come after the email was accepted.
NOT_ACCEPTED_STATUSES = {429, 503}


def ses_answer_error(exc: ClientError) -> SendError:
    """SES answered with an error: refused, not accepted, or unknown."""
    code = exc.response.get("Error", {}).get("Code", "")
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    text = f"SES {code or status}: {exc}"
    if code in NOT_ACCEPTED_CODES or status in NOT_ACCEPTED_STATUSES:
        return SendError(text, code=code)
    if 400 <= status < 500:
        return SendError(text, permanent=True, code=code)
    return SendError(text, maybe_sent=True, code=code)


def ses_transport_error(exc: BotoCoreError) -> SendError:
    """No answer from SES: did the request get as far as SES?"""
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError, ProxyConnectionError)):
        return SendError(f"SES unreachable, not sent: {exc}")
    if raised_in_tls_handshake(exc):
        # A TLS failure or a timeout before the session was up: no request byte was written.
        return SendError(f"SES TLS handshake failed, not sent: {exc}")
    if isinstance(exc, (HTTPClientError, SSLError)):
        # Read timeout, connection closed mid-response: it may have been accepted.
        return SendError(f"SES did not answer, it may have sent the email: {exc}", maybe_sent=True)
    if isinstance(exc, ParamValidationError):
        return SendError(f"SES request invalid: {exc}", permanent=True)
    # Raised before the request was made (no credentials, no region...).
    return SendError(f"SES not called: {exc}")


class SesEmail:
    name = "ses"
    enforces_window = False

    def __init__(
        self,
        client: Any,
        from_address: str,
        calls: ProviderCalls,
        configuration_set: str | None = None,
    ):
        self._client = client
        self._from = from_address
        self._calls = calls
        self._configuration_set = configuration_set

    @classmethod
    def from_settings(
        cls,
        from_address: str,
        region: str,
        *,
        timeout_s: float,
        max_concurrency: int,
        endpoint_url: str | None = None,
        configuration_set: str | None = None,
    ) -> SesEmail:
        client = boto3.client(
            "sesv2",
            region_name=region,
            endpoint_url=endpoint_url,
            config=Config(
                connect_timeout=timeout_s,
                read_timeout=timeout_s,
                # botocore would repeat a SendEmail whose answer was lost (read timeout, 500)
                # and send it twice; the job queue retries what certainly was not sent.
                retries={"mode": "standard", "total_max_attempts": 1},
                max_pool_connections=max_concurrency,
            ),
        )
        calls = ProviderCalls("ses", max_concurrency, slot_wait_s=timeout_s)
        return cls(client, from_address, calls, configuration_set)

    async def send(self, message: OutgoingMessage) -> SendReceipt:
        try:
            raw = mime_message(self._from, message)
        except ValueError as exc:  # e.g. a line break in the address: no retry can help
            raise SendError(f"email not built, not sent: {exc}", permanent=True) from exc
        request: dict[str, Any] = {
            "FromEmailAddress": self._from,
            "Destination": {"ToAddresses": [message.to]},
            # Raw: the message exactly as built, its unsubscribe headers included (moto,
            # like a mailbox, sees every header of a raw message).
            "Content": {"Raw": {"Data": raw}},
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            response = await self._calls.run(self._client.send_email, **request)
        except ClientError as exc:
            raise ses_answer_error(exc) from exc
        except BotoCoreError as exc:
            raise ses_transport_error(exc) from exc
        except NoFreeSlot as exc:
            raise SendError(f"not sent: {exc}") from exc
        return SendReceipt(status="sent", provider_message_id=response.get("MessageId"))

    def close(self) -> None:
        self._calls.close()
