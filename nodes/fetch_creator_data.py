"""Fetch the creator's marketplace data, unless the run was given it inline."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from domain.intake import intake_findings
from graphs.state import OnboardingState
from tools.creator_source import CreatorSource
from tools.onboarding_store import OnboardingStore


def make_fetch_creator_data(
    source: CreatorSource | None, store: OnboardingStore
) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def fetch_creator_data(state: OnboardingState) -> dict[str, Any]:
        if state.get("raw_data"):
            return {}
        if source is None:
            raise RuntimeError(
                "no marketplace API is configured (CREATOR_API_BASE_URL); "
                "pass the creator's data inline"
            )
        await store.update_run(state["onboarding_id"], status="fetching")
        started = time.perf_counter()
        creator = await source.fetch(state["username"])
        raw = creator.model_dump(mode="json")
        await store.update_run(
            state["onboarding_id"],
            raw_data=raw,
            timing=("fetch_ms", round((time.perf_counter() - started) * 1000)),
            # Names and titles carrying an offer, price, link or contact (the API's own
            # fetch records these when it creates the run).
            problems=intake_findings(creator),
        )
        return {"raw_data": raw}

    return fetch_creator_data
