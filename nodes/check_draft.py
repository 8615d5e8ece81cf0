"""Check the rendered draft before a human ever sees it.

What the drafter wrote was already rendered and checked for facts (`draft_findings`: its own
words, its placeholders, the channel's rules). Here the wording is checked: the lexicon on the
drafter's own words always, and the judge (a second model call that sees only the rendered
text and the facts) when one is configured. A model's failed draft is redrafted once, told
only which rules failed, never the words that tripped them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langgraph.runtime import Runtime

from domain import findings as rules
from domain.findings import finding, generic_feedback
from domain.lexicon import lexicon_findings
from domain.slots import without_slots
from graphs.context import SalesContext
from graphs.state import SalesState
from nodes.draft_message import profile_for_lead
from tools.judge import Judge


def make_check_draft(judge: Judge | None) -> Callable[..., Awaitable[dict[str, Any]]]:
    """`judge`: the model judge, or None without a model (the lexicon alone then)."""

    async def check_draft(state: SalesState, runtime: Runtime[SalesContext]) -> dict[str, Any]:
        draft = state["draft"] or {}
        written = draft.get("written") or {}
        problems = list(state.get("draft_findings") or [])
        own_words = without_slots(f"{written.get('subject') or ''}\n{written.get('body') or ''}")
        problems.extend(lexicon_findings(own_words))
        if state.get("rejected_body") and draft.get("body", "").strip() == state["rejected_body"]:
            problems.append(finding(rules.SLOT, "", "repeats the text the creator rejected"))
        if judge is not None and not problems:
            # Only a draft with nothing else wrong is worth a second model call.
            text = f"{draft.get('subject') or ''}\n{draft.get('body') or ''}".strip()
            problems.extend(await judge.judge(text, profile_for_lead(state, runtime)))
        result: dict[str, Any] = {"draft_check": {"passed": not problems, "problems": problems}}
        if problems:
            result["feedback"] = generic_feedback(problems)
        return result

    return check_draft


# The model gets one redraft with the failed rule classes; then the template drafter writes it.
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
