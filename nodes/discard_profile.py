"""Mark a rejected profile version as rejected; the approved one stays in use."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from graphs.state import OnboardingState
from tools.onboarding_store import OnboardingStore


def make_discard_profile(store: OnboardingStore) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def discard_profile(state: OnboardingState) -> dict[str, Any]:
        pending = state["pending"]
        await store.reject_profile(state["username"], pending["version"])
        if not state.get("redraft_requested"):
            await store.update_run(state["onboarding_id"], status="rejected")
        return {"pending": None}

    return discard_profile
