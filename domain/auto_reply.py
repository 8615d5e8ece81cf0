"""Recognising an automatic answer (out of office, "this is an automated message").

An auto-reply is neither answered nor counted as the lead's reply. Conservative on purpose:
a person who writes "I'll be out of office next week, can we talk after?" or "is this an
automated message?" is answering, so a false positive (silence to a real lead) is worse than
a missed autoresponder (one draft the creator can reject).
"""

from __future__ import annotations

import re

from domain.normalize import normalize

# Looked at: the start of a long message is enough, and keeps the matching linear and cheap.
SCANNED_CHARS = 2000

# How mail clients title an automatic answer, when the message starts with it
# ("Automatic reply: Re: your call", "Out of Office: ...", "Abwesenheitsnotiz: ...").
_TITLE = re.compile(
    r"^\W*(?:automatic reply|auto[- ]?reply|auto[- ]?response|automated reply|"
    r"automated response|out of (?:the )?office(?: auto[- ]?reply)?|ooo|"
    r"abwesenheitsnotiz|automatische antwort|respuesta autom[aá]tica|"
    r"r[ée]ponse automatique|risposta automatica)\s*:"
)
# The message says what it is, at the start of a sentence (after an optional greeting):
# "This is an automated message." but not "I know this is an automated message, but...".
_SAYS_AUTOMATIC = re.compile(
    r"(?:^|[.!\n]\s*)(?:(?:hi|hello|dear \w+|greetings|thank you|thanks)\W+)?"
    r"this (?:is an? |message is an? |email is an? |e-mail is an? )"
    r"(?:automated|automatic|auto-generated|automatically generated|auto[- ]?reply|"
    r"auto[- ]?response|autoresponder)\b"
    r"|(?:^|[.!\n]\s*)this (?:message|email|e-mail|reply|response) (?:is|was|has been) "
    r"(?:sent |generated )?(?:automatically|auto-generated|automatically generated)\b"
    r"|\b(?:please )?do not reply to this (?:automated |automatic )?(?:message|email|e-mail)\b"
    r"|\bthis mailbox is (?:not |un)monitored\b"
)
# "I am currently away / out of the office / on leave ...": a person can say it too, so it
# counts only with a promise to answer later (below) and no question.
_AWAY = re.compile(
    r"\b(?:i am|i'm|im|we are|we're)\s+(?:currently\s+|now\s+)?"
    r"(?:out of (?:the )?office|ooo|away(?: from (?:the office|my desk|work))?|"
    r"on (?:annual |parental |maternity |paternity |sick |study )?leave|"
    r"on (?:vacation|holiday|holidays)|travell?ing|unavailable|not available|"
    r"not in the office|offline)\b"
)
_ANSWER_LATER = re.compile(
    r"\b(?:i|we|and)(?: will|'ll| shall)\s+(?:\w+\s+){0,3}?"
    r"(?:respond|reply|get back to you|answer|return your)\b"
    r"|\blimited (?:access|connectivity)\b"
    r"|\bno access to (?:e-?mail|email|my (?:e-?mail|phone|messages))\b"
    r"|\bin my absence\b"
    r"|\bfor (?:urgent|immediate) (?:matters|assistance|requests|queries|enquiries|inquiries)\b"
    r"|\bif (?:this|your (?:message|email|e-mail|matter|request)) is urgent\b"
)
_SENTENCE_END = re.compile(r"[.!?\n]")


def _normalized(text: str) -> str:
    """As a reader sees it (domain.normalize), lower case, one kind of apostrophe, runs of
    spaces as one (line breaks kept: they start sentences)."""
    text = normalize(text[:SCANNED_CHARS]).lower().replace("’", "'")
    return re.sub(r"[ \t]+", " ", text)


def _says_automatic(text: str) -> bool:
    """A sentence that says the message is automatic, not one that asks whether it is."""
    for match in _SAYS_AUTOMATIC.finditer(text):
        end = _SENTENCE_END.search(text, match.end())
        if end is None or end.group() != "?":
            return True
    return False


def is_auto_reply(text: str | None) -> bool:
    """Is this inbound message an autoresponder's, not the lead's own answer?"""
    if not text:
        return False
    normalized = _normalized(text)
    if _TITLE.search(normalized) or _says_automatic(normalized):
        return True
    return (
        "?" not in normalized
        and _AWAY.search(normalized) is not None
        and _ANSWER_LATER.search(normalized) is not None
    )
