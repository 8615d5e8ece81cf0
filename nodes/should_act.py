"""Decide whether this event deserves a message, and say why with a reason code."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from langgraph.runtime import Runtime

from domain.auto_reply import is_auto_reply
from domain.compliance import (
    FREQUENCY_CAP,
    SUPPRESSED,
    OutreachCounts,
    SendingRules,
    cap_reached,
)
from domain.offer import active_services, enrolled_services, offerable_to_lead
from domain.reasons import CREATOR_TAKEOVER
from graphs.context import SalesContext, context_of
from graphs.state import Decision, SalesState
from nodes.choose_channel import choose_channel

RETURNING_AFTER = timedelta(hours=24)


def is_triggered(event: dict[str, Any], triggers: list[dict[str, Any]] | None) -> bool:
    """Does one of the agent's triggers match this event (type and payload filter)?"""
    if triggers is None:
        return True
    payload = event.get("payload") or {}
    return any(
        trigger["event_type"] == event["type"]
        and all(payload.get(key) == value for key, value in (trigger.get("filter") or {}).items())
        for trigger in triggers
    )


def creator_took_over(state: SalesState) -> bool:
    """The creator wrote to the lead themselves and the pause that started is not over at
    the event's time (server.creator_messages)."""
    until = (state.get("outreach") or {}).get("paused_until")
    occurred = datetime.fromisoformat(state["event"]["occurred_at"])
    return until is not None and occurred < datetime.fromisoformat(until)


def decide(
    state: SalesState,
    profile: dict[str, Any],
    agent_enabled: bool = True,
    triggers: list[dict[str, Any]] | None = None,
    rules: SendingRules | None = None,
) -> Decision:
    event = state["event"]
    context = state["context"]
    payload = event.get("payload") or {}
    service_id = payload.get("service_id")
    service_id = int(service_id) if service_id is not None else None
    pending = state.get("approval")
    enrolled = enrolled_services(context, state.get("outreach") or {})

    def quiet(reason: str, withdraw: bool = False) -> Decision:
        return {
            "act": False,
            "reason": reason,
            "channel": None,
            "service_id": service_id,
            "withdraw_pending": withdraw,
        }

    if context.get("opted_out"):
        return quiet("opted_out", withdraw=pending is not None)
    if creator_took_over(state):
        return quiet(CREATOR_TAKEOVER, withdraw=pending is not None)
    answering = event["type"] == "inbound_message"
    if answering and is_auto_reply(payload.get("text")):
        # An autoresponder is no answer: nothing to reply to, nothing released or withdrawn.
        return quiet("auto_reply")
    if answering and pending is not None and pending.get("held"):
        # The lead answered the template opener: the approved draft goes out now.
        return {**quiet("window_opened"), "release_held": True}
    follow_up = event["type"] == "timer" and payload.get("kind") == "follow_up"
    if not agent_enabled or not (follow_up or is_triggered(event, triggers)):
        return quiet("not_triggered")
    if follow_up and (stopped := follow_up_stopped(payload, context, enrolled)):
        return quiet(stopped)  # whatever else waits: the sequence ends here
    # A lead's message is answered: a draft still waiting is stale once they wrote.
    if pending is not None and not answering:
        return quiet("pending_approval")
    if not active_services(offerable_to_lead(profile, enrolled)):
        return quiet("nothing_to_offer")
    outreach = state.get("outreach") or {}
    suppressed = [c for c in ("whatsapp", "email") if outreach.get(f"{c}_suppressed")]
    channel = choose_channel(
        state["consumer"], preferred=payload.get("channel"), excluded=suppressed
    )
    if channel is None:
        reachable = choose_channel(state["consumer"], preferred=payload.get("channel"))
        return quiet(SUPPRESSED if reachable else "unreachable")

    def act(reason: str) -> Decision:
        return {
            "act": True,
            "reason": reason,
            "channel": channel,
            "service_id": service_id,
            "withdraw_pending": pending is not None,
        }

    if answering:
        return act("inbound_reply")  # a reply is not outreach: no cap
    counts = OutreachCounts(
        outreach.get("lead_day", 0), outreach.get("lead_week", 0), outreach.get("creator_day", 0)
    )
    if cap_reached(counts, rules or SendingRules()):
        return quiet(FREQUENCY_CAP)  # not even drafted
    if follow_up:
        return {**act("follow_up"), "follow_up": int(payload.get("number") or 1)}
    if service_id is not None and service_id in enrolled:
        return quiet("already_enrolled")
    if event["type"] == "service_click":
        return act("service_interest")
    if event["type"] == "page_view":
        # The last page view, or any earlier sign of the lead (a booking is one).
        previous = state.get("previous_page_view_at") or state.get("previous_seen_at")
        if previous is None:
            return act("new_lead")
        since = datetime.fromisoformat(event["occurred_at"]) - datetime.fromisoformat(previous)
        return act("returning_lead") if since >= RETURNING_AFTER else quiet("seen_recently")
    return quiet("not_triggered")


def follow_up_stopped(
    payload: dict[str, Any], context: dict[str, Any], enrolled: list[int]
) -> str | None:
    """Why a follow-up that is due is not written: the lead answered since the message it
    follows, or booked; None when nothing stopped it (the usual rules still apply)."""
    replied = context.get("last_inbound_at")
    if replied and datetime.fromisoformat(replied) >= datetime.fromisoformat(payload["since"]):
        return "lead_replied"
    if enrolled:
        return "already_enrolled"
    return None


# async though it awaits nothing: LangGraph runs a plain `def` node in its thread pool, a
# thread hop per step (about 0.2 ms of CPU, measured); this one only computes.
async def should_act(state: SalesState, runtime: Runtime[SalesContext]) -> dict[str, Any]:
    context = context_of(runtime)
    return {
        "decision": decide(
            state, context.profile, context.agent_enabled, context.triggers, context.rules
        )
    }


async def route_after_should_act(state: SalesState) -> str:
    decision = state["decision"]
    if decision.get("withdraw_pending"):
        return "withdraw_draft"
    if decision["act"]:
        return "draft_message"
    if state.get("approval"):
        return "request_approval"  # a draft waits: every other event keeps it waiting
    return "__end__"
