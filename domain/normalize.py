"""One normaliser for every text check: what the checks see is what a reader sees.

NFKC folds compatibility forms (full-width digits, ligatures, circled numbers, superscripts)
into plain ones; format characters (zero-width spaces and joiners, bidi controls, soft
hyphens: Unicode category Cf) are removed, so they cannot split a word a check looks for.
Linear in the text.
"""

from __future__ import annotations

import unicodedata

# Cyrillic and Greek letters that look like Latin ones, folded so "Frее" (Cyrillic е) reads
# as "Free" to the word checks. Only for matching: text shown to people is never changed.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
        "ј": "j", "ѕ": "s", "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S",
        "ο": "o", "α": "a", "ν": "v", "ι": "i", "κ": "k", "τ": "t", "ρ": "p",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    }
)  # fmt: skip


# Stands where a placeholder was (domain.slots.without_slots), so a word check can tell "my
# course" (a service named in the model's words) from "my {{title:103}} course" (a real one).
# A private-use character: no check matches it and normalising keeps it.
SLOT_MARK = "\ue000"


def strip_format_characters(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def normalize(text: str) -> str:
    """NFKC, without format characters: the form stored at intake and checked everywhere."""
    return strip_format_characters(unicodedata.normalize("NFKC", text))


def fold_for_matching(text: str) -> str:
    """`normalize`, lower-cased, with Latin look-alikes folded: only for word checks."""
    return normalize(text).translate(_CONFUSABLES).casefold()
