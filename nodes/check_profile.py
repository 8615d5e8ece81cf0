"""Check the written profile against the marketplace data before the creator sees it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from domain.marketplace import MarketplaceCreator
from domain.profile import build_facts
from domain.profile_check import check_profile_writing, profile_feedback
from graphs.state import OnboardingState
from tools.onboarding_store import OnboardingStore

# The model gets one rewrite with the findings; then the deterministic builder writes it.
MAX_MODEL_ATTEMPTS = 2


def _problems(state: OnboardingState) -> list[str]:
    # CPU work on up to MAX_SERVICES services: run in a thread, off the event loop.
    facts = build_facts(MarketplaceCreator.model_validate(state["raw_data"]))
    return check_profile_writing(state["writing"] or {}, facts)


def make_check_profile(store: OnboardingStore) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def check_profile(state: OnboardingState) -> dict[str, Any]:
        problems = await asyncio.to_thread(_problems, state)
        if problems:
            await store.update_run(state["onboarding_id"], problems=problems)
        update: dict[str, Any] = {"profile_check": {"passed": not problems, "problems": problems}}
        if problems:
            # Which fields broke which rule, never the words: the model must not route
            # around the check (domain.findings.GENERIC_FEEDBACK).
            update["feedback"] = profile_feedback(problems)
        return update

    return check_profile


def route_after_check_profile(state: OnboardingState) -> str:
    if (state.get("profile_check") or {}).get("passed"):
        return "save_profile_draft"
    if state.get("writing_source") == "llm":
        if state.get("attempts", 0) < MAX_MODEL_ATTEMPTS:
            return "write_profile"
        return "write_deterministic_profile"
    return "fail_onboarding"
