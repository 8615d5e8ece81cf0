"""Checks on a written profile before the creator reviews it: no price, link, offer or
claim that the marketplace data does not support, and nothing copied from instructions
hidden in the creator's text."""

from __future__ import annotations

from typing import Any

from domain.grounding import Grounding
from domain.profile_writing import WRITING_FIELDS


def field_texts(writing: dict[str, Any]) -> dict[str, str]:
    """Each writing field as one text, whatever its shape."""
    texts = {}
    for name in WRITING_FIELDS:
        value = writing.get(name)
        if isinstance(value, list):
            value = "\n".join(
                f"{v.get('objection', '')} {v.get('answer', '')}" if isinstance(v, dict) else str(v)
                for v in value
            )
        texts[name] = str(value or "")
    return texts


def check_profile_writing(writing: dict[str, Any], facts: dict[str, Any]) -> list[str]:
    problems = []
    texts = field_texts(writing)
    if not texts["summary"].strip():
        problems.append("summary is empty")
    grounding = Grounding(facts)
    for name, text in texts.items():
        problems.extend(f"{name}: {problem}" for problem in grounding.problems(text))
    return problems
