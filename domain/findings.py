"""What a check reports: findings a person can read, by rule class.

A finding is `{"rule", "text", "detail"}`: the rule class that failed, the piece of text that
tripped it (shown to people, never sent back to a model), and a sentence saying why.
"""

from __future__ import annotations

from typing import TypedDict


class Finding(TypedDict):
    rule: str
    text: str
    detail: str


# Facts: only code may state them.
PRICE = "price"
LINK = "link"
CONTACT = "contact"  # e-mail addresses, phone numbers
SERVICE = "service"  # an unknown, inactive, ended or foreign service
RATING = "rating"
SEATS = "seats"
DIGITS = "digits"  # a number in the model's own words
# Wording: claims no fact backs.
OFFER = "offer"  # discounts, deals, coupons, free
GUARANTEE = "guarantee"
URGENCY = "urgency"  # urgency and scarcity
SOCIAL_PROOF = "social_proof"
OFF_PLATFORM = "off_platform"  # pay or contact outside the booking link
INVENTED_SERVICE = "invented_service"
# Form.
MARKUP = "markup"
LENGTH = "length"
SLOT = "slot"  # an unknown or malformed placeholder
CHANNEL = "channel"  # written for another channel than the lead's
NOT_JUDGED = "not_judged"  # the judge failed: fail closed

FACT_RULES = (PRICE, LINK, CONTACT, SERVICE, RATING, SEATS, DIGITS)
WORDING_RULES = (OFFER, GUARANTEE, URGENCY, SOCIAL_PROOF, OFF_PLATFORM, INVENTED_SERVICE)

# What a model is told when its draft fails: the rule class only, never the words that
# tripped it, so it cannot route around the check.
GENERIC_FEEDBACK = {
    PRICE: "State no price yourself; use the {{price:ID}} placeholder.",
    LINK: "Write no link yourself; use {{link:ID}} or {{profile_link}}.",
    CONTACT: "Give no e-mail address or phone number.",
    SERVICE: "Name only active services, with {{title:ID}}.",
    RATING: "State no rating yourself; use {{rating}}.",
    SEATS: "State no seat count yourself; use {{seats_left:ID}}.",
    DIGITS: "Write no numbers; every number comes from a placeholder.",
    OFFER: "Make no offer, discount or free claim.",
    GUARANTEE: "Make no guarantee or promise of results.",
    URGENCY: "Add no urgency or scarcity.",
    SOCIAL_PROOF: "Add no social proof (numbers of students, reviews, fame).",
    OFF_PLATFORM: "Ask for no payment or contact outside the booking link.",
    INVENTED_SERVICE: "Mention no service that is not in the creator's data.",
    MARKUP: "Write plain text, no markup.",
    LENGTH: "Keep within the channel's length.",
    SLOT: "Use only the placeholders listed, with ids of active services.",
    CHANNEL: "Write for the channel you were given.",
    NOT_JUDGED: "The message could not be judged.",
}


def finding(rule: str, text: str, detail: str) -> Finding:
    return {"rule": rule, "text": text[:200], "detail": detail}


def generic_feedback(findings: list[Finding]) -> str:
    """The redraft instruction: one line per failed rule class, no quoted words."""
    rules = dict.fromkeys(f["rule"] for f in findings)
    return " ".join(GENERIC_FEEDBACK.get(rule, "Follow the rules.") for rule in rules)
