"""Check text as a creator would send it (an edit, or text given to the check endpoint)
against the creator's data: every price is the price of the service it is next to, every
link a booking link of an open service or the profile page, every service named exists
and is open, ratings and seat counts match the data; no e-mail address, phone number or
markup; within the channel's length.

Facts are found by domain.text_facts on the normalised text; wording (offers, guarantees,
urgency...) is the lexicon's, run through WORDING_CHECKS. Linear in the text:
the profile's lookups are built once per check, each fact is compared in constant time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from domain.draft_check import MAX_LENGTH, MAX_SUBJECT_LENGTH
from domain.findings import (
    CONTACT,
    INVENTED_SERVICE,
    LENGTH,
    LINK,
    MARKUP,
    OFFER,
    PRICE,
    RATING,
    SEATS,
    SERVICE,
    Finding,
    finding,
)
from domain.lexicon import lexicon_findings
from domain.normalize import fold_for_matching
from domain.text_facts import Link, Price, TextFacts, Token, interval_kind, scan

# Wording checks (offers, guarantees, urgency...), each `text -> findings`, run on the
# normalised text: the multilingual lexicon, the same one drafts are judged with.
WORDING_CHECKS: tuple[Callable[[str], list[Finding]], ...] = (lexicon_findings,)

FREE = frozenset(("free", "gratis", "kostenlos", "gratuito", "gratuita", "無料", "मुफ्त", "muft"))
_STOPWORDS = frozenset("and or the a an of for to in on with into your my by at from".split())
_LONGEST_PHRASE = 6  # words of a title matched as a mention
# Kinds of offering: a capitalised name ending in one ("VIP Mastermind") names a service.
_OFFERING_NOUNS = frozenset(
    "program programme cohort course mastermind bootcamp workshop masterclass class call "
    "session coaching membership academy accelerator review mentorship audit challenge "
    "retreat webinar guide plan ebook e-book template toolkit kit community circle club "
    "consultation intensive bundle package summit training certification lab".split()
)
_RECURRING = ("month", "week", "year", "day")


# Words that do not name a service on their own, whatever title they are in.
_GENERIC = frozenset(
    "week month day hour minute min year time session night live free new one min".split()
)


def _names_something(word: str) -> bool:
    return len(word) >= 3 and not word.isdigit() and word not in _GENERIC and word not in _STOPWORDS


def _key(word: str) -> str:
    # "Calls" matches the title "Call" and the other way round.
    return word.removesuffix("s") if len(word) > 3 else word


def _phrase_words(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.kind in ("word", "num")]


def _ended(service: dict[str, Any], today: date) -> bool:
    starts_on = (service.get("schedule") or {}).get("starts_on")
    if not isinstance(starts_on, str):
        return False
    try:
        return date.fromisoformat(starts_on[:10]) < today
    except ValueError:
        return False


def link_key(link: str) -> str:
    """A link as compared: scheme and host lower-cased, no trailing slash."""
    scheme, sep, rest = link.partition("://")
    if not sep:
        return link.rstrip("/")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}".rstrip("/")


class ProfileLookups:
    """What a text may state about one creator, looked up once: open services, their titles'
    phrases, links, prices, seats and the rating."""

    def __init__(self, profile: dict[str, Any], today: date | None = None):
        today = today or datetime.now(UTC).date()
        self.services = {str(s["id"]): s for s in profile.get("services", [])}
        self.open_ids = {
            sid for sid, s in self.services.items() if s.get("active") and not _ended(s, today)
        }
        self.ratings = profile.get("ratings") or {}
        self.links: dict[str, str | None] = {}  # link -> service id (None: the profile page)
        self.closed_links: dict[str, str] = {}
        for sid, service in self.services.items():
            if url := service.get("booking_url"):
                if sid in self.open_ids:
                    self.links[link_key(url)] = sid
                else:
                    self.closed_links.setdefault(link_key(url), sid)
        if profile.get("profile_url"):
            self.links[link_key(profile["profile_url"])] = None
        # Phrases of 1..6 words of every title, not starting or ending with a stopword, and
        # naming something ("1:1" or "6 weeks" alone names no service).
        self.phrases: dict[tuple[str, ...], set[str]] = {}
        for sid, service in self.services.items():
            words = [_key(t.folded) for t in _phrase_words(scan(service["title"]).tokens)]
            for n in range(1, min(_LONGEST_PHRASE, len(words)) + 1):
                for i in range(len(words) - n + 1):
                    phrase = tuple(words[i : i + n])
                    if phrase[0] in _STOPWORDS or phrase[-1] in _STOPWORDS:
                        continue
                    if not any(_names_something(w) for w in phrase):
                        continue
                    # One word names a service only when it is the whole title.
                    if n == 1 and len(words) > 1:
                        continue
                    self.phrases.setdefault(phrase, set()).add(sid)

    def title(self, sid: str) -> str:
        return self.services[sid]["title"]

    def price_text(self, sid: str) -> str:
        service = self.services[sid]
        return service.get("price_text") or str(service["price"]["amount"])

    def price_matches(self, price: Price, sid: str) -> bool:
        service_price = self.services[sid]["price"]
        if price.currency and price.currency != str(service_price["currency"]).upper():
            return False
        if abs(price.amount - float(service_price["amount"])) >= 0.005:
            return False
        return _interval_matches(price.interval, service_price.get("interval"))

    def why_closed(self, sid: str) -> str:
        service = self.services[sid]
        if service.get("active"):
            return "has ended"
        return f"is {str(service.get('status') or 'not open').replace('_', ' ')}"


def _interval_matches(said: str | None, interval: str | None) -> bool:
    kind = interval_kind(interval)
    if said in _RECURRING:
        return said == kind
    if said in ("once", "session"):
        return kind is None
    return True


@dataclass
class _Mention:
    """A service title named in the text: where, and which services it may be."""

    start: int
    end: int
    segment: int
    ids: set[str]
    first_token: int  # index among the text's words
    last_token: int


def _mentions(facts: TextFacts, lookups: ProfileLookups) -> list[_Mention]:
    """Service titles (or runs of two or more of a title's words) named in the text."""
    words = _phrase_words(facts.tokens)
    keys = [_key(t.folded) for t in words]
    mentions: list[_Mention] = []
    i = 0
    while i < len(words):
        for n in range(min(_LONGEST_PHRASE, len(words) - i), 0, -1):
            if words[i + n - 1].segment != words[i].segment:
                continue
            ids = lookups.phrases.get(tuple(keys[i : i + n]))
            if ids:
                mentions.append(
                    _Mention(
                        words[i].start, words[i + n - 1].end, words[i].segment, ids, i, i + n - 1
                    )
                )
                i += n
                break
        else:
            i += 1
    return mentions


# Words that tie a fact to the title next to it ("the call is ₹999", "₹999 for the call");
# a separator between them ("₹999 and the call") loosens the tie.
_TIES = frozenset(
    "the a an my our your this that for is are at costs cost priced only just of its it's "
    "here book via on in".split()
)
_SEPARATORS = frozenset("and or but also plus then".split())
_FAR = 200  # characters: a title further than this from a fact is not "next to" it


def _gap_score(gap: str) -> int:
    """How loosely the text between a fact and a title ties them: the words in it that are
    not ties, plus a penalty for a separator. Looks at most _FAR characters."""
    if len(gap) > _FAR:
        return 1_000
    words = [_key(w.folded) for w in scan_words(gap)]
    score = sum(1 for w in words if w not in _TIES)
    if any(w in _SEPARATORS for w in words) or any(ch in gap for ch in ",;"):
        score += 5
    return score


def scan_words(text: str) -> list[Token]:
    return [t for t in scan(text).tokens if t.kind == "word"]


class _Nearby:
    """The title a fact is about, for facts visited in text order (one pass over the
    mentions per kind of fact): the better tied of the titles just before and just after
    it in its sentence, else the only service the text names, else None."""

    def __init__(self, text: str, mentions: list[_Mention]):
        self.text, self.mentions, self.k = text, mentions, 0
        named = set().union(*(m.ids for m in mentions)) if mentions else set()
        self.only = next(iter(named)) if len(named) == 1 else None

    def candidates(self, start: int, end: int, segment: int) -> set[str] | None:
        mentions = self.mentions
        while self.k < len(mentions) and mentions[self.k].end <= start:
            self.k += 1
        k = self.k
        before = mentions[k - 1] if k and mentions[k - 1].segment == segment else None
        if k < len(mentions) and mentions[k].start < end:
            k += 1  # a title that contains the fact is no neighbour
        after = mentions[k] if k < len(mentions) and mentions[k].segment == segment else None
        if before is not None and after is not None:
            before_score = _gap_score(self.text[before.end : start])
            after_score = _gap_score(self.text[end : after.start])
            return after.ids if after_score < before_score else before.ids
        if before is not None or after is not None:
            return (before or after).ids  # type: ignore[union-attr]
        return {self.only} if self.only else None


def _open_first(ids: set[str], lookups: ProfileLookups) -> set[str]:
    open_ids = ids & lookups.open_ids
    return open_ids or ids


# Saying a service is not available is honest: naming it then offers nothing.
_UNAVAILABLE = re.compile(
    r"sold out|not open|no longer|unavailable|fully booked|closed|ausgebucht|ausverkauft|"
    r"nicht verfügbar|agotad[oa]|completo|no está disponible|बिक गया|बिक चुका|उपलब्ध नहीं|"
    r"満席|売り切れ|受付終了|終了しました"
)


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end] (bounded look-around keeps it linear overall)."""
    left = max(text.rfind(stop, max(0, start - 300), start) for stop in ".!?。\n")
    rights = [i for stop in ".!?。\n" if (i := text.find(stop, end, end + 300)) != -1]
    return text[left + 1 : min(rights) if rights else end + 300]


def _service_findings(
    mentions: list[_Mention], lookups: ProfileLookups, text: str
) -> list[Finding]:
    found = []
    for mention in mentions:
        sentence = fold_for_matching(_sentence_around(text, mention.start, mention.end))
        if not mention.ids & lookups.open_ids and not _UNAVAILABLE.search(sentence):
            sid = min(mention.ids)
            found.append(
                finding(
                    SERVICE,
                    lookups.title(sid),
                    f"{lookups.title(sid)} {lookups.why_closed(sid)} and cannot be offered",
                )
            )
    return found


def _is_offering_noun(word: str) -> bool:
    return any(
        form in _OFFERING_NOUNS for form in (word, word.removesuffix("s"), word.removesuffix("es"))
    )


def _invented_services(
    facts: TextFacts, mentions: list[_Mention], lookups: ProfileLookups
) -> list[Finding]:
    """Capitalised names ending in a kind of offering ("VIP Mastermind") that are not a
    service's title: the text names a service the creator does not sell."""
    words = _phrase_words(facts.tokens)
    covered = set()
    for mention in mentions:
        covered.update(range(mention.first_token, mention.last_token + 1))
    found = []
    for i, word in enumerate(words):
        if not _is_offering_noun(word.folded):
            continue
        if i in covered or not word.text[:1].isupper():
            continue
        first = i
        while (
            first > 0
            and i - first < 5
            and words[first - 1].segment == word.segment
            and (words[first - 1].text[:1].isupper() or words[first - 1].kind == "num")
            and facts.text[words[first - 1].end : words[first].start].strip(" -") == ""
        ):
            first -= 1
        while first < i and words[first].folded in _STOPWORDS:
            first += 1  # "The Accelerator", "My Workshop": a reference, not a name
        if first == i or any(k in covered for k in range(first, i)):
            continue
        name = facts.text[words[first].start : word.end]
        found.append(
            finding(INVENTED_SERVICE, name, f"{name!r} is not a service in the creator's data")
        )
    return found


def _price_findings(
    facts: TextFacts, mentions: list[_Mention], lookups: ProfileLookups
) -> list[Finding]:
    found = []
    open_ids = sorted(lookups.open_ids)
    nearby = _Nearby(facts.text, mentions)
    for price in facts.prices:
        ids = nearby.candidates(price.start, price.start + len(price.text), price.segment)
        if ids is not None:
            ids = _open_first(ids, lookups)
            if any(lookups.price_matches(price, sid) for sid in ids):
                continue
            sid = min(ids)
            detail = (
                f"{price.text} is next to {lookups.title(sid)}, whose price is "
                f"{lookups.price_text(sid)}"
            )
        elif any(lookups.price_matches(price, sid) for sid in open_ids):
            continue
        else:
            detail = f"{price.text} is not the price of any open service"
        found.append(finding(PRICE, price.text, detail))
    return found


def _link_findings(
    facts: TextFacts, mentions: list[_Mention], lookups: ProfileLookups
) -> list[Finding]:
    found = []
    nearby = _Nearby(facts.text, mentions)
    for link in facts.links:
        found.extend(_link_finding(link, nearby, lookups))
    return found


def _link_finding(link: Link, nearby: _Nearby, lookups: ProfileLookups) -> list[Finding]:
    key = link_key(link.text)
    if key in lookups.links:
        sid = lookups.links[key]
        ids = nearby.candidates(link.start, link.start + len(link.text), link.segment)
        if sid is None or ids is None or sid in ids:
            return []
        near = min(_open_first(ids, lookups))
        return [
            finding(
                LINK,
                link.text,
                f"this is the booking link of {lookups.title(sid)}, next to {lookups.title(near)}",
            )
        ]
    if key in lookups.closed_links:
        sid = lookups.closed_links[key]
        return [
            finding(
                LINK,
                link.text,
                f"the booking link of {lookups.title(sid)}, which {lookups.why_closed(sid)}",
            )
        ]
    secure = "https://" + key.split("://", 1)[-1]
    if key.lower().startswith("http://") and link_key(secure) in lookups.links:
        return [finding(LINK, link.text, f"use the secure link {secure}, not http://")]
    if not link.has_scheme and link_key("https://" + key) in lookups.links:
        return [finding(LINK, link.text, f"write the full link https://{key}")]
    return [
        finding(LINK, link.text, "not a booking link of an open service nor the creator's profile")
    ]


def _count_findings(
    facts: TextFacts, mentions: list[_Mention], lookups: ProfileLookups
) -> list[Finding]:
    found = []
    average = lookups.ratings.get("average")
    count = lookups.ratings.get("count")
    for rating in facts.ratings:
        if average is None:
            found.append(finding(RATING, rating.text, "the creator has no rating yet"))
        elif abs(rating.value - float(average)) > 0.05 + 1e-9:
            found.append(
                finding(RATING, rating.text, f"the creator's rating is {float(average):g}")
            )
    for reviews in facts.review_counts:
        if not count or (
            reviews.value > count if reviews.at_least else abs(reviews.value - count) > 1e-9
        ):
            found.append(finding(RATING, reviews.text, f"the creator has {count or 0} ratings"))
    nearby = _Nearby(facts.text, mentions)
    for seats in facts.seat_counts:
        ids = nearby.candidates(seats.start, seats.start + len(seats.text), seats.segment)
        pool = _open_first(ids, lookups) if ids is not None else lookups.open_ids
        lefts = {lookups.services[sid].get("seats_left") for sid in pool} - {None}
        ok = any((left >= seats.value if seats.at_least else left == seats.value) for left in lefts)
        if not ok:
            detail = (
                f"seats left: {', '.join(str(x) for x in sorted(lefts))}"
                if lefts
                else "no seat count in the creator's data for this service"
            )
            found.append(finding(SEATS, seats.text, detail))
    return found


def _form_findings(facts: TextFacts) -> list[Finding]:
    found = [
        finding(CONTACT, e, "an e-mail address; contact goes through the booking link")
        for e in facts.emails
    ]
    found += [finding(CONTACT, p, "a phone or account number") for p in facts.phones]
    found += [
        finding(MARKUP, m, "markup or an HTML entity; write plain text") for m in facts.markup
    ]
    if facts.invisible:
        found.append(finding(MARKUP, "", f"{facts.invisible} invisible formatting character(s)"))
    return found


def _length_findings(body: str, subject: str | None, channel: str) -> list[Finding]:
    found = []
    if not body.strip():
        found.append(finding(LENGTH, "", "the message is empty"))
    if len(body) > MAX_LENGTH[channel]:
        found.append(
            finding(
                LENGTH,
                body[:40],
                f"the message is {len(body)} characters; {channel} allows {MAX_LENGTH[channel]}",
            )
        )
    if subject is not None and len(subject) > MAX_SUBJECT_LENGTH:
        found.append(
            finding(LENGTH, subject[:40], f"the subject is longer than {MAX_SUBJECT_LENGTH}")
        )
    return found


def check_with(
    lookups: ProfileLookups, text: str, channel: str, subject: str | None = None
) -> list[Finding]:
    """`check_rendered_text` with the profile's lookups built already (many texts, one
    profile)."""
    if channel not in MAX_LENGTH:
        raise ValueError(f"unknown channel {channel!r}")
    whole = f"{subject}\n{text}" if subject else text
    facts = scan(whole)
    mentions = _mentions(facts, lookups)
    findings = [
        *_length_findings(text, subject, channel),
        *_form_findings(facts),
        *_link_findings(facts, mentions, lookups),
        *_price_findings(facts, mentions, lookups),
        *_service_findings(mentions, lookups, facts.text),
        *_invented_services(facts, mentions, lookups),
        *_count_findings(facts, mentions, lookups),
    ]
    # A free service's price is "free": said of it, that is the fact, not an offer.
    free_mentioned = any(
        not lookups.services[sid]["price"]["amount"] for m in mentions for sid in m.ids
    )
    for check in WORDING_CHECKS:
        findings.extend(
            f
            for f in check(facts.text)
            if not (free_mentioned and f["rule"] == OFFER and fold_for_matching(f["text"]) in FREE)
        )
    unique = {(f["rule"], f["text"]): f for f in findings}
    return list(unique.values())


def check_rendered_text(
    text: str, profile: dict[str, Any], channel: str, subject: str | None = None
) -> list[Finding]:
    """The findings for `text` (and `subject`) as sent on `channel`; empty means it passes."""
    return check_with(ProfileLookups(profile), text, channel, subject)
