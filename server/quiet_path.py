"""Quiet events decided without a graph run.

Most of a lead's events only move their context along and end in a quiet decision
(`seen_recently`, `not_triggered`, `frequency_cap`...). On a sales thread whose graph holds
no run that has not ended (no draft waits there: `consumer_context.run_open` is false), such
an event is decided here by the sales graph's own nodes, `update_context` then `should_act`,
called as plain functions on the state a run would start from: the same decision and reason
the graph would reach, recorded the same way, with no checkpoint read or written. That is
most of the worker's CPU for such an event, and two of its round trips. An event those nodes
would act on, and every event while a run is open, runs the graph.

The lead's context in `consumer_context` is what the thread carries on with, and every graph
run starts from it (server.sales_runner), so the next run sees what these events did. The
thread's checkpoints hold the runs that drafted or waited; the events table holds every
decision.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from graphs.context import SalesContext
from nodes.should_act import should_act
from nodes.update_context import update_context


async def decide_without_graph(
    run_input: dict[str, Any], context: SalesContext
) -> dict[str, Any] | None:
    """The state values a sales run from `run_input` would end with on an idle thread, when
    that run would end right after `should_act` (a quiet decision, nothing to withdraw or
    release); None when the graph must run."""
    state: dict[str, Any] = {**run_input, "approval": None}  # idle: no draft waits
    state.update(await update_context(state))  # type: ignore[arg-type]
    state.update(await should_act(state, Runtime(context=context)))  # type: ignore[arg-type]
    decision = state["decision"]
    if decision["act"] or decision.get("withdraw_pending") or decision.get("release_held"):
        return None
    return state
