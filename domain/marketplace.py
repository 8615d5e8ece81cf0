"""The creator data the marketplace returns, validated at the edge."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Price(BaseModel):
    amount: float = Field(ge=0)
    currency: str = Field(min_length=3, max_length=3)
    interval: str | None = None


class Service(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: int
    type: str
    title: str = Field(min_length=1)
    description: str = ""
    duration_minutes: int | None = None
    price: Price
    booking_url: str
    status: str = "active"
    schedule: dict[str, Any] | None = None
    seats: dict[str, Any] | None = None
    bookings: int | None = None


class User(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: int
    username: str = Field(min_length=1)
    display_name: str = Field(min_length=1)
    headline: str | None = ""
    bio: str | None = ""
    expertise: list[str] = []
    languages: list[str] = []
    country: str | None = None
    timezone: str | None = None
    profile_url: str | None = None
    social: dict[str, Any] = {}


class Testimonial(BaseModel):
    author: str = ""
    rating: float | None = None
    text: str = ""


class Ratings(BaseModel):
    average: float | None = None
    count: int = 0


class MarketplaceCreator(BaseModel):
    """`fetchByUsernameAdditionalDetails` as the marketplace returns it."""

    model_config = ConfigDict(extra="allow")

    user: User
    services: list[Service] = []
    ratings: Ratings = Ratings()
    testimonials: list[Testimonial] = []
    stats: dict[str, Any] = {}
