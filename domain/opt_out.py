"""Recognising an inbound message that asks us to stop."""

from __future__ import annotations

import re

# Carrier-standard keywords, when they are the whole message.
OPT_OUT_KEYWORDS = {
    "stop",
    "stopall",
    "stop all",
    "unsubscribe",
    "cancel",
    "end",
    "quit",
    "opt out",
    "optout",
    "opt-out",
    "remove",
    "remove me",
}
# Plain refusals anywhere in a message.
OPT_OUT_PHRASES = (
    "unsubscribe",
    "stop messaging",
    "stop texting",
    "stop sending",
    "stop contacting",
    "do not contact",
    "don't contact",
    "dont contact",
    "do not message",
    "don't message",
    "dont message",
    "leave me alone",
    "not interested",
    "remove me from",
    "opt me out",
)


def is_opt_out(text: str | None) -> bool:
    if not text:
        return False
    normalized = re.sub(r"[^\w\s'-]", " ", text.lower().replace("’", "'"))
    normalized = " ".join(normalized.split())
    if normalized in OPT_OUT_KEYWORDS:
        return True
    return any(phrase in normalized for phrase in OPT_OUT_PHRASES)
