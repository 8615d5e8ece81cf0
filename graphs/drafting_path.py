"""The path both lead-facing graphs share, from a decision to act to the send: withdraw a
stale draft, draft, check, save, [approve by the agent], wait for the creator (interrupt),
send. Each graph wires its own start (what it decides on) and what follows a send."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from langgraph.graph import END, StateGraph

from graphs.adapters import SalesAdapters
from nodes.approve_draft import make_approve_draft
from nodes.check_draft import make_check_draft, route_after_check_draft
from nodes.draft_message import make_draft_message, write_template_draft
from nodes.request_approval import make_request_approval, route_after_request_approval
from nodes.save_draft import make_save_draft, route_after_save_draft
from nodes.send_message import make_send_node
from nodes.should_act import route_after_should_act
from nodes.withdraw_draft import make_withdraw_draft, route_after_withdraw_draft


def add_drafting_path(
    builder: StateGraph,
    adapters: SalesAdapters,
    decided_at: str,
    after_send: Callable[..., Awaitable[str]],
    after_send_targets: list[str],
) -> None:
    """Add the shared nodes and edges; `decided_at` is the node whose decision they follow."""
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

    builder.add_conditional_edges(
        decided_at,
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
        builder.add_conditional_edges(send, after_send, after_send_targets)
