"""Decide which of a booking's messages this event calls for (welcome, reminder, thank-you),
and which timers the booking needs; say why with a reason code."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from domain.booking_decisions import STEP_OF, decide_booking
from graphs.context import SalesContext, context_of
from graphs.state import CustomerState


# async though it awaits nothing: LangGraph runs a plain `def` node in its thread pool, a
# thread hop per step (about 0.2 ms of CPU, measured); this one only computes.
async def should_act_on_booking(
    state: CustomerState, runtime: Runtime[SalesContext]
) -> dict[str, Any]:
    context = context_of(runtime)
    decision, plan = decide_booking(
        event=state["event"],
        booking=state.get("booking") or {},
        steps_done=state.get("steps_done") or [],
        consumer=dict(state["consumer"]),
        context=dict(state.get("context") or {}),
        outreach=dict(state.get("outreach") or {}),
        pending=state.get("approval"),
        profile=context.profile,
        agent_enabled=context.agent_enabled,
        reminder_hours_before=context.reminder_hours_before,
    )
    update: dict[str, Any] = {"decision": decision, "timer_plan": plan}
    if decision["act"]:
        # Decided once: a rejected welcome is not written again by the next event.
        update["steps_done"] = [*(state.get("steps_done") or []), STEP_OF[decision["reason"]]]
    return update
