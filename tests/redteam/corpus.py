"""The labelled red-team corpus: drafts (human edits and model answers) and model-written
profiles, each labelled bad (with the rule classes a correct check must report) or honest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from domain import findings as rules
from domain.profile_writing import WRITING_FIELDS

HERE = Path(__file__).parent
DRAFTS = HERE / "drafts.jsonl"
PROFILES = HERE / "profiles.jsonl"
CREATORS = HERE.parent / "fixtures" / "creators"

# Every rule class a corpus item can carry. NOT_JUDGED is a judge failure, not a property
# of a text, so no item carries it.
CORPUS_CLASSES = (*rules.FACT_RULES, *rules.WORDING_RULES, rules.MARKUP, rules.LENGTH, rules.SLOT)
# English, Hindi in Devanagari and in Latin script, Spanish, German, Japanese.
LANGUAGES = ("en", "hi", "hi-Latn", "es", "de", "ja")
PATHS = ("human", "model")
CHANNELS = ("whatsapp", "email")
LABELS = ("bad", "honest")

DRAFT_KEYS = {"id", "creator", "path", "channel", "subject", "body", "label", "classes", "language"}
PROFILE_KEYS = {"id", "creator", "writing", "label", "classes", "language"}


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def load_drafts() -> list[dict[str, Any]]:
    return _read(DRAFTS)


def load_profiles() -> list[dict[str, Any]]:
    return _read(PROFILES)


def fixture_creators() -> set[str]:
    return {p.stem for p in CREATORS.glob("*.json")}


def _label_problems(item: dict[str, Any]) -> list[str]:
    problems = []
    if item["label"] not in LABELS:
        problems.append(f"label {item['label']!r}")
    if item["label"] == "bad" and not item["classes"]:
        problems.append("a bad item names no class")
    if item["label"] == "honest" and item["classes"]:
        problems.append("an honest item names classes")
    unknown = set(item["classes"]) - set(CORPUS_CLASSES)
    if unknown:
        problems.append(f"unknown classes {sorted(unknown)}")
    if item["language"] not in LANGUAGES:
        problems.append(f"language {item['language']!r}")
    if item["creator"] not in fixture_creators():
        problems.append(f"creator {item['creator']!r} is not a fixture")
    return problems


def draft_problems(item: dict[str, Any]) -> list[str]:
    """What is malformed in one draft item (empty when it is well-formed)."""
    if set(item) != DRAFT_KEYS:
        return [f"keys {sorted(set(item) ^ DRAFT_KEYS)} differ from the contract"]
    problems = _label_problems(item)
    if item["path"] not in PATHS:
        problems.append(f"path {item['path']!r}")
    if item["channel"] not in CHANNELS:
        problems.append(f"channel {item['channel']!r}")
    if item["channel"] == "email" and not item["subject"]:
        problems.append("an email needs a subject")
    if item["channel"] == "whatsapp" and item["subject"] is not None:
        problems.append("a WhatsApp draft has no subject")
    if not isinstance(item["body"], str) or not item["body"].strip():
        problems.append("empty body")
    return problems


def profile_problems(item: dict[str, Any]) -> list[str]:
    if set(item) != PROFILE_KEYS:
        return [f"keys {sorted(set(item) ^ PROFILE_KEYS)} differ from the contract"]
    problems = _label_problems(item)
    missing = set(WRITING_FIELDS) - set(item["writing"])
    if missing:
        problems.append(f"writing lacks {sorted(missing)}")
    return problems
