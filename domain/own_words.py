"""The allowlist for a model's own words (its text with the placeholders taken out).

A model may write sentences, not facts: after normalising (NFKC, no format characters) its
words hold no digit in any script, no currency sign or word, no link, domain, e-mail address
or phone number, no markup or HTML entity, and stay within the channel's length. Whatever
needs a number or a link goes through a placeholder (domain.slots). Every pattern here is a
single pass with bounded repetition: linear in the text.
"""

from __future__ import annotations

import re
import unicodedata

from domain import findings as rules
from domain.findings import Finding, finding
from domain.normalize import fold_for_matching, normalize
from domain.spelled_facts import spelled_fact_findings

MAX_OWN_WORDS = {"whatsapp": 900, "email": 3500}

_CURRENCY_WORDS = re.compile(
    r"\b(?:rupees?|rs|inr|usd|dollars?|bucks|euros?|eur|pounds?|gbp|quid|pesos?|yen|jpy|"
    r"rupaye|rupaiye|rupiya|paise|cents?|dólares?|euro|tenner|fiver)\b"
    r"|रुपये|रुपए|रुपया|रु\.|ドル|ユーロ|円|ポンド|ルピー"
)
# Top-level domains as people spell addresses out ("example dot com").
_SPOKEN_TLDS = "com|in|io|net|org|co|me|de|es|uk|jp|fr|ai|app|dev|coach|example|info|biz"
# ASCII boundaries, not \b: in Japanese or Hindi text a domain touches the letters around it.
_LINK = re.compile(
    # Short schemes only as words of their own: "hotel:", "metadata:", "Ottawa:" are text.
    r"(?:https?|ftp|javascript|mailto|whatsapp)\s{0,2}:|(?<![a-z0-9])(?:tel|data|wa)\s{0,2}:"
    r"|www\.|wa\.me"
    # A bare domain: label.label, the last one letters only ("e.g." and "i.e." are not).
    r"|(?<![a-z0-9-])(?!e\.g\b|i\.e\b)[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){0,5}"
    r"\.[a-z]{2,24}(?![a-z0-9-])"
    # Spelled out: "example dot com", "ajay dot coach slash call".
    rf"|(?<![a-z])dot\s{{1,3}}(?:{_SPOKEN_TLDS})(?![a-z])|\s(?:slash|punkt|punto)\s"
)
_EMAIL_OR_HANDLE = re.compile(
    r"[^\s@]{1,64}@[^\s@]{1,255}|(?:^|\s)@[a-z0-9_.]{2,30}"
    r"|[\(\[]\s{0,2}(?:at|dot)\s{0,2}[\)\]]"
    rf"|(?<![a-z])at\s{{1,3}}[a-z0-9-]{{2,63}}\s{{1,3}}dot\s{{1,3}}(?:{_SPOKEN_TLDS})(?![a-z])"
)
_MARKUP = re.compile(r"<\s{0,3}[a-z/!?]|&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,10});|\]\(|\*\*|__|`")


def _has_digit(text: str) -> bool:
    # Any script: Devanagari ९, Arabic-Indic ٩, full-width (folded by NFKC), Roman numerals Ⅸ...
    return any(unicodedata.category(ch) in ("Nd", "Nl", "No") for ch in text)


def own_words_findings(words: str, channel: str) -> list[Finding]:
    """Findings on a model's own words (placeholders already removed)."""
    text = normalize(words)
    folded = fold_for_matching(words)
    found: list[Finding] = []
    if _has_digit(text):
        found.append(finding(rules.DIGITS, _first_digit_run(text), "a number in the model's words"))
    currency = next((ch for ch in text if unicodedata.category(ch) == "Sc"), None)
    if currency is not None:
        found.append(finding(rules.PRICE, currency, "a currency sign in the model's words"))
    elif match := _CURRENCY_WORDS.search(folded):
        found.append(finding(rules.PRICE, match.group(0), "a currency in the model's words"))
    if match := _EMAIL_OR_HANDLE.search(folded):
        found.append(finding(rules.CONTACT, match.group(0).strip(), "a contact address"))
    if match := _LINK.search(folded):
        found.append(finding(rules.LINK, match.group(0), "a link in the model's words"))
    found.extend(spelled_fact_findings(text, folded))
    if match := _MARKUP.search(folded):
        found.append(finding(rules.MARKUP, match.group(0), "markup in a plain-text message"))
    limit = MAX_OWN_WORDS[channel]
    if len(text) > limit:
        found.append(finding(rules.LENGTH, text[:40], f"longer than {limit} characters"))
    return found


def _first_digit_run(text: str) -> str:
    start = next(i for i, ch in enumerate(text) if unicodedata.category(ch) in ("Nd", "Nl", "No"))
    return text[max(0, start - 10) : start + 10]
