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
# The keywords Twilio itself acts on: the number is then opted out of the whole sender,
# whichever creator's message it answers (a send to it fails with error 21610).
SENDER_STOP_KEYWORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit"}
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


def _normalized(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s'-]", " ", text.lower().replace("’", "'")).split())


def is_sender_stop(text: str | None) -> bool:
    """The whole message is one of Twilio's opt-out keywords."""
    return bool(text) and _normalized(text or "") in SENDER_STOP_KEYWORDS


def is_opt_out(text: str | None) -> bool:
    if not text:
        return False
    normalized = _normalized(text)
    if normalized in OPT_OUT_KEYWORDS:
        return True
    return any(phrase in normalized for phrase in OPT_OUT_PHRASES)
