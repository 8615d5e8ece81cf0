"""Check the draft against the profile before a human ever sees it."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from domain.draft_check import check_draft_text
from graphs.context import SalesContext
from graphs.state import SalesState
from nodes.draft_message import profile_for_lead


def check_draft(state: SalesState, runtime: Runtime[SalesContext]) -> dict[str, Any]:
    draft = state["draft"] or {}
    problems = check_draft_text(
        draft, profile_for_lead(state, runtime), state["decision"]["channel"]
    )
    if state.get("rejected_body") and draft.get("body", "").strip() == state["rejected_body"]:
        problems.append("the draft repeats the text the creator rejected")
    result: dict[str, Any] = {"draft_check": {"passed": not problems, "problems": problems}}
    if problems:
        # A redraft sees what was wrong with the last one.
        result["feedback"] = "; ".join(problems)
    return result


# The model gets one redraft with the check's findings; then the template drafter writes it.
MAX_MODEL_DRAFTS = 2


def route_after_check_draft(state: SalesState) -> str:
    check = state.get("draft_check") or {}
    if check.get("passed"):
        return "save_draft"
    draft = state.get("draft") or {}
    if draft.get("source") == "llm" and state.get("draft_attempts", 0) < MAX_MODEL_DRAFTS:
        return "draft_message"
    if draft.get("source") == "llm":
        return "write_template_draft"
    return "__end__"  # even the template failed: nothing safe to propose
