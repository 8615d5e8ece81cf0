"""The words of a digest that tells a creator what waits in their inbox.

It names no lead and quotes no draft: it goes through email or WhatsApp providers, and a
lead's data stays in the inbox, behind the sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

LINK_PLACEHOLDER = "{sign_in_link}"


@dataclass(frozen=True)
class Waiting:
    creator_name: str
    drafts: int
    profiles: int
    oldest_at: datetime


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def digest_subject(waiting: Waiting) -> str:
    parts = []
    if waiting.drafts:
        parts.append(_count(waiting.drafts, "draft waits", "drafts wait"))
    if waiting.profiles:
        parts.append(_count(waiting.profiles, "sales profile waits", "sales profiles wait"))
    return " and ".join(parts) + " for your approval"


def digest_body(waiting: Waiting, every_min: float, link_hours: float) -> str:
    """The text with LINK_PLACEHOLDER where the sign-in link goes (the stored copy keeps the
    placeholder: the link signs in, so it lives only in the message)."""
    oldest = waiting.oldest_at.strftime("%d %b %H:%M UTC")
    return (
        f"Hi {waiting.creator_name},\n\n"
        f"{digest_subject(waiting)} in your Creator Agents inbox (the oldest since {oldest}).\n\n"
        f"Open your inbox (this link signs you in once, within {link_hours:g} hours):\n"
        f"{LINK_PLACEHOLDER}\n\n"
        f"You get at most one of these every {every_min:g} minutes, and only when something "
        "new waits. You can turn them off in your inbox's settings."
    )
