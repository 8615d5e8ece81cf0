"""Store the checked profile as a version awaiting the creator's review (before the interrupt)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from domain.marketplace import MarketplaceCreator
from domain.profile import build_facts
from graphs.state import OnboardingState
from tools.onboarding_store import OnboardingStore


def profile_from(state: OnboardingState, writing: dict[str, Any]) -> dict[str, Any]:
    """Facts from the data, writing from the model (or the creator's edits)."""
    facts = build_facts(MarketplaceCreator.model_validate(state["raw_data"]))
    return {**facts, **writing, "source": state.get("writing_source") or "deterministic"}


def make_save_profile_draft(store: OnboardingStore) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def save_profile_draft(state: OnboardingState) -> dict[str, Any]:
        # Building the facts is CPU work on up to MAX_SERVICES services: off the event loop.
        profile = await asyncio.to_thread(profile_from, state, state["writing"] or {})
        # One review per round (the first, then one after a rejection with feedback); a
        # retried run saves the same review again, not a second one.
        round_key = f"{state['onboarding_id']}/review/{state.get('creator_redrafts', 0)}"
        approval_id = uuid.uuid5(uuid.NAMESPACE_URL, round_key).hex
        version = await store.save_review(
            approval_id, state["onboarding_id"], profile["creator_id"], profile, profile["source"]
        )
        await store.update_run(
            state["onboarding_id"], status="awaiting_review", profile_version=version
        )
        return {"pending": {"approval_id": approval_id, "version": version}}

    return save_profile_draft
