"""Save the creator-approved profile: from now on the sales agent drafts from it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from graphs.state import OnboardingState
from nodes.save_profile_draft import profile_from
from tools.onboarding_store import OnboardingStore


def make_save_profile(store: OnboardingStore) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def save_profile(state: OnboardingState) -> dict[str, Any]:
        pending = state["pending"]
        profile = await asyncio.to_thread(profile_from, state, state["writing"] or {})
        await store.approve_profile(profile["creator_id"], pending["version"], profile)
        # 'approved' is set once the agent is deployed (deploy_agent): a client that sees
        # it can rely on the agent existing.
        await store.update_run(state["onboarding_id"], profile_version=pending["version"])
        return {"profile_version": pending["version"], "pending": None}

    return save_profile
