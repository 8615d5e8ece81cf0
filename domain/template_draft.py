"""The deterministic drafter: used without a model, or when the model fails or strays.

It writes fixed sentences around placeholders, so every fact (title, price, link) is rendered
by domain.slots from the creator's data, exactly as for a model's draft; no creator free text
(a display name with an offer in it, a description) is ever copied into its words.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.slots import open_services
from graphs.state import Channel, Decision, Draft


def first_name(name: str | None) -> str:
    """How a message greets the lead: their first name, or 'there'."""
    words = (name or "").split()
    return words[0] if words else "there"


def _pick_service(
    profile: dict[str, Any], service_id: int | None, today: date
) -> tuple[dict | None, dict | None]:
    """(service to offer, unavailable service the lead asked about)."""
    open_now = list(open_services(profile, today).values())
    asked = next((s for s in profile.get("services", []) if s["id"] == service_id), None)
    if asked is not None and asked in open_now:
        return asked, None
    if asked is not None:
        same_type = [s for s in open_now if s["type"] == asked["type"]]
        return (same_type or open_now or [None])[0], asked
    return (open_now or [None])[0], None


def slot(kind: str, service_id: int | None = None) -> str:
    """A placeholder, e.g. slot("price", 103) -> '{{price:103}}'."""
    return "{{" + kind + (f":{service_id}" if service_id is not None else "") + "}}"


def _offer_sentence(service: dict[str, Any]) -> str:
    title, price, link = (slot(kind, service["id"]) for kind in ("title", "price", "link"))
    if not service["price"]["amount"]:
        return f"{title} is {price} to join, save your seat here: {link}"
    return f"{title} is {price}, you can book it here: {link}"


def _opening(reason: str, asked: dict | None, offered: dict | None) -> str:
    creator = slot("creator_name")
    if asked is not None:
        # A service not open for booking cannot be named: its title is no longer a fact to use.
        return "The service you were looking at is not open for booking right now."
    if reason == "service_interest" and offered is not None:
        return f"I saw you were looking at {slot('title', offered['id'])} by {creator}."
    if reason == "returning_lead":
        return f"Good to see you back on {creator}'s page."
    if reason == "inbound_reply":
        return f"Thanks for your message. {creator} has it and will answer you personally soon."
    return f"Thanks for visiting {creator}'s page."


def template_draft(
    profile: dict[str, Any],
    decision: Decision,
    channel: Channel,
    today: date,
    fallback_reason: str | None = None,
) -> Draft:
    """The draft with placeholders; domain.draft_check renders it like any other."""
    offered, asked = _pick_service(profile, decision.get("service_id"), today)
    creator = slot("creator_name")
    lines = [_opening(decision.get("reason", ""), asked, offered)]
    if offered is not None:
        lead_in = "You might like this instead: " if asked is not None else ""
        lines.append(lead_in + _offer_sentence(offered) + ".")
    greeting = f"Hi {slot('first_name')},"
    if channel == "email":
        subject = (
            f"{slot('title', offered['id'])} with {creator}"
            if offered
            else f"A note from {creator}'s team"
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
        "reasoning": "Template draft: fixed sentences around the service's title, price and link.",
        "source": "template",
        "fallback_reason": fallback_reason,
        "prompt_name": None,
        "prompt_hash": None,
    }
