"""Pause for the creator to approve, edit or reject the profile. Only `interrupt()` here."""

from __future__ import annotations

from typing import Any

from langgraph.types import interrupt

from domain.profile_writing import WRITING_FIELDS, ProfileWriting
from domain.review import ReviewResponse, hitl_request
from graphs.state import OnboardingState

ACTION = "save_profile"
MAX_CREATOR_REDRAFTS = 1


def review_profile(state: OnboardingState) -> dict[str, Any]:
    pending = state["pending"]
    assert pending is not None, "review_profile needs a saved profile version"
    writing = state["writing"] or {}
    description = (
        f"Sales profile version {pending['version']} for {state['username']}, written by the "
        f"{state.get('writing_source')} writer. Approve it, edit any field, or reject with "
        "feedback for one rewrite."
    )
    answer = interrupt(
        hitl_request(ACTION, {k: writing.get(k) for k in WRITING_FIELDS}, description)
    )
    decision = ReviewResponse.model_validate(answer).decisions[0].model_dump()
    update: dict[str, Any] = {"review": decision, "redraft_requested": False}
    if decision["type"] == "edit":
        changes = decision["edited_action"]["args"]
        edited = {**writing, **{k: v for k, v in changes.items() if k in WRITING_FIELDS}}
        update["writing"] = ProfileWriting.model_validate(edited).model_dump()
    elif decision["type"] == "reject":
        redrafts = state.get("creator_redrafts", 0)
        if decision.get("message") and redrafts < MAX_CREATOR_REDRAFTS:
            update.update(
                redraft_requested=True,
                creator_redrafts=redrafts + 1,
                attempts=0,
                feedback=f"The creator asked for changes: {decision['message']}",
            )
    return update


async def route_after_review_profile(state: OnboardingState) -> str:
    review = state.get("review") or {}
    if review.get("type") in ("approve", "edit"):
        return "save_profile"
    return "discard_profile"  # and, with feedback, write it again


async def route_after_discard_profile(state: OnboardingState) -> str:
    return "write_profile" if state.get("redraft_requested") else "__end__"
