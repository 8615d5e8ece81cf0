"""Review findings on creator data as it comes in: a display name or a service title is a
name, not an advert. "Priya Rao | 50 percent off today" carries an offer; a title with a
price, a link, an e-mail address or a phone number carries a fact that belongs elsewhere
(or nowhere). Reported to the creator; the data is still taken (it is theirs to fix).
"""

from __future__ import annotations

from domain.findings import CONTACT, LINK, OFFER, PRICE, Finding, finding
from domain.human_check import WORDING_CHECKS
from domain.marketplace import MarketplaceCreator
from domain.normalize import fold_for_matching
from domain.text_facts import TextFacts, scan

# Words that make a name an advert. Wider wording checks come through WORDING_CHECKS.
_OFFER_WORDS = frozenset(
    fold_for_matching(w)
    for w in (
        "discount discounts discounted sale deal deals coupon coupons promo promocode offer "
        "offers cashback bogo free freebie giveaway bonus"
    ).split()
)
_PERCENT_WORDS = frozenset(("percent", "per-cent", "pct"))


def _offer_words(facts: TextFacts) -> list[str]:
    """The words that make an offer: offer words, percentages ("50% off")."""
    words = [t for t in facts.tokens if t.kind in ("word", "num")]
    found = [t.text for t in words if t.folded in _OFFER_WORDS]
    for i, token in enumerate(words):
        if token.kind != "num":
            continue
        after = facts.text[token.end : token.end + 2].lstrip()
        following = words[i + 1].folded if i + 1 < len(words) else ""
        if after.startswith("%") or following in _PERCENT_WORDS:
            found.append(f"{token.text}%")
    return found


def name_findings(path: str, text: str, free_ok: bool = False) -> list[Finding]:
    """Findings for one name or title at `path` ("user.display_name")."""
    facts = scan(text)
    found: list[Finding] = []
    offers = [w for w in _offer_words(facts) if not (free_ok and fold_for_matching(w) == "free")]
    if offers:
        found.append(finding(OFFER, text, f"{path} carries an offer ({offers[0]!r})"))
    for price in facts.prices:
        found.append(finding(PRICE, text, f"{path} carries a price ({price.text!r})"))
    for link in facts.links:
        found.append(finding(LINK, text, f"{path} carries a link ({link.text!r})"))
    for contact in facts.emails + facts.phones:
        found.append(finding(CONTACT, text, f"{path} carries contact details ({contact!r})"))
    for check in WORDING_CHECKS:
        found.extend(
            finding(f["rule"], text, f"{path}: {f['detail']}")
            for f in check(facts.text)
            # An offer is reported once; a free service's "free" is a fact, not an offer.
            if f["rule"] != OFFER or not (offers or free_ok)
        )
    return found


def intake_findings(data: MarketplaceCreator) -> list[Finding]:
    """Review findings for the creator's display name and service titles."""
    found = name_findings("user.display_name", data.user.display_name)
    for i, service in enumerate(data.services):
        # A free service may say so in its title; any other "free" is an offer.
        found += name_findings(
            f"services.{i}.title", service.title, free_ok=service.price.amount == 0
        )
    return found
