"""The deterministic drafter: used without a model, or when the model fails or strays.

It writes only from profile facts (titles, formatted prices, booking links), never from
the creator's free text, so it cannot carry an injected instruction into a message.
"""

from __future__ import annotations

from typing import Any

from domain.offer import active_services, find_service
from graphs.state import Channel, Decision, Draft


def first_name(name: str | None) -> str:
    """How a message greets the lead: their first name, or 'there'."""
    words = (name or "").split()
    return words[0] if words else "there"


def _pick_service(
    profile: dict[str, Any], service_id: int | None
) -> tuple[dict | None, dict | None]:
    """(service to offer, unavailable service the lead asked about)."""
    asked = find_service(profile, service_id) if service_id is not None else None
    if asked and asked["active"]:
        return asked, None
    open_services = active_services(profile)
    if asked:
        same_type = [s for s in open_services if s["type"] == asked["type"]]
        return (same_type or open_services or [None])[0], asked
    return (open_services or [None])[0], None


def _offer_sentence(service: dict[str, Any]) -> str:
    title, url = service["title"], service["booking_url"]
    if service["price"]["amount"] == 0:
        return f"{title} is free to join, you can save your seat here: {url}"
    return f"{title} is {service['price_text']}, you can book it here: {url}"


def _opening(reason: str, creator: str, asked: dict | None, offered: dict | None) -> str:
    if asked is not None:
        return f"I saw you were looking at {asked['title']}. It is not open for booking right now."
    if reason == "service_interest" and offered is not None:
        return f"I saw you were looking at {offered['title']} by {creator}."
    if reason == "returning_lead":
        return f"Good to see you back on {creator}'s page."
    if reason == "inbound_reply":
        return f"Thanks for your message. {creator} has it and will answer you personally soon."
    return f"Thanks for visiting {creator}'s page."


def template_draft(
    profile: dict[str, Any],
    consumer_name: str | None,
    decision: Decision,
    channel: Channel,
    fallback_reason: str | None = None,
) -> Draft:
    creator = profile.get("display_name") or "the creator"
    offered, asked = _pick_service(profile, decision.get("service_id"))
    lines = [_opening(decision.get("reason", ""), creator, asked, offered)]
    if offered is not None:
        lead_in = "You might like this instead: " if asked is not None else ""
        lines.append(lead_in + _offer_sentence(offered) + ".")
    greeting = f"Hi {first_name(consumer_name)},"
    if channel == "email":
        subject = (
            f"{offered['title']} with {creator}" if offered else f"A note from {creator}'s team"
        )
        body = "\n\n".join(
            [
                greeting,
                *lines,
                "Just reply to this email if you have any questions.",
                f"Best,\n{creator}'s team",
            ]
        )
    else:
        subject = None
        body = " ".join(
            [
                greeting,
                f"this is {creator}'s assistant.",
                *lines,
                "Reply here if you have any questions.",
            ]
        )
    return {
        "channel": channel,
        "subject": subject,
        "body": body,
        "confidence": 0.5,
        "service_ids": [offered["id"]] if offered else [],
        "reasoning": "Template draft written from the profile's services and prices.",
        "source": "template",
        "fallback_reason": fallback_reason,
        "prompt_name": None,
        "prompt_hash": None,
    }
