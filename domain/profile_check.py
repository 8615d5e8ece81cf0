"""Checks on a written profile before the creator reviews it: no price, link, offer or
claim that the marketplace data does not support, and nothing copied from instructions
hidden in the creator's text."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.findings import GENERIC_FEEDBACK, LENGTH
from domain.human_check import ProfileLookups, check_with
from domain.profile_writing import WRITING_FIELDS
from domain.slots import SlotRenderer


def field_texts(writing: dict[str, Any]) -> dict[str, str]:
    """Each writing field as one text, whatever its shape. Of an objection only the answer
    is the agent's words: the objection is the lead's ("Is there a discount?")."""
    texts = {}
    for name in WRITING_FIELDS:
        value = writing.get(name)
        if isinstance(value, list):
            value = "\n".join(
                str(v.get("answer", "")) if isinstance(v, dict) else str(v) for v in value
            )
        texts[name] = str(value or "")
    return texts


def profile_feedback(problems: list[str]) -> str:
    """'sales_pitch: Make no offer, ...' for each field and rule class that failed."""
    lines = {}
    for problem in problems:
        field, _, rest = problem.partition(": ")
        rule = rest.partition(": ")[0]
        if rule in GENERIC_FEEDBACK:
            lines[(field, rule)] = f"{field}: {GENERIC_FEEDBACK[rule]}"
        else:
            lines[(field, "")] = problem  # e.g. "summary is empty": says nothing to route around
    return " ".join(lines.values())


def rendered_profile_text(writing: dict[str, Any], facts: dict[str, Any]) -> str:
    """The profile's fields as a reader sees them, placeholders rendered: what a judge reads."""
    renderer = SlotRenderer(facts, "there", datetime.now(UTC).date())
    return "\n".join(
        f"{name}: {renderer.render(text).text}" for name, text in field_texts(writing).items()
    )


def check_profile_writing(writing: dict[str, Any], facts: dict[str, Any]) -> list[str]:
    problems = []
    texts = field_texts(writing)
    if not texts["summary"].strip():
        problems.append("summary is empty")
    # Each field is read as a creator's own text would be (domain.human_check): prices next
    # to their own service, links, contacts, closed or invented services, ratings, seats, and
    # the wording lexicon. Length is the writing model's business, not a fact.
    # A model may write facts as placeholders ({{price:101}}): they are rendered from the data
    # first, and a placeholder that names no open service is a problem like any other.
    today = datetime.now(UTC).date()
    lookups = ProfileLookups(facts, today)
    renderer = SlotRenderer(facts, "there", today)
    for name, text in texts.items():
        rendered = renderer.render(text)
        found = rendered.findings + check_with(lookups, rendered.text, "email")
        problems.extend(f"{name}: {f['rule']}: {f['detail']}" for f in found if f["rule"] != LENGTH)
    return problems
