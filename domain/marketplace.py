"""The creator data the marketplace returns, validated at the edge.

Every list and text is capped: the data is checked, stored, put into prompts and checkpoints,
so one oversized creator must be refused here rather than slow everything after it. The caps
apply to the text as sent, before anything else looks at it. Every text is then stored as a
reader sees it (domain.sanitize): NFKC, no invisible characters, no tags or entities.
"""

from __future__ import annotations

from typing import Annotated, Any, Self

from annotated_types import MaxLen
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.plain_json import PlainJsonModel
from domain.sanitize import clean_json

MAX_SERVICES = 200
MAX_TESTIMONIALS = 200
MAX_LIST_ITEMS = 50  # expertise, languages
MAX_NAME = 200  # titles, names, short labels
MAX_HEADLINE = 300
MAX_URL = 2_000
MAX_DESCRIPTION = 2_000  # a service description
MAX_BIO = 5_000
MAX_TESTIMONIAL = 2_000

Name = Annotated[str, Field(max_length=MAX_NAME)]
Url = Annotated[str, Field(max_length=MAX_URL)]


class CleanText(BaseModel):
    """Every text of the model, extra fields included, cleaned once its caps have passed;
    a text that normalisation lengthens past its cap is refused naming the field."""

    @model_validator(mode="after")
    def _clean_texts(self) -> Self:
        for name, info in type(self).model_fields.items():
            value = getattr(self, name)
            if not isinstance(value, str | list | dict):
                continue
            cleaned = clean_json(value)
            cap = next((m.max_length for m in info.metadata if isinstance(m, MaxLen)), None)
            if isinstance(cleaned, str) and cap is not None and len(cleaned) > cap:
                raise ValueError(f"{name} is longer than {cap} characters once normalised")
            if isinstance(cleaned, list) and any(
                isinstance(item, str) and len(item) > MAX_NAME for item in cleaned
            ):
                raise ValueError(f"an item of {name} is longer than {MAX_NAME} characters")
            if cleaned != value:
                setattr(self, name, cleaned)
        if self.__pydantic_extra__:
            for name, value in self.__pydantic_extra__.items():
                self.__pydantic_extra__[name] = clean_json(value)
        return self


class Price(CleanText):
    amount: float = Field(ge=0, allow_inf_nan=False)
    currency: str = Field(min_length=3, max_length=3)
    interval: Name | None = None


class Service(CleanText):
    model_config = ConfigDict(extra="allow")

    id: int
    type: Name
    title: str = Field(min_length=1, max_length=MAX_NAME)
    description: str = Field("", max_length=MAX_DESCRIPTION)
    duration_minutes: int | None = None
    price: Price
    booking_url: Url
    status: Name = "active"
    schedule: dict[str, Any] | None = None
    seats: dict[str, Any] | None = None
    bookings: int | None = None

    @field_validator("seats")
    @classmethod
    def _seat_counts(cls, seats: dict[str, Any] | None) -> dict[str, Any] | None:
        # The profile computes seats left from these two: they must be counts.
        for key in ("total", "taken"):
            value = (seats or {}).get(key)
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or value < 0
            ):
                raise ValueError(f"seats.{key} must be a whole number of seats (0 or more)")
        return seats


class User(CleanText):
    model_config = ConfigDict(extra="allow")

    id: int
    username: str = Field(min_length=1, max_length=MAX_NAME)
    display_name: str = Field(min_length=1, max_length=MAX_NAME)
    headline: str | None = Field("", max_length=MAX_HEADLINE)
    bio: str | None = Field("", max_length=MAX_BIO)
    expertise: list[Name] = Field([], max_length=MAX_LIST_ITEMS)
    languages: list[Name] = Field([], max_length=MAX_LIST_ITEMS)
    country: Name | None = None
    timezone: Name | None = None
    profile_url: Url | None = None
    social: dict[str, Any] = {}


class Testimonial(CleanText):
    author: Name = ""
    rating: float | None = Field(None, allow_inf_nan=False)
    text: str = Field("", max_length=MAX_TESTIMONIAL)


class Ratings(CleanText):
    average: float | None = Field(None, allow_inf_nan=False)
    count: int = 0


class MarketplaceCreator(PlainJsonModel, CleanText):
    """`fetchByUsernameAdditionalDetails` as the marketplace returns it."""

    model_config = ConfigDict(extra="allow")

    user: User
    services: list[Service] = Field([], max_length=MAX_SERVICES)
    ratings: Ratings = Ratings()
    testimonials: list[Testimonial] = Field([], max_length=MAX_TESTIMONIALS)
    stats: dict[str, Any] = {}
