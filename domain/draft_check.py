"""A drafter's message, rendered and checked: the drafter writes words and placeholders, code
writes every fact, and the words must pass the allowlist before anyone sees the message."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain import findings as rules
from domain.findings import Finding, finding
from domain.own_words import own_words_findings
from domain.slots import SlotRenderer, without_slots

MAX_LENGTH = {"whatsapp": 1000, "email": 4000}
MAX_SUBJECT_LENGTH = 150


def render_written_draft(
    written: dict[str, Any],
    profile: dict[str, Any],
    channel: str,
    first_name: str,
    today: date,
    booking: dict[str, str | None] | None = None,
) -> tuple[dict[str, Any], list[Finding]]:
    """(the draft as the creator will see it, what is wrong with it).

    `written` is what a drafter answered: `subject` and `body` with placeholders, and the
    `service_ids` it says it mentions. The rendered draft keeps that text under `written`.
    """
    renderer = SlotRenderer(profile, first_name, today, booking)
    found: list[Finding] = []
    rendered: dict[str, str | None] = {}
    service_ids: list[int] = []
    for part in ("subject", "body"):
        text = written.get(part) or ""
        found.extend(own_words_findings(without_slots(text), channel))
        result = renderer.render(text)
        found.extend(result.findings)
        service_ids.extend(i for i in result.service_ids if i not in service_ids)
        rendered[part] = result.text if written.get(part) is not None else None

    open_ids = {str(i) for i in service_ids}
    for service_id in written.get("service_ids") or []:
        if str(service_id) not in open_ids and str(service_id) not in renderer.open_ids:
            found.append(
                finding(rules.SERVICE, str(service_id), "is not a service open for booking")
            )
    found.extend(channel_findings(rendered.get("subject"), rendered.get("body") or "", channel))
    if written.get("channel") != channel:
        found.append(
            finding(rules.CHANNEL, str(written.get("channel")), f"the lead is reached by {channel}")
        )
    draft = {
        **written,
        "subject": rendered["subject"] if channel == "email" else None,
        "body": (rendered["body"] or "").strip(),
        "service_ids": service_ids,
        "written": {"subject": written.get("subject"), "body": written.get("body")},
    }
    return draft, found


def channel_findings(subject: str | None, body: str, channel: str) -> list[Finding]:
    """The channel's rules on the text as it will be sent."""
    found: list[Finding] = []
    if not body.strip():
        found.append(finding(rules.LENGTH, "", "the message is empty"))
    if len(body) > MAX_LENGTH[channel]:
        found.append(
            finding(rules.LENGTH, body[:40], f"{channel} allows {MAX_LENGTH[channel]} characters")
        )
    if channel == "email" and not (subject or "").strip():
        found.append(finding(rules.LENGTH, "", "an email needs a subject"))
    if subject and len(subject) > MAX_SUBJECT_LENGTH:
        found.append(
            finding(rules.LENGTH, subject[:40], f"longer than {MAX_SUBJECT_LENGTH} characters")
        )
    return found
