"""The grounding check does work linear in the number of services: a profile's lookups are
built once, reading each service a bounded number of times, and checking a text never goes
back to the services."""

from __future__ import annotations

from typing import Any

import pytest

import domain.profile
from domain.grounding import Grounding
from domain.marketplace import MarketplaceCreator
from domain.profile import build_facts
from tests.conftest import load_creator


class CountingService(dict):
    """A service of a profile that counts every read of one of its fields."""

    reads = 0

    def __getitem__(self, key: str) -> Any:
        CountingService.reads += 1
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        CountingService.reads += 1
        return super().get(key, default)


def _profile(services: int) -> dict[str, Any]:
    return {
        "profile_url": "https://marketplace.example/coach",
        "services": [
            CountingService(
                id=i,
                title=f"Topic {i} Strategy Call",
                active=True,
                price={"amount": 100 + i, "currency": "USD"},
                booking_url=f"https://marketplace.example/coach/{i}",
            )
            for i in range(services)
        ],
    }


def _descriptions(services: int) -> list[str]:
    return [
        f"Book the Topic {i} Strategy Call for $10{i % 10} at "
        f"https://marketplace.example/coach/{i} or the VIP Mastermind"
        for i in range(services)
    ]


@pytest.mark.parametrize("services", [10, 1000])
def test_lookups_read_each_service_a_few_times_and_texts_never_read_services(services):
    CountingService.reads = 0
    grounding = Grounding(_profile(services))
    assert CountingService.reads <= 8 * services  # a constant per service, not per pair

    CountingService.reads = 0
    for text in _descriptions(services):
        assert grounding.problems(text)  # the VIP Mastermind is invented
    assert CountingService.reads == 0


def test_build_facts_builds_the_lookups_once_for_all_descriptions(monkeypatch):
    built = []

    class CountingGrounding(Grounding):
        def __init__(self, profile: dict[str, Any]):
            built.append(1)
            super().__init__(profile)

    monkeypatch.setattr(domain.profile, "Grounding", CountingGrounding)
    data = load_creator("ajay_shenoy")
    template = data["services"][0]
    data["services"] = [
        {**template, "id": i, "booking_url": f"https://marketplace.example/ajay_shenoy/{i}"}
        for i in range(200)
    ]
    facts = build_facts(MarketplaceCreator.model_validate(data))
    assert len(facts["services"]) == 200
    assert len(built) == 1


@pytest.mark.parametrize(
    ("text", "invented"),
    [
        ("Book the Topic 3 Strategy Call today", []),
        ("Two Strategy Calls a month", []),  # a plural of a title's words
        ("Your Portfolio Review is next", ["Your Portfolio Review"]),
        ("Join the Growth Mastermind", ["Growth Mastermind"]),
    ],
)
def test_service_names_are_matched_against_title_words(text, invented):
    assert Grounding(_profile(5)).invented_services(text) == invented
