"""The wording lexicon: offers, guarantees, urgency, social proof and off-platform requests,
in English, Hindi (Devanagari and Latin script), Spanish, German and Japanese.

It covers the judge's rubric when no model is configured, and runs beside the model judge
(it is cheap and catches what a model misses). It reads `fold_for_matching` text, so
zero-width characters and Cyrillic look-alikes cannot split or disguise a word.

Linear in the text: one `finditer` over one compiled pattern built from tries of literal
phrases (no unbounded quantifier anywhere, so no backtracking trap), then a look at a
bounded window around each match for a negation. The phrases are in domain.lexicon_terms.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from domain.findings import (
    GUARANTEE,
    OFF_PLATFORM,
    OFFER,
    SOCIAL_PROOF,
    URGENCY,
    Finding,
    finding,
)
from domain.lexicon_terms import (
    FILLERS,
    HONEST,
    NEGATORS_AFTER,
    NEGATORS_BEFORE,
    PATTERNS,
    TERMS,
)
from domain.normalize import fold_for_matching, normalize

# Enough for a person to see what is wrong; a hostile text cannot grow the answer.
MAX_FINDINGS = 50

DETAILS = {
    OFFER: "an offer, discount or free claim that no fact backs",
    GUARANTEE: "a guarantee or promise of results",
    URGENCY: "urgency or scarcity wording",
    SOCIAL_PROOF: "social proof (numbers of students, fame, bestsellers) that no fact backs",
    OFF_PLATFORM: "a request to pay or get in touch outside the booking link",
}

_LATIN = "a-z0-9_\u00c0-\u024f"  # folded text is lower case
_DEVANAGARI = "\u0900-\u097f"
_SEPARATOR = "[\\s\\-\u2010\u2011\u2013\u2014]"
# How far around a match a negation is looked for, in characters and in words.
_WINDOW = 48
_MAX_WORDS = 4
_CLAUSE_BREAKS = frozenset('.!?;:,()[]{}"|\n—–…¿¡。、！？')


def _is_latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_") or "\u00c0" <= ch <= "\u024f"


def _is_devanagari(ch: str) -> bool:
    return "\u0900" <= ch <= "\u097f"


def _char_regex(ch: str) -> str:
    if ch == " ":
        return _SEPARATOR + "{1,3}"
    if ch == "-":
        return _SEPARATOR + "{0,3}"
    if ch == "'":
        return "['\u2019]?"
    return re.escape(ch)


def _trie_regex(entries: list[tuple[str, str]]) -> str:
    """One alternation of literal phrases, factored by common prefix so the engine looks at
    each character once per depth: (literal, suffix regex) pairs; longer phrases first."""
    trie: dict[str, Any] = {}
    for literal, suffix in entries:
        node = trie
        for ch in literal:
            node = node.setdefault(ch, {})
        node.setdefault("", set()).add(suffix)

    def render(node: dict[str, Any]) -> str:
        branches = [_char_regex(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        branches += sorted(node.get("", ()), key=lambda s: (-len(s), s))
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    # A position whose character starts no phrase fails on one class test, not on a scan
    # of every branch.
    first = "".join(re.escape(ch) for ch in sorted(trie))
    return f"(?=[{first}]){render(trie)}"


def _phrase_group(phrases: list[str]) -> str:
    """Latin phrases match whole words, Devanagari ones do not start inside a word,
    Japanese ones match anywhere."""
    latin, devanagari, other = [], [], []
    for raw in phrases:
        stem = raw.endswith("*")
        literal = fold_for_matching(raw.rstrip("*"))
        if stem:
            suffix = f"[{_LATIN}]{{0,20}}"
        elif _is_latin(literal[-1]):
            suffix = f"(?![{_LATIN}])"
        else:
            suffix = ""
        if _is_latin(literal[0]):
            latin.append((literal, suffix))
        elif _is_devanagari(literal[0]):
            devanagari.append((literal, suffix))
        else:
            other.append((literal, suffix))
    parts = []
    if latin:
        parts.append(f"(?<![{_LATIN}]){_trie_regex(latin)}")
    if devanagari:
        parts.append(f"(?<![{_DEVANAGARI}]){_trie_regex(devanagari)}")
    if other:
        parts.append(_trie_regex(other))
    return "|".join(parts)


@cache
def _scanner() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    """The one pattern, built on first use: honest phrases first, so "feel free" is taken
    whole before "free" can match inside it."""
    groups: list[tuple[tuple[str, ...], str]] = [
        ((), _phrase_group([p for phrases in HONEST.values() for p in phrases]))
    ]
    for classes, by_language in TERMS.items():
        body = _phrase_group([p for phrases in by_language.values() for p in phrases])
        extra = [unicodedata.normalize("NFKC", p) for p in PATTERNS.get(classes, ())]
        groups.append((classes, "|".join([body, *extra])))
    for classes, patterns in PATTERNS.items():
        if classes not in TERMS:
            groups.append((classes, "|".join(unicodedata.normalize("NFKC", p) for p in patterns)))
    names = {f"g{i}": classes for i, (classes, _) in enumerate(groups)}
    pattern = "|".join(f"(?P<g{i}>{body})" for i, (_, body) in enumerate(groups))
    return re.compile(pattern), names


def prepare_scanner() -> None:
    """Build the pattern now (about 0.3 s of CPU), at a process's start, rather than in the
    first draft or upload that needs it."""
    _scanner()


def _clause_words(window: str, before: bool) -> list[str]:
    """The words of the window that are in the match's own clause, nearest first."""
    cut = window
    indexes = range(len(window) - 1, -1, -1) if before else range(len(window))
    for i in indexes:
        if window[i] in _CLAUSE_BREAKS:
            cut = window[i + 1 :] if before else window[:i]
            break
    words = [w.strip("'\"*_~") for w in cut.replace("\u2019", "'").split()]
    words = [w for w in words if w]
    return list(reversed(words))[:_MAX_WORDS] if before else words[:_MAX_WORDS]


def _negated_by(words: list[str], negators: frozenset[str]) -> bool:
    for word in words:
        if word in negators:
            return True
        if word not in FILLERS:
            return False
    return False


def _negated(folded: str, start: int, end: int) -> bool:
    before = _clause_words(folded[max(0, start - _WINDOW) : start], before=True)
    after = _clause_words(folded[end : end + _WINDOW], before=False)
    return _negated_by(before, NEGATORS_BEFORE) or _negated_by(after, NEGATORS_AFTER)


def lexicon_findings(text: str) -> list[Finding]:
    """Findings for the claims in `text` (at most MAX_FINDINGS); each finding's `text` is the
    matched piece, for people only: never send it to a model."""
    if not text:
        return []
    pattern, names = _scanner()
    folded = fold_for_matching(text)
    shown: str | None = None
    found: list[Finding] = []
    for match in pattern.finditer(folded):
        classes = names[match.lastgroup or ""]
        if not classes or _negated(folded, match.start(), match.end()):
            continue
        if shown is None:
            # Casefolding can lengthen a text ("ß" -> "ss"); only when it did not do
            # positions in the folded text point into the readable one.
            readable = normalize(text)
            shown = readable if len(readable) == len(folded) else folded
        piece = shown[match.start() : match.end()]
        found.extend(finding(rule, piece, DETAILS[rule]) for rule in classes)
        if len(found) >= MAX_FINDINGS:
            break
    return found[:MAX_FINDINGS]
