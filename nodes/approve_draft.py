"""The agent approves the saved draft itself, when its approval mode allows it.

The rule is domain.auto_approval. The approval is recorded like a creator's (with the rule
that allowed it) and its send is scheduled after the undo window; the thread then waits at
request_approval as it does for any decided draft, so the creator can cancel until the
scheduled resume sends it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.runtime import Runtime

from domain.auto_approval import AgentVerdict, DraftFacts, agent_verdict
from graphs.context import SalesContext, context_of
from graphs.state import SalesState
from tools.sales_store import AgentApproval, SalesStore


def verdict_on_draft(state: SalesState, runtime: Runtime[SalesContext]) -> AgentVerdict:
    """The agent's verdict on the draft in `state`, by the run's agent settings."""
    context = context_of(runtime)
    draft = state.get("draft") or {}
    check = state.get("draft_check") or {}
    facts = DraftFacts(
        source=draft.get("source"),
        confidence=draft.get("confidence"),
        check_passed=bool(check.get("passed")),
        finding_rules=tuple(p.get("rule", "") for p in check.get("problems") or []),
        first_message=not (state.get("context") or {}).get("messages_sent"),
        reply_to_lead=state["event"]["type"] == "inbound_message"
        or (state.get("decision") or {}).get("reason") == "inbound_reply",
    )
    return agent_verdict(context.approval_mode, context.approval_threshold, facts)


def make_approve_draft(store: SalesStore) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def approve_draft(
        state: SalesState, runtime: Runtime[SalesContext], config: RunnableConfig
    ) -> dict[str, Any]:
        verdict = verdict_on_draft(state, runtime)
        approval = state["approval"]
        if not verdict.approve or approval is None:
            return {}  # a retry under changed settings: the draft waits for the creator
        await store.approve_by_agent(
            AgentApproval(
                approval_id=approval["id"],
                thread_id=config["configurable"]["thread_id"],
                mode=context_of(runtime).approval_mode,
                rule=verdict.rule,
                reason=verdict.reason,
            )
        )
        return {}

    return approve_draft
