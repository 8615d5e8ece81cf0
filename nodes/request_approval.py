"""Pause for the creator's decision. Only `interrupt()` here: this node re-runs on resume."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langgraph.types import interrupt

from domain.reasons import REASON_TEXT
from domain.review import ReviewResponse, action_name, hitl_request
from graphs.state import SalesState

# A rejection with feedback asks for a new draft, once per event.
MAX_CREATOR_REDRAFTS = 1


def make_request_approval(
    revises_with_feedback: bool,
) -> Callable[[SalesState], Awaitable[dict[str, Any]]]:
    """`revises_with_feedback`: the drafter can rewrite from the creator's feedback (a model
    can; the template drafter would write the same text again, so it is not asked to)."""

    # async, as it does no I/O: a plain `def` node would run in LangGraph's thread pool.
    async def request_approval(state: SalesState) -> dict[str, Any]:
        approval = state["approval"]
        assert approval is not None, "request_approval needs a saved draft"
        draft = approval["draft"]
        consumer = state["consumer"]
        to = (
            consumer.get("whatsapp") if approval["channel"] == "whatsapp" else consumer.get("email")
        )
        description = (
            f"Draft {approval['id']} for {consumer.get('name')}: "
            f"{REASON_TEXT.get(approval['decision']['reason'], 'follow-up')}. "
            f"Written by the {draft.get('source')} drafter."
        )
        args = {"to": to, "subject": draft.get("subject"), "body": draft["body"]}
        answer = interrupt(hitl_request(action_name(approval["channel"]), args, description))

        decision = ReviewResponse.model_validate(answer).decisions[0].model_dump()
        update: dict[str, Any] = {"review": decision, "redraft_requested": False}
        if isinstance(answer, dict) and answer.get("consumer"):
            # The lead's facts as of the decision (consent may have changed while it waited).
            update["consumer"] = answer["consumer"]
        if decision["type"] == "reject":
            update["approval"] = None
            redrafts = state.get("creator_redrafts", 0)
            if (
                decision.get("message")
                and revises_with_feedback
                and redrafts < MAX_CREATOR_REDRAFTS
            ):
                update.update(
                    # The redraft answers the event that led to this draft, even when a later
                    # event (which only kept the draft waiting) is the one being run now.
                    decision=approval["decision"],
                    redraft_requested=True,
                    creator_redrafts=redrafts + 1,
                    feedback=f"The creator rejected the last draft and said: {decision['message']}",
                    rejected_body=draft["body"].strip(),
                )
        return update

    return request_approval


async def route_after_request_approval(state: SalesState) -> str:
    review = state.get("review") or {}
    if review.get("type") in ("approve", "edit") and state.get("approval"):
        return action_name(state["approval"]["channel"])
    if state.get("redraft_requested"):
        return "draft_message"
    return "__end__"
