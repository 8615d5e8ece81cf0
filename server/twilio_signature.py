"""`X-Twilio-Signature`: Twilio signs each webhook with the account's auth token over the URL
it was configured with and the posted fields. The URL is PUBLIC_BASE_URL + the path (what
the console or the send's status_callback names), never the address the request reached
through a proxy."""

from __future__ import annotations

from starlette.datastructures import ImmutableMultiDict
from twilio.request_validator import RequestValidator

from server.settings import Settings

SIGNATURE_HEADER = "x-twilio-signature"
# The webhooks' paths: set PUBLIC_BASE_URL + INBOUND_PATH in the Twilio console; every send
# names PUBLIC_BASE_URL + STATUS_PATH as its status callback.
INBOUND_PATH = "/webhooks/twilio/whatsapp"
STATUS_PATH = "/webhooks/twilio/status"
MAX_SIGNATURE_LENGTH = 200


class SignatureRefused(Exception):
    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def public_url(settings: Settings, path: str) -> str | None:
    """The URL Twilio posts `path` to, or None without PUBLIC_BASE_URL."""
    if not settings.public_base_url:
        return None
    return settings.public_base_url.rstrip("/") + path


def check_signature(
    settings: Settings, path: str, pairs: list[tuple[str, str]], signature: str | None
) -> None:
    """Raise SignatureRefused unless `signature` is Twilio's over this path and form."""
    if settings.twilio_auth_token is None:
        raise SignatureRefused("WhatsApp is not configured here (TWILIO_AUTH_TOKEN is unset)")
    url = public_url(settings, path)
    if url is None:
        raise SignatureRefused(
            "PUBLIC_BASE_URL is unset: the service cannot check Twilio's signature"
        )
    if not signature or len(signature) > MAX_SIGNATURE_LENGTH:
        raise SignatureRefused("the X-Twilio-Signature header is missing")
    validator = RequestValidator(settings.twilio_auth_token.get_secret_value())
    # A multi-dict: a field posted twice is signed with both values.
    if not validator.validate(url, ImmutableMultiDict(pairs), signature):
        raise SignatureRefused("the X-Twilio-Signature does not match this request")
