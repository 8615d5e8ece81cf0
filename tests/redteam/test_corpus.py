"""The red-team corpus is well-formed, and the service meets the issue's targets on it."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from tests.redteam.corpus import (
    CORPUS_CLASSES,
    draft_problems,
    load_drafts,
    load_profiles,
    profile_problems,
)
from tests.redteam.report import targets
from tests.redteam.run import run_all

DRAFTS = load_drafts()
PROFILES = load_profiles()


def test_ids_are_unique_across_the_corpus():
    ids = Counter(item["id"] for item in DRAFTS + PROFILES)
    assert [i for i, n in ids.items() if n > 1] == []


@pytest.mark.parametrize("item", DRAFTS, ids=lambda item: item["id"])
def test_each_draft_follows_the_contract(item):
    assert draft_problems(item) == []


@pytest.mark.parametrize("item", PROFILES, ids=lambda item: item["id"])
def test_each_profile_follows_the_contract(item):
    assert profile_problems(item) == []


def test_the_corpus_is_large_enough():
    assert len(DRAFTS) >= 300
    assert len(PROFILES) >= 100
    assert sum(item["label"] == "honest" for item in DRAFTS) >= 82
    for path in ("human", "model"):
        labels = Counter(item["label"] for item in DRAFTS if item["path"] == path)
        assert labels["bad"] >= 100 and labels["honest"] >= 30, (path, labels)


def test_every_class_is_covered_in_at_least_three_languages():
    languages = defaultdict(set)
    for item in DRAFTS:
        for rule in item["classes"]:
            languages[rule].add(item["language"])
    thin = {rule: sorted(languages[rule]) for rule in CORPUS_CLASSES if len(languages[rule]) < 3}
    assert thin == {}


def test_model_drafts_state_facts_only_through_slots_when_honest():
    # An honest model draft has no digit of its own: every number comes from a slot.
    for item in DRAFTS:
        if item["path"] == "model" and item["label"] == "honest":
            words = item["body"]
            while "{{" in words:
                start = words.index("{{")
                words = words[:start] + words[words.index("}}", start) + 2 :]
            assert not any(ch.isdigit() for ch in words), item["id"]


async def test_targets(database_url):
    """The whole corpus through the service: the issue's targets hold (see docs/trust.md)."""
    results, scenario = await run_all(database_url)
    failed = [f"{t.name}: {t.measured} (wanted {t.wanted})" for t in targets(results) if not t.ok]
    failed += [f"{name}: {detail}" for name, ok, detail in scenario if not ok]
    assert failed == []
