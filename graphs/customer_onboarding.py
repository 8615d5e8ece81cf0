"""The customer onboarding graph: a lead who booked or bought gets a welcome, a reminder
before the session and a thank-you after it. One thread per booking:
`customer:<creator_id>:<consumer_id>:<booking_id>`; its runs are the booking's events and
its own timers (`timer` events).

update_context -> update_booking -> should_act_on_booking -> schedule_timers ->
[withdraw_draft] -> draft_message -> check_draft -> save_draft -> [approve_draft] ->
request_approval (interrupt) -> send_whatsapp | send_email

Every node after `schedule_timers` is the sales graph's own: the same drafting, check,
approval interrupt and send rules (a booking's messages are not capped, every other rule
applies).
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.adapters import SalesAdapters, studio_adapters
from graphs.context import SalesContext
from graphs.drafting_path import add_drafting_path
from graphs.state import CustomerState
from nodes.schedule_timers import make_schedule_timers
from nodes.send_message import route_after_send
from nodes.should_act_on_booking import should_act_on_booking
from nodes.update_booking import update_booking
from nodes.update_context import update_context


def build_customer_onboarding_graph(adapters: SalesAdapters) -> StateGraph:
    builder = StateGraph(CustomerState, context_schema=SalesContext)
    builder.add_node("update_context", update_context)
    builder.add_node("update_booking", update_booking)
    builder.add_node("should_act_on_booking", should_act_on_booking)
    builder.add_node("schedule_timers", make_schedule_timers(adapters.store))

    builder.add_edge(START, "update_context")
    builder.add_edge("update_context", "update_booking")
    builder.add_edge("update_booking", "should_act_on_booking")
    builder.add_edge("should_act_on_booking", "schedule_timers")
    add_drafting_path(
        builder,
        adapters,
        decided_at="schedule_timers",
        after_send=route_after_send,
        after_send_targets=["request_approval", END],
    )
    return builder


def studio_graph():
    """Entry point for `langgraph dev` (graphs.adapters.studio_adapters): timers are
    recorded, not fired (run the thread with a `timer` event to play one). The platform
    supplies the checkpointer."""
    return build_customer_onboarding_graph(studio_adapters()).compile()
