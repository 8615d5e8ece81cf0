"""Even the deterministic profile failed its check: record why instead of guessing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from graphs.state import OnboardingState
from tools.onboarding_store import OnboardingStore


def make_fail_onboarding(store: OnboardingStore) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def fail_onboarding(state: OnboardingState) -> dict[str, Any]:
        problems = "; ".join((state.get("profile_check") or {}).get("problems", []))
        await store.update_run(
            state["onboarding_id"],
            status="failed",
            error=f"no profile passed the check: {problems}",
        )
        return {}

    return fail_onboarding
