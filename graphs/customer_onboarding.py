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

import functools

from langgraph.graph import END, START, StateGraph

from graphs.context import SalesContext
from graphs.sales import SalesAdapters
from graphs.state import CustomerState
from nodes.approve_draft import make_approve_draft
from nodes.check_draft import make_check_draft, route_after_check_draft
from nodes.draft_message import make_draft_message, write_template_draft
from nodes.request_approval import make_request_approval, route_after_request_approval
from nodes.save_draft import make_save_draft, route_after_save_draft
from nodes.schedule_timers import make_schedule_timers
from nodes.send_message import make_send_node, route_after_send
from nodes.should_act import route_after_should_act
from nodes.should_act_on_booking import should_act_on_booking
from nodes.update_booking import update_booking
from nodes.update_context import update_context
from nodes.withdraw_draft import make_withdraw_draft, route_after_withdraw_draft
from tools.outbox import OutboxTransport
from tools.sales_store import InMemorySalesStore


def build_customer_onboarding_graph(adapters: SalesAdapters) -> StateGraph:
    builder = StateGraph(CustomerState, context_schema=SalesContext)
    builder.add_node("update_context", update_context)
    builder.add_node("update_booking", update_booking)
    builder.add_node("should_act_on_booking", should_act_on_booking)
    builder.add_node("schedule_timers", make_schedule_timers(adapters.store))
    builder.add_node("withdraw_draft", make_withdraw_draft(adapters.store))
    builder.add_node("draft_message", make_draft_message(adapters.drafter))
    builder.add_node("write_template_draft", write_template_draft)
    builder.add_node("check_draft", make_check_draft(adapters.judge))
    builder.add_node("save_draft", make_save_draft(adapters.store))
    builder.add_node("approve_draft", make_approve_draft(adapters.store))
    builder.add_node(
        "request_approval", make_request_approval(adapters.drafter.revises_with_feedback)
    )
    builder.add_node("send_whatsapp", make_send_node("whatsapp", adapters.whatsapp, adapters.store))
    builder.add_node("send_email", make_send_node("email", adapters.email, adapters.store))

    builder.add_edge(START, "update_context")
    builder.add_edge("update_context", "update_booking")
    builder.add_edge("update_booking", "should_act_on_booking")
    builder.add_edge("should_act_on_booking", "schedule_timers")
    builder.add_conditional_edges(
        "schedule_timers",
        route_after_should_act,
        ["draft_message", "withdraw_draft", "request_approval", END],
    )
    builder.add_conditional_edges(
        "withdraw_draft", route_after_withdraw_draft, ["draft_message", "request_approval", END]
    )
    builder.add_edge("draft_message", "check_draft")
    builder.add_edge("write_template_draft", "check_draft")
    builder.add_conditional_edges(
        "check_draft",
        route_after_check_draft,
        ["save_draft", "draft_message", "write_template_draft", END],
    )
    builder.add_conditional_edges(
        "save_draft", route_after_save_draft, ["approve_draft", "request_approval"]
    )
    builder.add_edge("approve_draft", "request_approval")
    builder.add_conditional_edges(
        "request_approval",
        route_after_request_approval,
        ["send_whatsapp", "send_email", "draft_message", END],
    )
    for send in ("send_whatsapp", "send_email"):
        builder.add_conditional_edges(send, route_after_send, ["request_approval", END])
    return builder


@functools.cache
def _studio_store() -> InMemorySalesStore:
    # `langgraph dev` calls the factory for every run; the store must outlive one run.
    return InMemorySalesStore()


def studio_graph():
    """Entry point for `langgraph dev`: in-memory store (timers are recorded, not fired:
    run the thread with a `timer` event to play one), outbox transports, and the model from
    the environment when one is configured. The platform supplies the checkpointer."""
    from server.settings import Settings
    from tools.llm import build_drafter, build_judge

    settings = Settings()
    adapters = SalesAdapters(
        drafter=build_drafter(settings),
        judge=build_judge(settings),
        whatsapp=OutboxTransport(),
        email=OutboxTransport(),
        store=_studio_store(),
    )
    return build_customer_onboarding_graph(adapters).compile()
