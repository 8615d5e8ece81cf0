"""Fact slots: the model writes `{{price:103}}`, code writes "₹24,999 one-time".

Every fact in a drafted message (a title, price, link, schedule, seat count, rating, name) is
a placeholder that this module renders from the creator's data, and only from services open
for booking on the day of the event. A placeholder it cannot render (unknown kind, unknown,
inactive or ended service, a fact the data does not have) is a finding: the draft fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain import findings as rules
from domain.findings import Finding, finding
from domain.normalize import SLOT_MARK
from domain.safe_names import display_name_for_messages, name_is_clean

# `{{kind}}` or `{{kind:ID}}`; bounded pieces, no nested quantifiers: linear to scan.
SLOT = re.compile(r"\{\{\s{0,3}([a-z_]{1,20})(?::\s{0,3}([A-Za-z0-9_-]{1,40}))?\s{0,3}\}\}")
SERVICE_SLOTS = ("title", "price", "link", "schedule", "seats_left")
PLAIN_SLOTS = ("rating", "profile_link", "first_name", "creator_name", "booking_time", "prepare")
# Facts of the booking a customer-onboarding message is about (domain.booking_offer).
BOOKING_SLOTS = ("booking_time", "prepare")
SLOT_NAMES = (*SERVICE_SLOTS, *PLAIN_SLOTS)

# Service types sold per session; everything else without an interval is paid once.
PER_SESSION_TYPES = {"call", "session", "consultation", "coaching", "dm", "mentoring"}
INTERVAL_WORDS = {"month": "per month", "year": "per year", "week": "per week", "day": "per day"}


def price_phrase(service: dict[str, Any]) -> str:
    """'₹1,999 per session', '€180 per month', '$149 one-time', 'free'."""
    price = service["price"]
    if not price["amount"]:
        return "free"
    amount = service["price_text"].split("/")[0]  # price_text carries the interval as '/month'
    interval = price.get("interval")
    if interval:
        return f"{amount} {INTERVAL_WORDS.get(interval, 'per ' + interval)}"
    return f"{amount} per session" if service["type"] in PER_SESSION_TYPES else f"{amount} one-time"


def schedule_phrase(schedule: dict[str, Any]) -> str | None:
    starts = schedule.get("starts_on")
    if not starts:
        return None
    try:
        day = date.fromisoformat(str(starts))
    except ValueError:
        return None
    parts = [f"starts {day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"]
    if schedule.get("time"):
        zone = f" ({schedule['timezone']})" if schedule.get("timezone") else ""
        parts.append(f"at {schedule['time']}{zone}")
    if schedule.get("sessions"):
        sessions = int(schedule["sessions"])
        parts.append(f"{sessions} session{'s' if sessions != 1 else ''}")
    return ", ".join(parts)


def service_ended(service: dict[str, Any], today: date) -> bool:
    """A scheduled service whose start date has passed can no longer be booked."""
    starts = (service.get("schedule") or {}).get("starts_on")
    try:
        return starts is not None and date.fromisoformat(str(starts)) < today
    except ValueError:
        return False


def open_services(profile: dict[str, Any], today: date) -> dict[str, dict[str, Any]]:
    """Services a message may name on `today`, by id as text: open for booking, not ended,
    and with a title that is a name, not an advert."""
    return {
        str(s["id"]): s
        for s in profile.get("services", [])
        if s.get("active")
        and not service_ended(s, today)
        and name_is_clean(s["title"], free_ok=not s["price"]["amount"])
    }


@dataclass
class Rendered:
    text: str
    findings: list[Finding] = field(default_factory=list)
    service_ids: list[int] = field(default_factory=list)


@dataclass
class SlotRenderer:
    """Renders slots for one creator, one lead and one day."""

    profile: dict[str, Any]
    first_name: str
    today: date
    booking: dict[str, str | None] | None = None  # BOOKING_SLOTS' values, for a booking

    def __post_init__(self) -> None:
        self._open = open_services(self.profile, self.today)
        self._all = {str(s["id"]): s for s in self.profile.get("services", [])}

    @property
    def open_ids(self) -> set[str]:
        return set(self._open)

    def _service_fact(self, kind: str, service: dict[str, Any]) -> str | None:
        if kind == "title":
            return service["title"]
        if kind == "price":
            return price_phrase(service)
        if kind == "link":
            return service["booking_url"]
        if kind == "schedule":
            return schedule_phrase(service.get("schedule") or {})
        if service.get("seats_left") is None:  # seats_left
            return None
        return f"{service['seats_left']} seats left"

    def _plain_fact(self, kind: str) -> str | None:
        if kind in BOOKING_SLOTS:
            return (self.booking or {}).get(kind)
        if kind == "first_name":
            return self.first_name
        if kind == "creator_name":
            return display_name_for_messages(self.profile.get("display_name") or "")
        if kind == "profile_link":
            return self.profile.get("profile_url") or None
        ratings = self.profile.get("ratings") or {}
        if ratings.get("average") is None or not ratings.get("count"):
            return None
        return f"{ratings['average']:.1f}/5 from {ratings['count']} reviews"

    def render(self, text: str) -> Rendered:
        result = Rendered(text="")
        pieces: list[str] = []
        last = 0
        matches = list(SLOT.finditer(text))
        for match in matches:
            pieces.append(text[last : match.start()])
            last = match.end()
            pieces.append(self._render_one(match, result))
        pieces.append(text[last:])
        result.text = "".join(pieces)
        result.findings.extend(misattributed_facts(text, matches))
        # Braces outside the placeholders are one the model got wrong, never text to send.
        own_words = without_slots(text)
        if "{" in own_words or "}" in own_words:
            result.findings.append(
                finding(rules.SLOT, "{{", "a placeholder is malformed; use {{kind:ID}}")
            )
        return result

    def _render_one(self, match: re.Match[str], result: Rendered) -> str:
        kind, service_id = match.group(1), match.group(2)
        slot = match.group(0)
        if kind in PLAIN_SLOTS and service_id is None:
            fact = self._plain_fact(kind)
        elif kind in SERVICE_SLOTS and service_id is not None:
            service = self._open.get(service_id)
            if service is None:
                known = service_id in self._all
                detail = (
                    "names a service that is not open for booking"
                    if known
                    else "names a service this creator does not have"
                )
                result.findings.append(finding(rules.SERVICE, slot, detail))
                return slot
            if int(service["id"]) not in result.service_ids:
                result.service_ids.append(int(service["id"]))
            fact = self._service_fact(kind, service)
        else:
            result.findings.append(finding(rules.SLOT, slot, "is not a known placeholder"))
            return slot
        if fact is None:
            result.findings.append(finding(rules.SLOT, slot, "the creator's data has no such fact"))
            return slot
        return fact


# A fact belongs to the service named nearest to it: the title in its sentence (the one
# before it first), else the last title before it.
SENTENCE_END = re.compile(r"[.!?。！？\n]")
FACT_RULE = {"price": rules.PRICE, "link": rules.LINK, "schedule": rules.SERVICE}
FACT_RULE["seats_left"] = rules.SEATS


def misattributed_facts(text: str, matches: list[re.Match[str]]) -> list[Finding]:
    """A price, link, schedule or seat count placed next to another service's title
    ("{{title:101}} is {{price:102}}"): every fact is right, the message is not. Linear."""
    sentence_of = []
    sentence = 0
    last = 0
    for match in matches:
        sentence += len(SENTENCE_END.findall(text, last, match.start()))
        last = match.start()
        sentence_of.append(sentence)
    titles = [
        (i, m.group(2), sentence_of[i]) for i, m in enumerate(matches) if m.group(1) == "title"
    ]
    found: list[Finding] = []
    before: tuple[str, int] | None = None  # (id, sentence) of the last title seen
    next_title = 0
    for i, match in enumerate(matches):
        kind, service_id = match.group(1), match.group(2)
        if kind == "title":
            before = (service_id, sentence_of[i])
            next_title += 1
            continue
        if kind not in FACT_RULE or service_id is None:
            continue
        after = titles[next_title] if next_title < len(titles) else None
        if before is not None and before[1] == sentence_of[i]:
            owner = before[0]
        elif after is not None and after[2] == sentence_of[i]:
            owner = after[1]
        else:
            owner = before[0] if before is not None else None
        if owner is not None and owner != service_id:
            found.append(
                finding(
                    FACT_RULE[kind], match.group(0), "is placed next to another service's title"
                )
            )
    return found


def without_slots(text: str) -> str:
    """The model's own words: every well-formed placeholder replaced by SLOT_MARK."""
    return SLOT.sub(f" {SLOT_MARK} ", text)
