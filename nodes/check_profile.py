"""Check the written profile against the marketplace data before the creator sees it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from domain.findings import NOT_JUDGED
from domain.marketplace import MarketplaceCreator
from domain.profile import build_facts
from domain.profile_check import check_profile_writing, profile_feedback, rendered_profile_text
from graphs.state import OnboardingState
from tools.judge import Judge
from tools.onboarding_store import OnboardingStore

# The model gets one rewrite with the findings; then the deterministic builder writes it.
MAX_MODEL_ATTEMPTS = 2


def _problems(state: OnboardingState) -> tuple[list[str], str, dict[str, Any]]:
    """(problems, the profile's text with its facts rendered, the facts). CPU work on up to
    MAX_SERVICES services: run in a thread, off the event loop."""
    facts = build_facts(MarketplaceCreator.model_validate(state["raw_data"]))
    writing = state["writing"] or {}
    return check_profile_writing(writing, facts), rendered_profile_text(writing, facts), facts


def make_check_profile(
    store: OnboardingStore, judge: Judge
) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def check_profile(state: OnboardingState) -> dict[str, Any]:
        problems, text, facts = await asyncio.to_thread(_problems, state)
        if not problems and judge.uses_model and state.get("writing_source") == "llm":
            # A model's profile is judged like a model's draft (the data's own writing is
            # not); the lexicon already read every field in check_profile_writing.
            judged = await judge.judge(text, facts)
            if judged and all(f["rule"] == NOT_JUDGED for f in judged):
                # The judge failed: the creator reviews every profile anyway; say so there.
                await store.update_run(state["onboarding_id"], problems=[NOT_JUDGED])
            else:
                problems = [f"profile: {f['rule']}: {f['detail']}" for f in judged]
        if problems:
            await store.update_run(state["onboarding_id"], problems=problems)
        update: dict[str, Any] = {"profile_check": {"passed": not problems, "problems": problems}}
        if problems:
            # Which fields broke which rule, never the words: the model must not route
            # around the check (domain.findings.GENERIC_FEEDBACK).
            update["feedback"] = profile_feedback(problems)
        return update

    return check_profile


async def route_after_check_profile(state: OnboardingState) -> str:
    if (state.get("profile_check") or {}).get("passed"):
        return "save_profile_draft"
    if state.get("writing_source") == "llm":
        if state.get("attempts", 0) < MAX_MODEL_ATTEMPTS:
            return "write_profile"
        return "write_deterministic_profile"
    return "fail_onboarding"
