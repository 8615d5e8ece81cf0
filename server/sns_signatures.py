"""Amazon SNS messages posted to the service: their shape, their signature, and confirming a
subscription.

An SNS message is signed (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA) over a
canonical string of some of its fields, with the key of a certificate SNS serves from
`https://sns.<region>.amazonaws.com/...`. A certificate URL on any other host is refused
before anything is fetched; certificates are cached per URL in the process. Fetches are
async and signature checks run in a thread, so the event loop never waits on either.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# Hosts SNS signs from and sends subscription links from (China regions: amazonaws.com.cn).
SNS_HOST = re.compile(r"sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?")
# The fields signed, in this order (SNS docs, "Verifying the signatures of Amazon SNS
# messages"); a Notification's Subject only when it has one.
NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
SUBSCRIPTION_FIELDS = (
    "Message",
    "MessageId",
    "SubscribeURL",
    "Timestamp",
    "Token",
    "TopicArn",
    "Type",
)
TYPES = ("Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation")
HASHES = {"1": hashes.SHA1, "2": hashes.SHA256}
MAX_CERTIFICATE_BYTES = 64 * 1024
MAX_CACHED_CERTIFICATES = 64
FETCH_TIMEOUT_S = 5.0


class SnsRefused(Exception):
    """The message is not acted on: `status` is the answer (400 malformed, 403 not proven
    to come from SNS, 502 SNS could not be reached)."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class SnsMessage:
    fields: dict[str, str]

    @property
    def type(self) -> str:
        return self.fields["Type"]

    @property
    def message_id(self) -> str:
        return self.fields["MessageId"]

    @property
    def topic_arn(self) -> str:
        return self.fields["TopicArn"]

    @property
    def message(self) -> str:
        return self.fields["Message"]

    @property
    def signing_cert_url(self) -> str:
        return self.fields["SigningCertURL"]

    @property
    def subscribe_url(self) -> str:
        return self.fields["SubscribeURL"]


def signed_fields(message_type: str) -> tuple[str, ...]:
    return NOTIFICATION_FIELDS if message_type == "Notification" else SUBSCRIPTION_FIELDS


def canonical_string(fields: dict[str, str]) -> bytes:
    """What SNS signed: `name\\nvalue\\n` for each signed field present, in order."""
    return "".join(
        f"{name}\n{fields[name]}\n" for name in signed_fields(fields["Type"]) if name in fields
    ).encode("utf-8")


def parse_message(body: bytes) -> SnsMessage:
    """The SNS message in a request body (JSON, whatever its content type says)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise SnsRefused(400, "the body is not an SNS message: it is not JSON") from None
    if not isinstance(data, dict):
        raise SnsRefused(400, "the body is not an SNS message: expected a JSON object")
    message_type = data.get("Type")
    if message_type not in TYPES:
        raise SnsRefused(400, f"Type must be one of {', '.join(TYPES)}")
    required = {"SignatureVersion", "Signature", "SigningCertURL"} | {
        name for name in signed_fields(message_type) if name != "Subject"
    }
    missing = sorted(name for name in required if not isinstance(data.get(name), str))
    if missing:
        raise SnsRefused(400, f"the SNS message lacks {', '.join(missing)} (as strings)")
    fields = {k: v for k, v in data.items() if isinstance(v, str)}
    return SnsMessage(fields)


def is_sns_url(url: str) -> bool:
    """An https URL on an SNS host, with nothing that could lead elsewhere."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme == "https"
        and port is None
        and parts.username is None
        and parts.password is None
        and SNS_HOST.fullmatch(parts.hostname or "") is not None
    )


def public_key_of(certificate_pem: bytes) -> rsa.RSAPublicKey | None:
    try:
        key = x509.load_pem_x509_certificate(certificate_pem).public_key()
    except ValueError:
        return None
    return key if isinstance(key, rsa.RSAPublicKey) else None


def signature_matches(key: rsa.RSAPublicKey, version: str, signature: bytes, data: bytes) -> bool:
    """Does `signature` sign `data` with `key`? (CPU work: run it in a thread.)"""
    try:
        key.verify(signature, data, padding.PKCS1v15(), HASHES[version]())
    except InvalidSignature:
        return False
    return True


class SnsVerifier:
    """Checks SNS messages and confirms subscriptions; keeps the certificates it fetched.

    `fetch_base_url` (SNS_BASE_URL, stand-ins only) sends the fetches to another server; the
    URL in the message must still be an SNS one.
    """

    def __init__(self, fetch_base_url: str | None = None, timeout_s: float = FETCH_TIMEOUT_S):
        self._fetch_base_url = fetch_base_url.rstrip("/") if fetch_base_url else None
        self._timeout_s = timeout_s
        self._keys: dict[str, rsa.RSAPublicKey] = {}  # by certificate URL

    def _fetch_url(self, url: str) -> str:
        if self._fetch_base_url is None:
            return url
        parts = urlsplit(url)
        return self._fetch_base_url + parts.path + (f"?{parts.query}" if parts.query else "")

    async def _get(self, url: str, max_bytes: int) -> bytes:
        try:
            async with (
                httpx.AsyncClient(timeout=self._timeout_s, follow_redirects=False) as http,
                http.stream("GET", self._fetch_url(url)) as response,
            ):
                if response.status_code != 200:
                    raise SnsRefused(502, f"SNS answered {response.status_code}; SNS retries")
                body = b""
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        raise SnsRefused(502, f"SNS sent more than {max_bytes:,} bytes")
                return body
        except httpx.HTTPError as exc:
            raise SnsRefused(
                502, f"SNS could not be reached ({type(exc).__name__}); SNS retries the message"
            ) from None

    async def _public_key(self, url: str) -> rsa.RSAPublicKey:
        cached = self._keys.get(url)
        if cached is not None:
            return cached
        pem = await self._get(url, MAX_CERTIFICATE_BYTES)
        key = await asyncio.to_thread(public_key_of, pem)
        if key is None:
            raise SnsRefused(403, "SigningCertURL does not hold an RSA certificate")
        if len(self._keys) >= MAX_CACHED_CERTIFICATES:
            self._keys.pop(next(iter(self._keys)))  # the oldest
        self._keys[url] = key
        return key

    async def verify(self, message: SnsMessage) -> None:
        """Returns when SNS signed this message; raises SnsRefused otherwise."""
        version = message.fields["SignatureVersion"]
        if version not in HASHES:
            raise SnsRefused(403, f"SignatureVersion {version!r} is not one SNS uses (1 or 2)")
        if not is_sns_url(message.signing_cert_url):
            raise SnsRefused(
                403, "SigningCertURL must be an https URL on sns.<region>.amazonaws.com"
            )
        try:
            signature = base64.b64decode(message.fields["Signature"], validate=True)
        except (binascii.Error, ValueError):
            raise SnsRefused(403, "the signature is not base64") from None
        key = await self._public_key(message.signing_cert_url)
        data = canonical_string(message.fields)
        if not await asyncio.to_thread(signature_matches, key, version, signature, data):
            raise SnsRefused(403, "the SNS signature does not match the message")

    async def confirm(self, message: SnsMessage) -> None:
        """Confirm a subscription by visiting its SubscribeURL (an SNS URL only)."""
        if not is_sns_url(message.subscribe_url):
            raise SnsRefused(403, "SubscribeURL must be an https URL on sns.<region>.amazonaws.com")
        await self._get(message.subscribe_url, MAX_CERTIFICATE_BYTES)


def ses_payload(message: SnsMessage) -> dict[str, Any] | None:
    """The SES notification a Notification carries, or None when it carries something else."""
    try:
        payload = json.loads(message.message)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None
