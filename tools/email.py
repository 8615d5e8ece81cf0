"""Email through AWS SES (sesv2) with boto3."""

from __future__ import annotations

import asyncio
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tools.channels import OutgoingMessage, SendError, SendReceipt

RETRYABLE_CODES = {
    "TooManyRequestsException",
    "ThrottlingException",
    "LimitExceededException",
    "InternalFailure",
    "ServiceUnavailable",
}


class SesEmail:
    name = "ses"

    def __init__(self, client: Any, from_address: str, configuration_set: str | None = None):
        self._client = client
        self._from = from_address
        self._configuration_set = configuration_set

    @classmethod
    def from_settings(
        cls,
        from_address: str,
        region: str,
        endpoint_url: str | None = None,
        configuration_set: str | None = None,
    ) -> SesEmail:
        # botocore's standard retry mode backs off on throttling; no hand-written loop.
        client = boto3.client(
            "sesv2",
            region_name=region,
            endpoint_url=endpoint_url,
            config=Config(retries={"mode": "standard", "max_attempts": 3}),
        )
        return cls(client, from_address, configuration_set)

    async def send(self, message: OutgoingMessage) -> SendReceipt:
        request: dict[str, Any] = {
            "FromEmailAddress": self._from,
            "Destination": {"ToAddresses": [message.to]},
            "Content": {
                "Simple": {
                    "Subject": {"Data": message.subject or "", "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": message.body, "Charset": "UTF-8"}},
                }
            },
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            response = await asyncio.to_thread(self._client.send_email, **request)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            raise SendError(
                f"SES {code}: {exc}", permanent=code not in RETRYABLE_CODES, code=code
            ) from exc
        except BotoCoreError as exc:
            raise SendError(f"SES unreachable: {exc}", permanent=False) from exc
        return SendReceipt(status="sent", provider_message_id=response.get("MessageId"))
