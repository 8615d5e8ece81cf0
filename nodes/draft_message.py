"""Write the message for the creator to review, with the model or the template drafter."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langgraph.runtime import Runtime

from domain.offer import offerable_to_lead
from graphs.context import SalesContext, context_of
from graphs.state import SalesState
from tools.drafting import Drafter, DraftRequest, TemplateDrafter


def profile_for_lead(state: SalesState, runtime: Runtime[SalesContext]) -> dict[str, Any]:
    """The creator's profile without what this lead already booked."""
    bought = (state.get("context") or {}).get("enrolled_service_ids") or []
    return offerable_to_lead(context_of(runtime).profile, bought)


def draft_request(state: SalesState, runtime: Runtime[SalesContext]) -> DraftRequest:
    payload = state["event"].get("payload") or {}
    return DraftRequest(
        profile=profile_for_lead(state, runtime),
        consumer=state["consumer"],
        decision=state["decision"],
        channel=state["decision"]["channel"],
        feedback=state.get("feedback"),
        inbound_text=payload.get("text") if state["event"]["type"] == "inbound_message" else None,
    )


def make_draft_message(drafter: Drafter) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def draft_message(state: SalesState, runtime: Runtime[SalesContext]) -> dict[str, Any]:
        draft = await drafter.draft(draft_request(state, runtime))
        draft["profile_version"] = context_of(runtime).profile_version
        return {"draft": draft, "draft_attempts": state.get("draft_attempts", 0) + 1}

    return draft_message


async def write_template_draft(state: SalesState, runtime: Runtime[SalesContext]) -> dict[str, Any]:
    """The model's drafts failed the check twice: the template drafter writes this one."""
    problems = "; ".join((state.get("draft_check") or {}).get("problems", []))
    draft = await TemplateDrafter().draft(
        draft_request(state, runtime), fallback_reason=f"model drafts failed the check: {problems}"
    )
    draft["profile_version"] = context_of(runtime).profile_version
    return {"draft": draft, "draft_attempts": state.get("draft_attempts", 0) + 1}
