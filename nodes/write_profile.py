"""Write the profile's text fields with the model, or the deterministic builder."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from domain.marketplace import MarketplaceCreator
from graphs.state import OnboardingState
from tools.onboarding_store import OnboardingStore
from tools.profile_writer import DeterministicProfileWriter, ProfileWriter, WrittenProfile


async def _record(
    store: OnboardingStore,
    state: OnboardingState,
    written: WrittenProfile,
    started: float,
    step: str,
) -> dict[str, Any]:
    await store.update_run(
        state["onboarding_id"],
        status="drafting",
        model_answer=written.model_answer,
        timing=(step, round((time.perf_counter() - started) * 1000)),
    )
    return {
        "writing": written.writing,
        "writing_source": written.source,
        "fallback_reason": written.fallback_reason,
        "attempts": state.get("attempts", 0) + 1,
    }


def make_write_profile(
    writer: ProfileWriter, store: OnboardingStore
) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def write_profile(state: OnboardingState) -> dict[str, Any]:
        await store.update_run(state["onboarding_id"], status="drafting")
        started = time.perf_counter()
        data = MarketplaceCreator.model_validate(state["raw_data"])
        written = await writer.write(data, state.get("feedback"))
        return await _record(
            store, state, written, started, f"write_attempt_{state.get('attempts', 0) + 1}_ms"
        )

    return write_profile


def make_write_deterministic_profile(
    store: OnboardingStore,
) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def write_deterministic_profile(state: OnboardingState) -> dict[str, Any]:
        """The model's profiles failed the check twice: build it from the data alone."""
        started = time.perf_counter()
        data = MarketplaceCreator.model_validate(state["raw_data"])
        problems = "; ".join((state.get("profile_check") or {}).get("problems", []))
        written = await DeterministicProfileWriter().write(
            data, reason=f"model profiles failed the check: {problems}"
        )
        return await _record(store, state, written, started, "write_deterministic_ms")

    return write_deterministic_profile
