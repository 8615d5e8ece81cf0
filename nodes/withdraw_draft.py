"""Take back the waiting draft: the lead opted out, booked what it offered, or wrote in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langchain_core.runnables import RunnableConfig

from graphs.state import SalesState
from tools.sales_store import SalesStore


def make_withdraw_draft(store: SalesStore) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def withdraw_draft(state: SalesState, config: RunnableConfig) -> dict[str, Any]:
        approval = state["approval"]
        if approval is not None:
            reason = state["decision"]["reason"]
            if await store.withdraw_approval(approval["id"], reason):
                await store.audit(
                    config["configurable"]["thread_id"],
                    "agent",
                    "draft_withdrawn",
                    {
                        "approval_id": approval["id"],
                        "reason": reason,
                        "event_id": state["event"]["id"],
                    },
                )
        return {"approval": None}

    return withdraw_draft


def route_after_withdraw_draft(state: SalesState) -> str:
    # A lead's message withdraws the stale draft and gets one that answers it.
    return "draft_message" if state["decision"]["act"] else "__end__"
