"""Check the rendered draft before a human ever sees it.

What the drafter wrote was already rendered and checked for facts (`draft_findings`: its own
words, its placeholders, the channel's rules). Here the wording is checked by the judge: the
lexicon on the drafter's own words, and with a model a second call that sees only the
rendered text and the facts. A model's failed draft is redrafted once, told only which rules
failed, never the words that tripped them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langgraph.runtime import Runtime

from domain import findings as rules
from domain.findings import finding, generic_feedback
from domain.slots import without_slots
from graphs.context import SalesContext
from graphs.state import SalesState
from nodes.draft_message import profile_for_lead
from tools.judge import Judge, scan_lexicon


def make_check_draft(judge: Judge) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def check_draft(state: SalesState, runtime: Runtime[SalesContext]) -> dict[str, Any]:
        draft = state["draft"] or {}
        written = draft.get("written") or {}
        problems = list(state.get("draft_findings") or [])
        own_words = without_slots(f"{written.get('subject') or ''}\n{written.get('body') or ''}")
        if state.get("rejected_body") and draft.get("body", "").strip() == state["rejected_body"]:
            problems.append(finding(rules.SLOT, "", "repeats the text the creator rejected"))
        if problems:
            # Failed already: the wording is still named for the redraft, without a model call.
            problems.extend(await scan_lexicon(own_words))
        else:
            text = f"{draft.get('subject') or ''}\n{draft.get('body') or ''}".strip()
            problems.extend(
                await judge.judge(text, profile_for_lead(state, runtime), own_words=own_words)
            )
        result: dict[str, Any] = {"draft_check": {"passed": not problems, "problems": problems}}
        if problems:
            result["feedback"] = generic_feedback(problems)
        return result

    return check_draft


def _only_not_judged(problems: list[dict[str, str]]) -> bool:
    return bool(problems) and all(p["rule"] == rules.NOT_JUDGED for p in problems)


# The model gets one redraft with the failed rule classes; then the template drafter writes it.
MAX_MODEL_DRAFTS = 2


async def route_after_check_draft(state: SalesState) -> str:
    check = state.get("draft_check") or {}
    if check.get("passed") or _only_not_judged(check.get("problems") or []):
        # A judge that failed holds nothing back and passes nothing: the draft waits for the
        # creator flagged "not judged" (its check says passed: false).
        return "save_draft"
    draft = state.get("draft") or {}
    if draft.get("source") == "llm" and state.get("draft_attempts", 0) < MAX_MODEL_DRAFTS:
        return "draft_message"
    if draft.get("source") == "llm":
        return "write_template_draft"
    return "__end__"  # even the template failed: nothing safe to propose
