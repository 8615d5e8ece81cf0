"""Store the checked draft as an approval waiting for the creator (before the interrupt)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.runtime import Runtime

from graphs.context import SalesContext, context_of
from graphs.state import SalesState
from nodes.approve_draft import verdict_on_draft
from tools.sales_store import NewApproval, SalesStore


def make_save_draft(store: SalesStore) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def save_draft(
        state: SalesState, runtime: Runtime[SalesContext], config: RunnableConfig
    ) -> dict[str, Any]:
        thread_id = config["configurable"]["thread_id"]
        event_id = state["event"]["id"]
        # Deterministic id: a retried run saves the same approval, not a second one.
        approval_id = uuid.uuid5(
            uuid.NAMESPACE_URL, f"{thread_id}/{event_id}/{state.get('draft_attempts', 0)}"
        ).hex
        draft = state["draft"] or {}
        # Whether the agent approves it, and by which rule (or why it waits for the creator),
        # kept with the draft so the inbox can say why it waits.
        verdict = verdict_on_draft(state, runtime)
        await store.save_approval(
            NewApproval(
                id=approval_id,
                thread_id=thread_id,
                creator_id=context_of(runtime).creator_id,
                consumer_id=state["consumer"]["id"],
                event_id=event_id,
                channel=draft["channel"],
                # The checks' result goes with the draft: the creator sees what they found.
                draft={
                    **draft,
                    "check": state.get("draft_check"),
                    "agent_verdict": {
                        "approves": verdict.approve,
                        "rule": verdict.rule,
                        "reason": verdict.reason,
                    },
                },
                profile_version=context_of(runtime).profile_version,
                reason=state["decision"].get("reason"),
            )
        )
        return {
            "approval": {
                "id": approval_id,
                "event_id": event_id,
                "channel": draft["channel"],
                "decision": state["decision"],
                "draft": draft,
            }
        }

    return save_draft


async def route_after_save_draft(state: SalesState, runtime: Runtime[SalesContext]) -> str:
    """The agent approves what its approval mode allows; everything else waits."""
    return "approve_draft" if verdict_on_draft(state, runtime).approve else "request_approval"
