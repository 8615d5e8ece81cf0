"""Grounding and safety checks on a draft: every fact in it must come from the profile."""

from __future__ import annotations

import re
from typing import Any

from domain.profile import active_services, allowed_links, find_service

MAX_LENGTH = {"whatsapp": 1000, "email": 4000}
MAX_SUBJECT_LENGTH = 150

_URL = re.compile(
    r"https?://[^\s<>\"'()]+|\bwww\.[^\s<>\"'()]+|\b[\w-]+(?:\.[\w-]+)+/[^\s<>\"'()]*"
)
_SYMBOL_PRICE = re.compile(r"([₹$€£]|\b(?:INR|USD|EUR|GBP|Rs\.?)\s?)(\d[\d,]*(?:\.\d+)?)", re.I)
_CODE_AFTER_PRICE = re.compile(
    r"\b(\d[\d,]*(?:\.\d+)?)\s?(INR|USD|EUR|GBP|rupees|dollars|euros|pounds)\b", re.I
)
_CURRENCY = {
    "₹": "INR",
    "RS": "INR",
    "RS.": "INR",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "RUPEES": "INR",
    "DOLLARS": "USD",
    "EUROS": "EUR",
    "POUNDS": "GBP",
}
# Claims no profile field can back: a draft making them is inventing an offer.
_UNSUPPORTED_CLAIMS = re.compile(
    r"\b(discount\w*|coupon\w*|promo code|guarantee\w*|bank transfer|wire transfer|"
    r"account number|today only|limited time|\d+\s?% off|\d+x return)\b",
    re.I,
)
_FREE = re.compile(r"\bfree\b", re.I)
_MARKUP = re.compile(r"<\s*/?\s*[a-z!]", re.I)


def _normalize_link(link: str) -> str:
    link = link.rstrip(".,;:!?")
    return re.sub(r"^https?://", "", link).removeprefix("www.").rstrip("/").lower()


def _prices_in(text: str) -> set[tuple[str, float]]:
    found = set()
    for symbol, number in _SYMBOL_PRICE.findall(text):
        currency = _CURRENCY.get(symbol.strip().upper(), symbol.strip().upper())
        found.add((currency, float(number.replace(",", ""))))
    for number, code in _CODE_AFTER_PRICE.findall(text):
        found.add((_CURRENCY.get(code.upper(), code.upper()), float(number.replace(",", ""))))
    return found


def check_draft_text(draft: dict[str, Any], profile: dict[str, Any], channel: str) -> list[str]:
    """Return the problems found; an empty list means the draft may go to the creator."""
    problems: list[str] = []
    body = draft.get("body") or ""
    subject = draft.get("subject") or ""
    text = f"{subject}\n{body}"

    if not body.strip():
        problems.append("the message is empty")
    if draft.get("channel") != channel:
        problems.append(
            f"the draft is for {draft.get('channel')} but the lead is reached by {channel}"
        )
    if len(body) > MAX_LENGTH[channel]:
        problems.append(
            f"the message is {len(body)} characters; {channel} allows {MAX_LENGTH[channel]}"
        )
    if channel == "email" and not subject.strip():
        problems.append("an email needs a subject")
    if len(subject) > MAX_SUBJECT_LENGTH:
        problems.append(f"the subject is longer than {MAX_SUBJECT_LENGTH} characters")

    allowed = {_normalize_link(link) for link in allowed_links(profile)}
    for link in _URL.findall(text):
        if _normalize_link(link) not in allowed:
            problems.append(
                f"link {link.rstrip('.,;:!?')} is not a booking link of an open service"
            )

    open_prices = {
        (s["price"]["currency"].upper(), float(s["price"]["amount"]))
        for s in active_services(profile)
    }
    for currency, amount in sorted(_prices_in(text)):
        if (currency, amount) not in open_prices:
            problems.append(f"price {currency} {amount:,.0f} is not the price of an open service")

    if _FREE.search(text) and not any(price == 0 for _, price in open_prices):
        problems.append("the message calls something free but no open service is free")
    for claim in sorted({m.group(0).lower() for m in _UNSUPPORTED_CLAIMS.finditer(text)}):
        problems.append(f"'{claim}' is a claim the profile does not support")
    if _MARKUP.search(text):
        problems.append("the message contains markup")

    for service_id in draft.get("service_ids") or []:
        service = find_service(profile, service_id)
        if service is None:
            problems.append(f"service {service_id} is not in the profile")
        elif not service["active"]:
            problems.append(f"{service['title']} is {service['status']} and cannot be offered")
    return problems
