"""The sales graph: one run per consumer event on the thread `sales:<creator_id>:<consumer_id>`.

update_context -> should_act -> draft_message -> check_draft -> save_draft ->
[approve_draft, by the agent's approval mode] -> request_approval (interrupt) ->
send_whatsapp | send_email [-> request_approval again: a send moved past quiet hours, or
held for the lead's answer to a WhatsApp template] [-> schedule_follow_up: outreach that went
out gets a follow-up timer; its `timer` event runs the graph again]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from langgraph.graph import END, START, StateGraph

from graphs.context import SalesContext
from graphs.state import SalesState
from nodes.approve_draft import make_approve_draft
from nodes.check_draft import make_check_draft, route_after_check_draft
from nodes.draft_message import make_draft_message, write_template_draft
from nodes.request_approval import make_request_approval, route_after_request_approval
from nodes.save_draft import make_save_draft, route_after_save_draft
from nodes.schedule_follow_up import make_schedule_follow_up, route_after_sales_send
from nodes.send_message import make_send_node
from nodes.should_act import route_after_should_act, should_act
from nodes.update_context import update_context
from nodes.withdraw_draft import make_withdraw_draft, route_after_withdraw_draft
from tools.channels import Transport
from tools.drafting import Drafter
from tools.judge import Judge, LexiconJudge
from tools.outbox import OutboxTransport
from tools.sales_store import InMemorySalesStore, SalesStore


@dataclass
class SalesAdapters:
    drafter: Drafter
    whatsapp: Transport
    email: Transport
    store: SalesStore
    # Judges a draft's wording: the lexicon, and with a model a second call.
    judge: Judge = field(default_factory=LexiconJudge)


def build_sales_graph(adapters: SalesAdapters) -> StateGraph:
    builder = StateGraph(SalesState, context_schema=SalesContext)
    builder.add_node("update_context", update_context)
    builder.add_node("should_act", should_act)
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
    builder.add_node("schedule_follow_up", make_schedule_follow_up(adapters.store))

    builder.add_edge(START, "update_context")
    builder.add_edge("update_context", "should_act")
    builder.add_conditional_edges(
        "should_act",
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
        builder.add_conditional_edges(
            send, route_after_sales_send, ["request_approval", "schedule_follow_up", END]
        )
    builder.add_edge("schedule_follow_up", END)
    return builder


@functools.cache
def _studio_store() -> InMemorySalesStore:
    # `langgraph dev` calls the factory for every run; the store must outlive one run.
    return InMemorySalesStore()


def studio_graph():
    """Entry point for `langgraph dev`: in-memory store, outbox transports, and the model
    from the environment when one is configured. The platform supplies the checkpointer."""
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
    return build_sales_graph(adapters).compile()
