"""What a Twilio webhook posts, read from its form: an inbound WhatsApp message, or a status
callback on a message the service sent. Pure: bytes in, a value or a FormRefused out.

Twilio posts `application/x-www-form-urlencoded` with one value per field; anything else is
refused with a sentence saying what is wrong (a 400, never a 500).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

# Twilio's forms carry a few dozen fields (more with media); a body's text up to 1,600.
MAX_FIELDS = 200
MAX_BODY_CHARS = 4_096
MESSAGE_SID = re.compile(r"^(SM|MM|IM)[0-9a-fA-F]{32}$")
WHATSAPP_ADDRESS = re.compile(r"^whatsapp:(\+[1-9]\d{6,14})$")
ERROR_CODE = re.compile(r"^\d{1,6}$")

# Twilio's error codes with a meaning for the lead (kept as delivery_error_code either way).
OUTSIDE_WINDOW_CODE = "63016"  # free text outside the 24-hour window
OPTED_OUT_CODE = "21610"  # the number replied STOP to this sender
UNREACHABLE_CODE = "63024"  # not a valid WhatsApp recipient
# The codes after which the number is written to no more: the suppression's reason.
LEAD_UNREACHABLE_CODES = {OPTED_OUT_CODE: "opted_out", UNREACHABLE_CODE: "unreachable"}
ERROR_MEANINGS = {
    OUTSIDE_WINDOW_CODE: "outside the 24-hour window: only an approved template may open it",
    OPTED_OUT_CODE: "the number opted out of this sender (it replied STOP)",
    UNREACHABLE_CODE: "the number is not a reachable WhatsApp recipient",
}


class FormRefused(ValueError):
    """The body is not a Twilio webhook form; the message says what to fix."""


def parse_form(body: bytes) -> list[tuple[str, str]]:
    """The (name, value) pairs of an urlencoded body, in order (the signature needs them
    all, repeats included)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise FormRefused("the body is not UTF-8 text") from None
    try:
        pairs = parse_qsl(
            text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=MAX_FIELDS
        )
    except ValueError as exc:
        if "Max number of fields" in str(exc):
            raise FormRefused(f"the form has more than {MAX_FIELDS} fields") from None
        raise FormRefused("the body is not an application/x-www-form-urlencoded form") from None
    if any("\x00" in key or "\x00" in value for key, value in pairs):
        raise FormRefused("the form holds a NUL character")
    return pairs


def single(pairs: list[tuple[str, str]], name: str, *, required: bool = True) -> str | None:
    values = [value for key, value in pairs if key == name]
    if len(values) > 1:
        raise FormRefused(f"{name} is given {len(values)} times; send it once")
    if not values or values[0] == "":
        if required:
            raise FormRefused(f"{name} is missing")
        return None
    return values[0]


def message_sid(pairs: list[tuple[str, str]]) -> str:
    sid = single(pairs, "MessageSid")
    if not MESSAGE_SID.match(sid or ""):
        raise FormRefused("MessageSid must be SM, MM or IM followed by 32 hex digits")
    return sid  # type: ignore[return-value]


def whatsapp_number(pairs: list[tuple[str, str]], name: str) -> str:
    """'whatsapp:+14155238886' -> '+14155238886'."""
    found = WHATSAPP_ADDRESS.match(single(pairs, name) or "")
    if found is None:
        raise FormRefused(f"{name} must be a WhatsApp address such as whatsapp:+14155238886")
    return found.group(1)


@dataclass(frozen=True)
class InboundMessage:
    message_sid: str
    from_number: str  # the lead, +E.164
    to_number: str  # the sender number written to, +E.164
    text: str
    media_count: int


def inbound_message(pairs: list[tuple[str, str]]) -> InboundMessage:
    body = single(pairs, "Body", required=False) or ""
    if len(body) > MAX_BODY_CHARS:
        raise FormRefused(f"Body is longer than {MAX_BODY_CHARS:,} characters")
    media = single(pairs, "NumMedia", required=False) or "0"
    if not media.isdigit() or int(media) > 100:
        raise FormRefused("NumMedia must be a whole number up to 100")
    if not body.strip() and media == "0":
        raise FormRefused("the message has neither a Body nor media")
    return InboundMessage(
        message_sid=message_sid(pairs),
        from_number=whatsapp_number(pairs, "From"),
        to_number=whatsapp_number(pairs, "To"),
        text=body,
        media_count=int(media),
    )


@dataclass(frozen=True)
class StatusReport:
    message_sid: str
    status: str
    error_code: str | None
    to_number: str | None  # the lead's number, when the message went to WhatsApp


# The statuses Twilio reports on an outgoing message (deliveries.DELIVERY_RANK orders them).
REPORTED_STATUSES = {
    "accepted",
    "scheduled",
    "canceled",
    "queued",
    "sending",
    "sent",
    "delivered",
    "read",
    "undelivered",
    "failed",
}


def status_report(pairs: list[tuple[str, str]]) -> StatusReport:
    status = single(pairs, "MessageStatus", required=False)
    status = status or single(pairs, "SmsStatus", required=False)
    if status is None:
        raise FormRefused("MessageStatus is missing")
    if status not in REPORTED_STATUSES:
        raise FormRefused("MessageStatus must be one of " + ", ".join(sorted(REPORTED_STATUSES)))
    code = single(pairs, "ErrorCode", required=False)
    if code is not None and not ERROR_CODE.match(code):
        raise FormRefused("ErrorCode must be a number")
    to = WHATSAPP_ADDRESS.match(single(pairs, "To", required=False) or "")
    return StatusReport(
        message_sid=message_sid(pairs),
        status=status,
        error_code=code,
        to_number=to.group(1) if to else None,
    )
