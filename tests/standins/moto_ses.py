"""moto's server standing in for SES: start it, verify senders, read what it took."""

from __future__ import annotations

import email
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from typing import Any

import boto3
import httpx
from moto.server import ThreadedMotoServer


@contextmanager
def moto_ses_server(*verified_senders: str) -> Iterator[str]:
    """The server's URL, with these sender addresses verified."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    ses = boto3.client(
        "ses",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    for sender in verified_senders:
        ses.verify_email_identity(EmailAddress=sender)
    try:
        yield url
    finally:
        server.stop()


async def emails_taken(url: str) -> list[dict[str, Any]]:
    """Every email the server accepted. A raw one (what the service sends) in the shape of
    a simple one (`id`, `destinations`, `subject`, `body`), with the parsed message as
    `mime` (every header as sent)."""
    async with httpx.AsyncClient() as http:
        taken = (await http.get(f"{url}/moto-api/data.json")).json()["ses"]
    return list(taken.get("Message", [])) + [_as_simple(m) for m in taken.get("RawMessage", [])]


def _as_simple(raw: dict[str, Any]) -> dict[str, Any]:
    mime = email.message_from_string(raw["raw_data"], policy=policy.default)
    return {
        "id": raw["id"],
        "source": raw["source"],
        "destinations": {"ToAddresses": [a.addr_spec for a in mime["To"].addresses]},
        "subject": str(mime["Subject"]),
        "body": mime.get_content().replace("\r\n", "\n"),
        "mime": mime,
    }
