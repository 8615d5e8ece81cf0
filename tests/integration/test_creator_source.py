"""The marketplace client against a local server playing the marketplace API."""

from __future__ import annotations

import time

import pytest

from tests.conftest import load_creator
from tests.standins.marketplace_server import MarketplaceStandIn
from tools.creator_source import (
    CreatorDataInvalid,
    CreatorNotFound,
    CreatorSourceUnavailable,
    MarketplaceClient,
)

AJAY = load_creator("ajay_shenoy")
BROKEN = {"user": {"id": 1, "username": "broken"}, "services": [{"id": 1, "title": "x"}]}


@pytest.fixture(scope="module")
def marketplace():
    with MarketplaceStandIn(
        {
            "ajay_shenoy": [{"body": AJAY}],
            "flaky": [
                {"status": 500},
                {"status": 503},
                {"body": {**AJAY, "user": {**AJAY["user"], "username": "flaky"}}},
            ],
            "slow": [{"sleep": 1.5, "body": AJAY}],
            "broken": [{"body": BROKEN}],
            # Ten megabytes of creator: the client stops reading at its cap.
            "huge": [{"body": {**AJAY, "padding": "x" * 10_000_000}}],
        }
    ) as server:
        yield server


def client(marketplace, **kwargs) -> MarketplaceClient:
    # A generous timeout: a loaded CI machine can take a while to accept a connection. The
    # test about timeouts passes its own.
    return MarketplaceClient(marketplace.url, **{"timeout_s": 10.0, "backoff_s": 0.05, **kwargs})


async def test_a_known_creator_is_fetched_and_validated(marketplace):
    creator = await client(marketplace).fetch("ajay_shenoy")
    assert creator.user.display_name == "Ajay Shenoy"
    assert [s.id for s in creator.services] == [101, 102, 103, 104]


async def test_an_unknown_username_is_not_found(marketplace):
    with pytest.raises(CreatorNotFound, match="no creator 'nobody'"):
        await client(marketplace).fetch("nobody")


async def test_server_errors_are_retried_with_backoff(marketplace):
    creator = await client(marketplace).fetch("flaky")
    assert creator.user.username == "flaky"
    assert marketplace.calls["flaky"] == 3


async def test_a_response_slower_than_the_timeout_gives_up_after_the_attempts(marketplace):
    started = time.monotonic()
    with pytest.raises(CreatorSourceUnavailable, match="after 2 attempts"):
        await client(marketplace, attempts=2, timeout_s=0.5).fetch("slow")
    assert marketplace.calls["slow"] == 2
    # Waiting for both 1.5 s answers would take over 3 s; giving up takes two 0.5 s timeouts.
    assert time.monotonic() - started < 3.0


async def test_malformed_data_names_what_is_missing(marketplace):
    with pytest.raises(CreatorDataInvalid) as caught:
        await client(marketplace).fetch("broken")
    problems = " ".join(caught.value.problems)
    assert "user.display_name: Field required" in problems
    assert "services.0.price: Field required" in problems


async def test_an_answer_larger_than_the_cap_is_refused_without_reading_it_all(marketplace):
    with pytest.raises(CreatorDataInvalid, match="larger than 2,097,152 bytes"):
        await client(marketplace).fetch("huge")
    assert marketplace.calls["huge"] == 1  # not retried: the same answer would come back
