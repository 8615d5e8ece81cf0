"""Schedule and cancel the booking's timers that `should_act_on_booking` planned.

Safe to run again: a timer's id is derived from its thread, kind and time, and cancelling
what is already cancelled changes nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.runtime import Runtime

from graphs.context import SalesContext, context_of
from graphs.state import CustomerState
from tools.sales_store import SalesStore, TimerRequest


def make_schedule_timers(store: SalesStore) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def schedule_timers(
        state: CustomerState, runtime: Runtime[SalesContext], config: RunnableConfig
    ) -> dict[str, Any]:
        plan = state.get("timer_plan") or {}
        thread_id = config["configurable"]["thread_id"]
        creator_id = context_of(runtime).creator_id
        if plan.get("cancel"):
            await store.cancel_timers(
                creator_id, thread_id, plan["cancel"], state["decision"]["reason"]
            )
        for timer in plan.get("schedule") or []:
            await store.schedule_timer(
                TimerRequest(
                    thread_id=thread_id,
                    creator_id=creator_id,
                    consumer_id=state["consumer"]["id"],
                    kind=timer["kind"],
                    due_at=timer["at"],
                    details={"booking_id": (state.get("booking") or {}).get("booking_id")},
                )
            )
        return {"timer_plan": None}

    return schedule_timers
