"""Is a creator's name or title safe to render into a message?

Names and titles are facts a draft may carry ({{creator_name}}, {{title:ID}}), but they are
also creator text: "Priya Rao | 50 percent off today" is a name carrying an offer. Intake
reports such names to the creator (domain.intake); until they fix them, rendering uses a
plain form of the name, and a title that is an advert is not named at all.
"""

from __future__ import annotations

import functools
import re

from domain import findings as rules
from domain.lexicon import lexicon_findings
from domain.own_words import own_words_findings

# Facts and claims a name must not carry. Digits are allowed: "(6 weeks)", "1:1 call".
_FACT_RULES = {rules.PRICE, rules.LINK, rules.CONTACT, rules.MARKUP}
_CLAIM_RULES = {rules.OFFER, rules.GUARANTEE, rules.URGENCY, rules.OFF_PLATFORM}
_FREE_WORDS = {"free", "gratis", "kostenlos", "gratuito", "gratuita", "無料", "मुफ्त"}
# Where an advert usually starts in a name: "Priya Rao | 50% off", "Ajay - today only".
_SEPARATOR = re.compile(r"\s[|•·–—-]\s|\s?[|•·]\s?|[:(\[]")


# Pure, and asked for every open service each time a draft is rendered: a creator's titles
# are judged once per process, not once per event (200 titles took 37 ms a draft).
@functools.lru_cache(maxsize=4096)
def name_is_clean(name: str, free_ok: bool = False) -> bool:
    """No price, link, contact or markup, and no offer, guarantee, urgency or off-platform
    claim (a free service may say it is free)."""
    if any(f["rule"] in _FACT_RULES for f in own_words_findings(name, "email")):
        return False
    return not any(
        f["rule"] in _CLAIM_RULES
        and not (free_ok and f["rule"] == rules.OFFER and f["text"].casefold() in _FREE_WORDS)
        for f in lexicon_findings(name)
    )


@functools.lru_cache(maxsize=1024)
def display_name_for_messages(name: str) -> str | None:
    """The creator's name as a message may say it: the name itself, or the part before the
    advert ("Priya Rao"), or None when no clean part is left."""
    if name_is_clean(name):
        return name
    head = _SEPARATOR.split(name, maxsplit=1)[0].strip()
    return head if head and name_is_clean(head) else None
