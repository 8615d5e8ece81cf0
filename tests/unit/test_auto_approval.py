"""The approval-mode rule (domain.auto_approval), and the sales graph taking its route."""

from __future__ import annotations

import math

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from domain.auto_approval import DraftFacts, agent_verdict
from graphs.context import SalesContext
from graphs.sales import SalesAdapters, build_sales_graph
from tests.unit.test_sales_graph import CONFIG, PROFILE, RecordingTransport, event
from tools.drafting import TemplateDrafter
from tools.sales_store import InMemorySalesStore

# A model's draft that passed every check, for a lead who was already written to.
CLEAN = DraftFacts(
    source="llm",
    confidence=0.9,
    check_passed=True,
    finding_rules=(),
    first_message=False,
    reply_to_lead=False,
)


def facts(**changes) -> DraftFacts:
    return DraftFacts(**{**CLEAN.__dict__, **changes})


@pytest.mark.parametrize(
    ("mode", "draft", "approve", "rule"),
    [
        ("manual", CLEAN, False, "manual_mode"),
        ("semi_auto", CLEAN, True, "semi_auto_confident"),
        ("auto", CLEAN, True, "auto_checks_passed"),
        ("semi_auto", facts(confidence=0.8), True, "semi_auto_confident"),
        ("semi_auto", facts(confidence=0.79), False, "below_threshold"),
        ("auto", facts(confidence=0.1), True, "auto_checks_passed"),
        ("semi_auto", facts(source="template"), False, "template_draft"),
        ("auto", facts(source="template"), False, "template_draft"),
        (
            "auto",
            facts(check_passed=False, finding_rules=("price", "not_judged")),
            False,
            "check_findings",
        ),
        ("semi_auto", facts(check_passed=False, finding_rules=("offer",)), False, "check_findings"),
        ("auto", facts(check_passed=False, finding_rules=("not_judged",)), False, "not_judged"),
        ("semi_auto", facts(check_passed=False, finding_rules=()), False, "check_findings"),
        ("semi_auto", facts(first_message=True), False, "first_message"),
        ("auto", facts(first_message=True), True, "auto_checks_passed"),
        ("semi_auto", facts(reply_to_lead=True), False, "reply_to_lead"),
        ("auto", facts(reply_to_lead=True), True, "auto_checks_passed"),
        ("semi_auto", facts(confidence=None), False, "below_threshold"),
        ("semi_auto", facts(confidence=True), False, "below_threshold"),
        ("semi_auto", facts(confidence=math.nan), False, "below_threshold"),
        ("semi_auto", facts(confidence=1.5), False, "below_threshold"),
        ("semi_auto", facts(confidence="0.9"), False, "below_threshold"),
        ("something_else", CLEAN, False, "manual_mode"),
    ],
)
def test_the_mode_decides_which_drafts_the_agent_approves(mode, draft, approve, rule):
    verdict = agent_verdict(mode, 0.8, draft)
    assert (verdict.approve, verdict.rule) == (approve, rule)
    assert verdict.reason


def test_the_threshold_is_the_agents_own():
    assert agent_verdict("semi_auto", 0.95, CLEAN).approve is False
    assert agent_verdict("semi_auto", 0.0, facts(confidence=0.0)).approve is True
    assert "0.90" in agent_verdict("semi_auto", 0.95, CLEAN).reason


class ConfidentDrafter(TemplateDrafter):
    """A model that writes the template's text with a confidence."""

    revises_with_feedback = True

    async def draft(self, request, fallback_reason=None):
        draft = await super().draft(request, fallback_reason)
        return {**draft, "source": "llm", "confidence": 0.9}


def sales_graph(drafter):
    store = InMemorySalesStore()
    whatsapp = RecordingTransport()
    adapters = SalesAdapters(
        drafter=drafter, whatsapp=whatsapp, email=RecordingTransport(), store=store
    )
    return build_sales_graph(adapters).compile(checkpointer=InMemorySaver()), store, whatsapp


def context(mode: str) -> SalesContext:
    return SalesContext(
        creator_id="ajay_shenoy", profile=PROFILE, profile_version=3, approval_mode=mode
    )


async def test_an_agent_approval_is_recorded_and_the_thread_still_waits_for_its_send():
    sales, store, whatsapp = sales_graph(ConfidentDrafter())
    paused = await sales.ainvoke(
        event("e1", "2026-11-02T05:30:00+00:00"), CONFIG, context=context("auto")
    )
    # Approved, not sent: the interrupt is the undo window until the send resumes it.
    assert "__interrupt__" in paused and whatsapp.sent == []
    (approval,) = store.approvals.values()
    assert approval["status"] == "agent_approved"
    assert approval["decision"]["rule"] == "auto_checks_passed"
    assert [e["action"] for e in store.audit_log] == ["draft_created", "draft_agent_approved"]
    assert store.audit_log[1]["actor"] == "agent"
    done = await sales.ainvoke(
        Command(resume=approval["decision"]), CONFIG, context=context("auto")
    )
    assert done["send_result"]["status"] == "sent" and len(whatsapp.sent) == 1


@pytest.mark.parametrize("mode", ["manual", "semi_auto", "auto"])
async def test_a_template_draft_is_never_approved_by_the_agent(mode):
    sales, store, whatsapp = sales_graph(TemplateDrafter())
    paused = await sales.ainvoke(
        event("e1", "2026-11-02T05:30:00+00:00"), CONFIG, context=context(mode)
    )
    assert "__interrupt__" in paused
    assert [a["status"] for a in store.approvals.values()] == ["pending"]
    assert "draft_agent_approved" not in [e["action"] for e in store.audit_log]


async def test_a_cancelled_approval_is_not_sent_even_when_resumed_with_an_approval():
    sales, store, whatsapp = sales_graph(ConfidentDrafter())
    await sales.ainvoke(event("e1", "2026-11-02T05:30:00+00:00"), CONFIG, context=context("auto"))
    (approval,) = store.approvals.values()
    approval["status"] = "cancelled"  # the creator cancelled while the send was on its way
    done = await sales.ainvoke(
        Command(resume=approval["decision"]), CONFIG, context=context("auto")
    )
    assert whatsapp.sent == [] and done["approval"] is None and done["send_result"] is None
