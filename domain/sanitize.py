"""Creator text is data: what comes in from the marketplace is stored as a reader sees it,
NFKC-normalised, without format characters (zero-width, bidi), control characters, HTML
tags or entities. Linear in the text."""

from __future__ import annotations

import html
import re
import unicodedata

from domain.normalize import normalize

# A tag: "<" then a letter ("/" or "?" before it) or "!", up to the next ">" (never past
# another "<"). "a < b > c" is text, as a browser reads it.
_TAG = re.compile(r"<(?:[/?]?[A-Za-z]|!)[^<>]*+>")
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});?")
# Rounds of unescaping: "&amp;lt;b&amp;gt;" needs two to show its tag. Text still holding
# tags or entities after these loses its "<", ">" and "&" instead.
_ROUNDS = 3
_KEPT_CONTROLS = {"\n", "\t"}


def _without_controls(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(
        ch for ch in text if ch in _KEPT_CONTROLS or unicodedata.category(ch) not in ("Cc", "Cf")
    )


def _clean_round(text: str) -> str:
    return _without_controls(normalize(_TAG.sub("", html.unescape(normalize(text)))))


def clean_text(text: str) -> str:
    """`text` as a reader sees it: normalised, no tags, entities or invisible characters.
    Idempotent: clean_text(clean_text(x)) == clean_text(x)."""
    for _ in range(_ROUNDS):
        cleaned = _clean_round(text)
        if cleaned == text:
            return text
        text = cleaned
    if _TAG.search(text) or _ENTITY.search(text):
        text = text.translate(str.maketrans("", "", "<>&"))
    return text


def clean_json(value: object) -> object:
    """Every string in a JSON value (dict keys included) cleaned; walked once."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean_json(v) for k, v in value.items()}
    return value
