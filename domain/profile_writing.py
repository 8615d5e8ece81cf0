"""The written part of a sales profile: what a model (or the deterministic builder) writes
about the creator from their data. Facts (services, prices, links) are never written here."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator

from domain.marketplace import MarketplaceCreator
from domain.offer import active_services
from domain.profile import build_facts, format_price

WRITING_FIELDS = (
    "summary",
    "sales_pitch",
    "target_audience",
    "value_propositions",
    "agent_instructions",
    "objection_handling",
    "social_proof",
)
DEFAULT_INSTRUCTIONS = (
    "Warm, concise and specific. Address the lead by first name, mention at most one service "
    "with its exact price and booking link, offer one clear next step, never pressure, and "
    "never promise results or offers that are not in the profile."
)


def _text(value: Any) -> Any:
    """Models sometimes answer a list where one string belongs: join it."""
    if isinstance(value, list):
        return " ".join(str(v).strip() for v in value if str(v).strip())
    return value


def _texts(value: Any) -> Any:
    """...or one string where a list belongs: wrap it."""
    return [value] if isinstance(value, str) else value


class ObjectionAnswer(BaseModel):
    objection: str = Field(description="What a hesitant lead might say")
    answer: str = Field(description="A short, factual answer grounded in the data")


class ProfileWriting(BaseModel):
    """What the onboarding model writes. Lenient on shape, strict on content (see
    domain.profile_check)."""

    summary: str = Field(description="Two or three sentences on who the creator is and helps")
    sales_pitch: str = Field(description="Why a lead should book, in the creator's voice")
    target_audience: str = Field(description="Who the services are for")
    value_propositions: list[str] = Field(description="Three to five concrete benefits")
    agent_instructions: str = Field(description="Tone and approach for the sales agent")
    objection_handling: list[ObjectionAnswer] = Field(description="Objection -> answer pairs")
    social_proof: list[str] = Field(description="Ratings and testimonials, quoted faithfully")

    _join = field_validator(
        "summary", "sales_pitch", "target_audience", "agent_instructions", mode="before"
    )(classmethod(lambda cls, v: _text(v)))
    _wrap = field_validator("value_propositions", "social_proof", mode="before")(
        classmethod(lambda cls, v: _texts(v))
    )

    @field_validator("objection_handling", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        # {"objection": "answer", ...} is a common shape for the same thing.
        if isinstance(value, dict):
            return [{"objection": k, "answer": v} for k, v in value.items()]
        return value


def deterministic_writing(data: MarketplaceCreator) -> dict[str, Any]:
    """Every writing field from structured data alone: no model, and none of the creator's
    free text, so nothing in a bio can become an instruction."""
    facts = build_facts(data)
    name = facts["display_name"]
    services = active_services(facts)
    ratings = facts["ratings"]
    expertise = ", ".join(facts["expertise"]) or "their field"
    if services:
        titles = "; ".join(f"{s['title']} ({s['price_text']})" for s in services)
        count = f"{len(services)} service" + ("s" if len(services) > 1 else "")
        summary = f"{name} offers {count} on the marketplace: {titles}."
        first = services[0]
        pitch = f"Start with {first['title']} for {first['price_text']}: {first['booking_url']}"
    else:
        summary = f"{name} has no services open for booking right now."
        pitch = ""
    proof = []
    if ratings.get("count"):
        proof.append(f"Rated {ratings['average']} out of 5 from {ratings['count']} reviews.")
    cheapest = min(services, key=lambda s: s["price"]["amount"]) if services else None
    objections = []
    if cheapest is not None:
        amount = cheapest["price"]["amount"]
        price = "free" if amount == 0 else format_price(amount, cheapest["price"]["currency"])
        objections.append(
            {
                "objection": "It is too expensive for me right now.",
                "answer": f"The most affordable option is {cheapest['title']}, which is {price}.",
            }
        )
    return {
        "summary": summary,
        "sales_pitch": pitch,
        "target_audience": f"People looking for help with {expertise}.",
        "value_propositions": [
            f"{s['title']}: {s['type']}"
            + (f", {s['duration_minutes']} minutes" if s["duration_minutes"] else "")
            for s in services
        ],
        "agent_instructions": DEFAULT_INSTRUCTIONS,
        "objection_handling": objections,
        "social_proof": proof,
    }


def build_profile(data: MarketplaceCreator) -> dict[str, Any]:
    """A complete profile without a model: facts plus deterministic writing."""
    return {**build_facts(data), **deterministic_writing(data), "source": "deterministic"}
