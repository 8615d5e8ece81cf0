"""Grounding and safety checks on a draft: every fact in it must come from the profile."""

from __future__ import annotations

from typing import Any

from domain.grounding import grounding_problems
from domain.offer import find_service

MAX_LENGTH = {"whatsapp": 1000, "email": 4000}
MAX_SUBJECT_LENGTH = 150


def check_draft_text(draft: dict[str, Any], profile: dict[str, Any], channel: str) -> list[str]:
    """Return the problems found; an empty list means the draft may go to the creator."""
    problems: list[str] = []
    body = draft.get("body") or ""
    subject = draft.get("subject") or ""
    text = f"{subject}\n{body}"

    if not body.strip():
        problems.append("the message is empty")
    if draft.get("channel") != channel:
        problems.append(
            f"the draft is for {draft.get('channel')} but the lead is reached by {channel}"
        )
    if len(body) > MAX_LENGTH[channel]:
        problems.append(
            f"the message is {len(body)} characters; {channel} allows {MAX_LENGTH[channel]}"
        )
    if channel == "email" and not subject.strip():
        problems.append("an email needs a subject")
    if len(subject) > MAX_SUBJECT_LENGTH:
        problems.append(f"the subject is longer than {MAX_SUBJECT_LENGTH} characters")

    problems.extend(grounding_problems(text, profile))

    for service_id in draft.get("service_ids") or []:
        service = find_service(profile, service_id)
        if service is None:
            problems.append(f"service {service_id} is not in the profile")
        elif not service["active"]:
            problems.append(f"{service['title']} is {service['status']} and cannot be offered")
    return problems
