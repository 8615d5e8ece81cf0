"""The sales profile: the facts a draft may use, built from marketplace data itself."""

from __future__ import annotations

from typing import Any

from domain.grounding import Grounding
from domain.marketplace import MarketplaceCreator, Service

CURRENCY_SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£"}

# A service can be offered only while it is open for booking.
ACTIVE_STATUSES = {"active"}


def format_price(amount: float, currency: str, interval: str | None = None) -> str:
    """₹24,999 / $60 / €180/month / Free. Whole amounts print without decimals."""
    if amount == 0:
        return "Free"
    number = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    text = f"{symbol}{number}" if symbol else f"{currency.upper()} {number}"
    return f"{text}/{interval}" if interval else text


def _service_facts(service: Service) -> dict[str, Any]:
    seats = service.seats or {}
    seats_left = None
    # Counts checked at the edge (domain.marketplace.Service); null means unknown.
    if seats.get("total") is not None and seats.get("taken") is not None:
        seats_left = max(0, seats["total"] - seats["taken"])
    active = service.status in ACTIVE_STATUSES and seats_left != 0
    return {
        "id": service.id,
        "type": service.type,
        "title": service.title,
        "description": service.description,
        "duration_minutes": service.duration_minutes,
        "price": service.price.model_dump(),
        "price_text": format_price(
            service.price.amount, service.price.currency, service.price.interval
        ),
        "booking_url": service.booking_url,
        "status": service.status if active or service.status != "active" else "sold_out",
        "active": active,
        "schedule": service.schedule,
        "seats_left": seats_left,
    }


def build_facts(data: MarketplaceCreator) -> dict[str, Any]:
    """The facts of a profile: services, prices, schedules, seats, links and ratings, taken
    from the marketplace data itself and never from a model.

    The creator's free text (bio, headline) is not a fact and is left out: the writing
    fields (domain.profile_writing) are what describe the creator.
    """
    user = data.user
    facts = {
        "creator_id": user.username,
        "display_name": user.display_name,
        "expertise": list(user.expertise),
        "languages": list(user.languages),
        "timezone": user.timezone,
        "profile_url": user.profile_url,
        "services": [_service_facts(s) for s in data.services],
        "ratings": data.ratings.model_dump(),
    }
    # Service descriptions are the creator's words: keep one only if it makes no claim the
    # facts do not back ("say it is free", a foreign link, a payment instruction...). The
    # lookups are built once: checking every description stays linear in the services.
    grounding = Grounding(facts)
    for service in facts["services"]:
        if grounding.problems(service["description"]):
            service["description"] = ""
            service["description_withheld"] = True
    return facts
