"""Request bodies of the API: pydantic at the edge, with errors that say what to fix."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.booking_payload import BOOKING_EVENTS, booking_problem
from domain.marketplace import MarketplaceCreator
from domain.plain_json import PlainJsonModel

# Ids appear in thread ids (`sales:creator:consumer`) and URLs: keep them plain, no ":".
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$"
E164 = r"^\+[1-9]\d{6,14}$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

# Closed sets of values, shared by requests, answers and their documentation.
MessageStatus = Literal[
    "claimed", "sending", "sent", "recorded", "failed", "retry", "unsent", "unconfirmed", "blocked"
]
EventType = Literal[
    "page_view",
    "service_click",
    "booking_created",
    "inbound_message",
    "booking_cancelled",
    "payment_completed",
    "session_completed",
]
# What the events table holds: the posted types, and `timer` (a thread's own delayed run).
StoredEventType = Literal[EventType, "timer"]
EventStatus = Literal["queued", "processed", "failed"]
Channel = Literal["whatsapp", "email"]
# messages.purpose (its check constraint, migrations 0010 and 0014; domain.compliance).
MessagePurpose = Literal["sales", "reply", "service", "template", "creator"]
ApprovalKind = Literal["message", "profile"]
Actor = Literal["agent", "creator", "system", "api"]
OnboardingStatus = Literal[
    "queued", "fetching", "drafting", "awaiting_review", "approved", "rejected", "failed"
]
DataSource = Literal["marketplace", "inline"]
ProfileSource = Literal["deterministic", "llm"]
MAX_PAYLOAD_BYTES = 16_000
MAX_CLOCK_SKEW = timedelta(days=1)
# A date and a time: numbers (Unix seconds? milliseconds?) are ambiguous and refused.
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


class CreatorIn(PlainJsonModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=ID_PATTERN, description="The creator's marketplace username")
    marketplace_data: MarketplaceCreator = Field(
        description="The marketplace's fetchByUsernameAdditionalDetails answer for this creator"
    )

    @model_validator(mode="after")
    def _username_matches_data(self) -> CreatorIn:
        if self.marketplace_data.user.username != self.username:
            raise ValueError(
                f"username {self.username!r} does not match marketplace_data.user.username "
                f"{self.marketplace_data.user.username!r}"
            )
        return self


def known_timezone(value: str | None) -> str | None:
    if value is None:
        return value
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        message = f"unknown time zone {value!r}; use an IANA name like Europe/Berlin"
        raise ValueError(message) from None
    return value


class Consent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    whatsapp: bool = False
    email: bool = False


class ConsumerIn(PlainJsonModel):
    model_config = ConfigDict(extra="forbid")

    creator_id: str | None = Field(
        None, pattern=ID_PATTERN, description="Whose lead; a creator key implies its own"
    )
    external_id: str = Field(pattern=ID_PATTERN, description="Your id, unique per creator")
    name: str = Field(min_length=1, max_length=200)
    whatsapp: str | None = Field(None, pattern=E164, description="E.164, e.g. +919876543210")
    email: str | None = Field(None, pattern=EMAIL, max_length=254)
    timezone: str | None = Field(None, max_length=64, description="IANA name, e.g. Asia/Kolkata")
    consent: Consent = Consent()

    _known_timezone = field_validator("timezone")(known_timezone)


class ConsentPatch(BaseModel):
    """The channels to change; a channel left out (or null) keeps its consent."""

    model_config = ConfigDict(extra="forbid")

    whatsapp: bool | None = None
    email: bool | None = None


class ConsumerPatch(PlainJsonModel):
    """The fields to change; absent fields keep their value, null clears an optional one."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    whatsapp: str | None = Field(None, pattern=E164)
    email: str | None = Field(None, pattern=EMAIL, max_length=254)
    timezone: str | None = Field(None, max_length=64)
    consent: ConsentPatch | None = None

    _known_timezone = field_validator("timezone")(known_timezone)

    @field_validator("name", "consent")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null")
        return value


class EventIn(PlainJsonModel):
    model_config = ConfigDict(extra="forbid")

    creator_id: str = Field(pattern=ID_PATTERN)
    consumer_id: str = Field(pattern=ID_PATTERN)
    type: EventType
    source: str | None = Field(None, max_length=100)
    payload: dict[str, Any] = {}
    occurred_at: AwareDatetime = Field(
        description="When it happened: ISO 8601 with a time zone, e.g. 2026-11-02T05:30:00Z"
    )
    event_id: str | None = Field(
        None, pattern=ID_PATTERN, description="Your id; posting it again is accepted once"
    )

    @field_validator("occurred_at", mode="before")
    @classmethod
    def _iso_8601(cls, value: Any) -> Any:
        if not isinstance(value, str) or not ISO_DATETIME.match(value):
            raise ValueError(
                "occurred_at must be an ISO 8601 datetime with a time zone, "
                "e.g. 2026-11-02T05:30:00Z (not a number)"
            )
        return value

    @field_validator("occurred_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        try:
            return value.astimezone(UTC)
        except OverflowError:  # 0001-01-01T00:00:00+14:00 is before year 1 in UTC
            raise ValueError("occurred_at is out of range once converted to UTC") from None

    @model_validator(mode="after")
    def _payload_fits_type(self) -> EventIn:
        if len(json.dumps(self.payload)) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"payload is larger than {MAX_PAYLOAD_BYTES} bytes")
        service_id = self.payload.get("service_id")
        if self.type == "service_click" and not _is_int(service_id):
            raise ValueError("a service_click event needs payload.service_id (an integer)")
        if self.type in BOOKING_EVENTS and (problem := booking_problem(self.type, self.payload)):
            raise ValueError(problem)
        if service_id is not None and not _is_int(service_id):
            raise ValueError("payload.service_id must be an integer")
        if self.type == "inbound_message":
            text = self.payload.get("text")
            if not isinstance(text, str) or not text.strip():
                raise ValueError("an inbound_message event needs payload.text")
            if self.payload.get("channel") not in (None, "whatsapp", "email"):
                raise ValueError("payload.channel must be 'whatsapp' or 'email'")
        if self.occurred_at > datetime.now(UTC) + MAX_CLOCK_SKEW:
            raise ValueError("occurred_at is more than a day in the future")
        return self

    def request_hash(self) -> str:
        body = self.model_dump(mode="json", exclude={"event_id"})
        body["occurred_at"] = self.occurred_at.astimezone(UTC).isoformat()
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class MessageResolutionIn(PlainJsonModel):
    """How a person settles a message whose send is unconfirmed."""

    model_config = ConfigDict(extra="forbid")

    resolution: Literal["sent", "resend"] = Field(
        description="sent: the provider did take it; resend: send it again, exactly once"
    )
    note: str | None = Field(None, max_length=1000, description="Why, for the audit log")
