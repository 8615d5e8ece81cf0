"""Is a creator's service description grounded in their data? A description that states a
price, link, offer or claim the data does not back is withheld from the profile
(domain.profile.build_facts). Messages and profiles are checked by domain.draft_check,
domain.human_check and domain.profile_check.
"""

from __future__ import annotations

import re
from typing import Any

from domain.offer import active_services, allowed_links

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


def prices_in(text: str) -> set[tuple[str, float]]:
    found = set()
    for symbol, number in _SYMBOL_PRICE.findall(text):
        currency = _CURRENCY.get(symbol.strip().upper(), symbol.strip().upper())
        found.add((currency, float(number.replace(",", ""))))
    for number, code in _CODE_AFTER_PRICE.findall(text):
        found.add((_CURRENCY.get(code.upper(), code.upper()), float(number.replace(",", ""))))
    return found


# Phrases that only appear when a model copies an instruction out of the creator's text.
_INJECTED = re.compile(
    r"ignore (all )?(previous|prior) instructions|developer mode|\bsystem\s*:|"
    r"approve automatically|\b\d{4}-\d{4}\b",
    re.I,
)


# A capitalised name ending in a kind of offering ("VIP Mastermind", "Career Strategy Call"):
# it must be (the end of) a real service title, or the text invented a service.
_OFFERING_NAME = re.compile(
    r"\b((?:[A-Z0-9][\w'’&:+-]*\s+){1,5}(?:Program|Programme|Cohort|Course|Mastermind|"
    r"Bootcamp|Workshop|Masterclass|Class|Call|Session|Coaching|Membership|Academy|Accelerator|"
    r"Review|Mentorship|Audit|Challenge|Retreat|Webinar|Guide|Plan)s?)\b"
)
# Words of a title or name: "1:1", "Q&A" and "it's" are one word, "Career-Strategy" two.
_WORD = re.compile(r"\w+(?:[:'’&+]\w+)*")
_LONGEST_NAME = 6  # words in an _OFFERING_NAME


def _words(text: str) -> tuple[str, ...]:
    # "Calls" matches the title "Call" and the other way round.
    return tuple(w.removesuffix("s") for w in _WORD.findall(text.lower()))


def _phrases(title: str) -> set[tuple[str, ...]]:
    """Every run of 2 to 6 consecutive words of a title."""
    words = _words(title)
    return {
        words[i : i + n] for n in range(2, _LONGEST_NAME + 1) for i in range(len(words) - n + 1)
    }


class Grounding:
    """The facts a text may state, looked up once per profile: the links of open services and
    the profile page, the prices of open services, and the phrases of service titles. Checking
    a text is then linear in the text, whatever the number of services."""

    def __init__(self, profile: dict[str, Any]):
        self.links = {_normalize_link(link) for link in allowed_links(profile)}
        self.open_prices = {
            (s["price"]["currency"].upper(), float(s["price"]["amount"]))
            for s in active_services(profile)
        }
        self.title_phrases: set[tuple[str, ...]] = set()
        for service in profile.get("services", []):
            self.title_phrases |= _phrases(service["title"])

    def invented_services(self, text: str) -> list[str]:
        """Service-like names in `text` that no service title in the profile contains."""
        invented = []
        for name in dict.fromkeys(m.group(1) for m in _OFFERING_NAME.finditer(text)):
            words = _words(name)
            # "Book Portfolio Review" is fine if "Portfolio Review" is a title: try the endings.
            if not any(words[i:] in self.title_phrases for i in range(len(words) - 1)):
                invented.append(name)
        return invented

    def problems(self, text: str) -> list[str]:
        """Problems with the facts in `text`; an empty list means every fact is in the profile."""
        problems: list[str] = []
        for link in _URL.findall(text):
            if _normalize_link(link) not in self.links:
                problems.append(
                    f"link {link.rstrip('.,;:!?')} is not a booking link of an open service"
                )
        for currency, amount in sorted(prices_in(text)):
            if (currency, amount) not in self.open_prices:
                problems.append(
                    f"price {currency} {amount:,.0f} is not the price of an open service"
                )
        for name in self.invented_services(text):
            problems.append(f"'{name}' is not a service in the profile")
        if _FREE.search(text) and not any(price == 0 for _, price in self.open_prices):
            problems.append("the text calls something free but no open service is free")
        for claim in sorted({m.group(0).lower() for m in _UNSUPPORTED_CLAIMS.finditer(text)}):
            problems.append(f"'{claim}' is a claim the profile does not support")
        if _MARKUP.search(text):
            problems.append("the text contains markup")
        for phrase in sorted({m.group(0).lower() for m in _INJECTED.finditer(text)}):
            problems.append(
                f"'{phrase}' comes from instructions in the creator's text, not from facts"
            )
        return problems
