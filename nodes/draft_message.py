"""Write the message for the creator to review, with the model or the template drafter.

The drafter writes words and placeholders; the facts are rendered here by code
(domain.draft_check), and what is wrong with the result goes to `check_draft`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from langgraph.runtime import Runtime

from domain.booking_offer import booking_slot_facts, profile_for_booking
from domain.draft_check import render_written_draft
from domain.offer import enrolled_services, offerable_to_lead
from domain.template_draft import first_name
from graphs.context import SalesContext, context_of
from graphs.state import Draft, SalesState
from tools.drafting import Drafter, DraftRequest, TemplateDrafter


def profile_for_lead(state: SalesState, runtime: Runtime[SalesContext]) -> dict[str, Any]:
    """The creator's profile without what this lead already booked; for a booking's message
    (customer onboarding), the booked service and what may follow it."""
    bought = enrolled_services(state.get("context") or {}, state.get("outreach") or {})
    profile = context_of(runtime).profile
    booking = state.get("booking")
    if booking is not None:
        reason = state["decision"].get("reason", "")
        return profile_for_booking(profile, booking.get("service_id"), reason, bought)
    return offerable_to_lead(profile, bought)


def booking_facts(state: SalesState, runtime: Runtime[SalesContext]) -> dict[str, Any] | None:
    """The booking's facts the placeholders render ({{booking_time}}, {{prepare}})."""
    booking = state.get("booking")
    if booking is None:
        return None
    return booking_slot_facts(
        booking, context_of(runtime).profile, state["consumer"].get("timezone")
    )


def event_day(state: SalesState) -> date:
    """Time is the event's, never the wall clock's."""
    return datetime.fromisoformat(state["event"]["occurred_at"]).date()


def draft_request(state: SalesState, runtime: Runtime[SalesContext]) -> DraftRequest:
    payload = state["event"].get("payload") or {}
    replying = state["event"]["type"] == "inbound_message"
    return DraftRequest(
        profile=profile_for_lead(state, runtime),
        consumer=state["consumer"],
        decision=state["decision"],
        channel=state["decision"]["channel"],
        today=event_day(state),
        feedback=state.get("feedback"),
        inbound_text=payload.get("text") if replying else None,
        conversation=context_of(runtime).conversation if replying else [],
        booking=state.get("booking"),
    )


def rendered(written: Draft, state: SalesState, runtime: Runtime[SalesContext]) -> dict[str, Any]:
    """The state update for a drafter's answer: the rendered draft and its findings."""
    draft, findings = render_written_draft(
        dict(written),
        profile_for_lead(state, runtime),
        state["decision"]["channel"],
        first_name(state["consumer"].get("name")),
        event_day(state),
        booking_facts(state, runtime),
    )
    draft["profile_version"] = context_of(runtime).profile_version
    return {
        "draft": draft,
        "draft_findings": findings,
        "draft_attempts": state.get("draft_attempts", 0) + 1,
    }


def make_draft_message(drafter: Drafter) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def draft_message(state: SalesState, runtime: Runtime[SalesContext]) -> dict[str, Any]:
        written = await drafter.draft(draft_request(state, runtime))
        return rendered(written, state, runtime)

    return draft_message


async def write_template_draft(state: SalesState, runtime: Runtime[SalesContext]) -> dict[str, Any]:
    """The model's drafts failed the check twice: the template drafter writes this one."""
    rules = sorted({f["rule"] for f in (state.get("draft_check") or {}).get("problems", [])})
    written = await TemplateDrafter().draft(
        draft_request(state, runtime),
        fallback_reason=f"model drafts failed the check ({', '.join(rules)})",
    )
    return rendered(written, state, runtime)
