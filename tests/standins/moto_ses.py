"""moto's server standing in for SES: start it, verify senders, read what it took."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
    """Every email the server accepted."""
    async with httpx.AsyncClient() as http:
        return (await http.get(f"{url}/moto-api/data.json")).json()["ses"]["Message"]
