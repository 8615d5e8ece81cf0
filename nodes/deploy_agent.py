"""Deploy the creator's sales agent, or keep the one already deployed; then the onboarding
run is approved."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from graphs.state import OnboardingState
from tools.onboarding_store import OnboardingStore


def make_deploy_agent(store: OnboardingStore) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def deploy_agent(state: OnboardingState) -> dict[str, Any]:
        agent_id = await store.deploy_agent(state["username"])
        await store.update_run(state["onboarding_id"], status="approved")
        return {"agent_id": agent_id}

    return deploy_agent
