"""Take back the waiting draft: the lead opted out, booked what it offered, or wrote in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langchain_core.runnables import RunnableConfig

from graphs.state import SalesState
from tools.sales_store import SalesStore, Withdrawal

# Reasons that retire a draft the creator already approved but that has not gone out yet.
STOPS_DECIDED_DRAFTS = {"opted_out", "already_enrolled", "booking_cancelled"}


def make_withdraw_draft(store: SalesStore) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def withdraw_draft(state: SalesState, config: RunnableConfig) -> dict[str, Any]:
        approval = state["approval"]
        if approval is None:
            return {}
        reason = state["decision"]["reason"]
        withdrawal = Withdrawal(
            approval_id=approval["id"],
            thread_id=config["configurable"]["thread_id"],
            reason=reason,
            event_id=state["event"]["id"],
            decided_too=reason in STOPS_DECIDED_DRAFTS,
        )
        status = await store.withdraw_approval(withdrawal)
        if not withdrawal.decided_too and status in ("approved", "edited"):
            # The creator approved it before the lead wrote and its send is queued: it goes.
            return {}
        return {"approval": None}

    return withdraw_draft


async def route_after_withdraw_draft(state: SalesState) -> str:
    if state.get("approval"):
        return "request_approval"  # kept: the queued decision resumes it
    # A lead's message withdraws the stale draft and gets one that answers it.
    return "draft_message" if state["decision"]["act"] else "__end__"
