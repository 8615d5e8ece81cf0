"""After a sales message went out: schedule its follow-up, if the agent makes any.

The follow-up is a timer on the thread; when it fires, `should_act` decides again (the lead
may have answered, booked, opted out or hit a cap since)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.runtime import Runtime

from graphs.context import SalesContext, context_of
from graphs.state import SalesState
from nodes.send_message import route_after_send
from tools.sales_store import SalesStore, TimerRequest

# What the agent starts itself; an answer to the lead's own message is not followed up.
FOLLOWED_UP = ("new_lead", "returning_lead", "service_interest", "follow_up")
SENT = ("sent", "recorded")


def make_schedule_follow_up(store: SalesStore) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def schedule_follow_up(
        state: SalesState, runtime: Runtime[SalesContext], config: RunnableConfig
    ) -> dict[str, Any]:
        context = context_of(runtime)
        decision = state["decision"]
        number = int(decision.get("follow_up") or 0) + 1
        sent = state.get("send_result") or {}
        if number > context.max_follow_ups or not sent.get("message_id"):
            return {}
        # Counted from the send (which follows the creator's approval), not the event.
        now = datetime.fromisoformat(sent["sent_at"]) if sent.get("sent_at") else datetime.now(UTC)
        await store.schedule_timer(
            TimerRequest(
                thread_id=config["configurable"]["thread_id"],
                creator_id=context.creator_id,
                consumer_id=state["consumer"]["id"],
                kind="follow_up",
                due_at=(now + timedelta(hours=context.follow_up_after_hours)).isoformat(),
                details={
                    "number": number,
                    "since": now.isoformat(),
                    "service_id": decision.get("service_id"),
                    "message_id": sent["message_id"],
                },
                key=sent["message_id"],  # one follow-up per message, however often re-run
            )
        )
        return {}

    return schedule_follow_up


async def route_after_sales_send(state: SalesState) -> str:
    """As `route_after_send`; a sales message that went out goes on to its follow-up."""
    after = await route_after_send(state)
    sent = (state.get("send_result") or {}).get("status") in SENT
    if after == "__end__" and sent and state["decision"].get("reason") in FOLLOWED_UP:
        return "schedule_follow_up"
    return after
