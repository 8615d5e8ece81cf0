"""The sales graph: one run per consumer event on the thread `sales:<creator_id>:<consumer_id>`.

update_context -> should_act -> draft_message -> check_draft -> save_draft ->
[approve_draft, by the agent's approval mode] -> request_approval (interrupt) ->
send_whatsapp | send_email [-> request_approval again: a send moved past quiet hours, or
held for the lead's answer to a WhatsApp template] [-> schedule_follow_up: outreach that went
out gets a follow-up timer; its `timer` event runs the graph again]
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.adapters import SalesAdapters, studio_adapters
from graphs.context import SalesContext
from graphs.drafting_path import add_drafting_path
from graphs.state import SalesState
from nodes.schedule_follow_up import make_schedule_follow_up, route_after_sales_send
from nodes.should_act import should_act
from nodes.update_context import update_context


def build_sales_graph(adapters: SalesAdapters) -> StateGraph:
    builder = StateGraph(SalesState, context_schema=SalesContext)
    builder.add_node("update_context", update_context)
    builder.add_node("should_act", should_act)
    builder.add_node("schedule_follow_up", make_schedule_follow_up(adapters.store))

    builder.add_edge(START, "update_context")
    builder.add_edge("update_context", "should_act")
    add_drafting_path(
        builder,
        adapters,
        decided_at="should_act",
        after_send=route_after_sales_send,
        after_send_targets=["request_approval", "schedule_follow_up", END],
    )
    builder.add_edge("schedule_follow_up", END)
    return builder


def studio_graph():
    """Entry point for `langgraph dev` (graphs.adapters.studio_adapters). The platform
    supplies the checkpointer."""
    return build_sales_graph(studio_adapters()).compile()
