"""Unsubscribe tokens: one per (creator, lead), signed with the service's secret.

`u1.<creator>.<lead>.<mac>`, each part base64url without padding; the MAC is HMAC-SHA256
(truncated to 128 bits) over everything before it, so a token names exactly one lead of one
creator, cannot be made without the secret, and cannot be changed to name another lead.
It never expires: an unsubscribe link in an old email must still work.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

VERSION = "u1"
MAC_BYTES = 16
# Creator and lead ids are short; anything longer is not a token of ours.
MAX_TOKEN_LENGTH = 600


@dataclass(frozen=True)
class UnsubscribeTarget:
    creator_id: str
    consumer_id: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, signed: str) -> str:
    return _b64(hmac.new(secret, signed.encode("ascii"), hashlib.sha256).digest()[:MAC_BYTES])


def sign(secret: bytes, creator_id: str, consumer_id: str) -> str:
    signed = ".".join((VERSION, _b64(creator_id.encode()), _b64(consumer_id.encode())))
    return f"{signed}.{_mac(secret, signed)}"


def verify(secret: bytes, token: str) -> UnsubscribeTarget | None:
    """The lead the token was made for, or None for anything not made with this secret."""
    if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        return None
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != VERSION:
        return None
    signed, mac = ".".join(parts[:3]), parts[3]
    if not hmac.compare_digest(_mac(secret, signed), mac):
        return None
    try:
        creator_id, consumer_id = (_unb64(p).decode("utf-8") for p in parts[1:3])
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not creator_id or not consumer_id:
        return None
    return UnsubscribeTarget(creator_id, consumer_id)
