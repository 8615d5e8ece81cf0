"""The sales graph's approval flow with in-memory fakes: no database, no network."""

from __future__ import annotations

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from domain.marketplace import MarketplaceCreator
from domain.profile_writing import build_profile
from graphs.context import SalesContext
from graphs.sales import SalesAdapters, build_sales_graph
from tests.conftest import load_creator
from tests.fakes import RevisingDrafter
from tools.channels import OutgoingMessage, SendError, SendReceipt
from tools.drafting import TemplateDrafter
from tools.sales_store import InMemorySalesStore

PROFILE = build_profile(MarketplaceCreator.model_validate(load_creator("ajay_shenoy")))
CONTEXT = SalesContext(creator_id="ajay_shenoy", profile=PROFILE, profile_version=3)
NEHA = {"id": "c-1", "name": "Neha", "whatsapp": "+919876543210", "consent": {"whatsapp": True}}
CONFIG = {"configurable": {"thread_id": "ajay_shenoy:c-1"}}


class RecordingTransport:
    name = "fake"
    enforces_window = False

    def __init__(self, fail_first: bool = False):
        self.sent: list[OutgoingMessage] = []
        self.fail_first = fail_first

    async def send(self, message: OutgoingMessage) -> SendReceipt:
        if self.fail_first:
            self.fail_first = False
            raise SendError("throttled", permanent=False)
        self.sent.append(message)
        return SendReceipt(status="sent", provider_message_id=f"P{len(self.sent)}")


class InventingDrafter:
    """A model that keeps making up a price."""

    revises_with_feedback = True

    calls = 0

    async def draft(self, request):
        self.calls += 1
        return {
            "channel": request.channel,
            "subject": None,
            "service_ids": [101],
            "body": "The Career Strategy Call is ₹1,499 this week only.",
            "confidence": 0.9,
            "reasoning": "",
            "source": "llm",
            "fallback_reason": None,
        }


def graph(drafter=None, whatsapp=None):
    store = InMemorySalesStore()
    transport = whatsapp or RecordingTransport()
    adapters = SalesAdapters(
        drafter=drafter or TemplateDrafter(),
        whatsapp=transport,
        email=RecordingTransport(),
        store=store,
    )
    return build_sales_graph(adapters).compile(checkpointer=InMemorySaver()), store, transport


def event(event_id: str, at: str, event_type="page_view", payload=None) -> dict:
    return {
        "event": {"id": event_id, "type": event_type, "occurred_at": at, "payload": payload or {}},
        "consumer": NEHA,
    }


def approve() -> Command:
    return Command(resume={"decisions": [{"type": "approve"}]})


class RepeatingDrafter(RevisingDrafter):
    """A model that ignores the feedback and writes the rejected text again."""

    async def draft(self, request, fallback_reason=None):
        draft = await TemplateDrafter.draft(self, request, fallback_reason)
        return {**draft, "source": "llm"}


async def test_feedback_on_a_draft_that_kept_waiting_redrafts_for_the_original_event():
    sales, store, whatsapp = graph(drafter=RevisingDrafter())
    await sales.ainvoke(event("e1", "2026-11-02T05:30:00+00:00"), CONFIG, context=CONTEXT)
    later = await sales.ainvoke(event("e2", "2026-11-02T06:00:00+00:00"), CONFIG, context=CONTEXT)
    assert later["decision"]["reason"] == "pending_approval" and "__interrupt__" in later
    redrafted = await sales.ainvoke(
        Command(resume={"decisions": [{"type": "reject", "message": "shorter please"}]}),
        CONFIG,
        context=CONTEXT,
    )
    assert "__interrupt__" in redrafted
    assert redrafted["decision"]["reason"] == "new_lead"
    assert len(store.approvals) == 2
    done = await sales.ainvoke(approve(), CONFIG, context=CONTEXT)
    assert done["send_result"]["status"] == "sent"
    assert len(whatsapp.sent) == 1
    assert done["context"]["messages_sent"] == 1


async def test_an_edit_sends_the_edited_text():
    sales, _, whatsapp = graph()
    await sales.ainvoke(event("e1", "2026-11-02T05:30:00+00:00"), CONFIG, context=CONTEXT)
    edit = {
        "type": "edit",
        "edited_action": {"name": "send_whatsapp", "args": {"body": "Hi Neha, Ajay here."}},
    }
    await sales.ainvoke(Command(resume={"decisions": [edit]}), CONFIG, context=CONTEXT)
    assert [m.body for m in whatsapp.sent] == ["Hi Neha, Ajay here."]


async def test_a_model_that_keeps_inventing_is_replaced_by_the_template_drafter():
    drafter = InventingDrafter()
    sales, store, _ = graph(drafter=drafter)
    result = await sales.ainvoke(event("e1", "2026-11-02T05:30:00+00:00"), CONFIG, context=CONTEXT)
    assert drafter.calls == 2
    draft = result["approval"]["draft"]
    assert draft["source"] == "template" and "₹1,499" not in draft["body"]
    assert draft["profile_version"] == 3


async def test_a_transient_send_failure_is_retried_and_sends_once():
    flaky = RecordingTransport(fail_first=True)
    sales, store, _ = graph(whatsapp=flaky)
    await sales.ainvoke(event("e1", "2026-11-02T05:30:00+00:00"), CONFIG, context=CONTEXT)
    with pytest.raises(SendError):
        await sales.ainvoke(approve(), CONFIG, context=CONTEXT)
    [row] = store.messages.values()
    assert row["status"] == "retry"
    # The job queue's retry continues the run from its checkpoint.
    result = await sales.ainvoke(None, CONFIG, context=CONTEXT)
    assert result["send_result"]["status"] == "sent"
    assert len(flaky.sent) == 1
    # Replaying the finished run sends nothing more.
    await sales.ainvoke(None, CONFIG, context=CONTEXT)
    assert len(flaky.sent) == 1


async def test_an_opt_out_withdraws_the_waiting_draft_and_sends_nothing():
    sales, store, whatsapp = graph()
    await sales.ainvoke(event("e1", "2026-11-02T05:30:00+00:00"), CONFIG, context=CONTEXT)
    result = await sales.ainvoke(
        event("e2", "2026-11-02T05:40:00+00:00", "inbound_message", {"text": "STOP"}),
        CONFIG,
        context=CONTEXT,
    )
    assert result["decision"]["reason"] == "opted_out" and "__interrupt__" not in result
    [approval] = store.approvals.values()
    assert approval["status"] == "withdrawn"
    assert whatsapp.sent == []


async def test_an_untriggered_event_keeps_the_waiting_draft_approvable():
    sales, _, whatsapp = graph()
    only_page_views = SalesContext(
        creator_id="ajay_shenoy", profile=PROFILE, triggers=[{"event_type": "page_view"}]
    )
    await sales.ainvoke(event("e1", "2026-11-02T05:30:00+00:00"), CONFIG, context=only_page_views)
    click = event("e2", "2026-11-02T05:40:00+00:00", "service_click", {"service_id": 103})
    result = await sales.ainvoke(click, CONFIG, context=only_page_views)
    assert result["decision"]["reason"] == "not_triggered"
    assert "__interrupt__" in result  # still waiting on the first draft
    await sales.ainvoke(approve(), CONFIG, context=only_page_views)
    assert len(whatsapp.sent) == 1


async def reject_with_feedback(sales):
    return await sales.ainvoke(
        Command(resume={"decisions": [{"type": "reject", "message": "make it warmer"}]}),
        CONFIG,
        context=CONTEXT,
    )


async def test_feedback_under_the_template_drafter_writes_no_identical_redraft():
    sales, store, whatsapp = graph()
    await sales.ainvoke(event("e1", "2026-11-02T05:30:00+00:00"), CONFIG, context=CONTEXT)
    result = await reject_with_feedback(sales)
    assert "__interrupt__" not in result and not result.get("redraft_requested")
    assert len(store.approvals) == 1 and whatsapp.sent == []


async def test_a_model_that_repeats_the_rejected_text_is_never_shown_again():
    sales, store, _ = graph(drafter=RepeatingDrafter())
    first = await sales.ainvoke(event("e1", "2026-11-02T05:30:00+00:00"), CONFIG, context=CONTEXT)
    rejected = first["approval"]["draft"]["body"]
    result = await reject_with_feedback(sales)
    bodies = [a["draft"]["body"] for a in store.approvals.values()]
    assert bodies.count(rejected) == 1
    if "__interrupt__" in result:  # the template drafter's different text, or nothing
        assert result["approval"]["draft"]["body"] != rejected


async def test_a_booked_service_is_never_offered_on_a_later_page_view():
    sales, store, _ = graph()
    # What the bookings table says with each event: 101 booked at 05:30.
    booked = {"booked_service_ids": [101], "last_booked_at": "2026-11-02T05:30:00+00:00"}
    soon = await sales.ainvoke(
        {**event("e2", "2026-11-02T06:00:00+00:00"), "outreach": booked}, CONFIG, context=CONTEXT
    )
    assert soon["decision"]["reason"] == "seen_recently"  # within a day of the booking
    later = await sales.ainvoke(
        {**event("e3", "2026-11-04T06:00:00+00:00"), "outreach": booked}, CONFIG, context=CONTEXT
    )
    assert later["decision"]["reason"] == "returning_lead"
    draft = later["approval"]["draft"]
    booked_service = next(s for s in PROFILE["services"] if s["id"] == 101)
    assert 101 not in draft["service_ids"] and draft["service_ids"]
    assert booked_service["booking_url"] not in draft["body"]
    assert booked_service["title"] not in draft["body"]


async def test_a_question_while_a_draft_waits_withdraws_it_and_gets_an_answer_draft():
    sales, store, _ = graph()
    first = await sales.ainvoke(event("e1", "2026-11-02T05:30:00+00:00"), CONFIG, context=CONTEXT)
    stale = first["approval"]["id"]
    asked = event("e2", "2026-11-02T05:40:00+00:00", "inbound_message", {"text": "Is it online?"})
    result = await sales.ainvoke(asked, CONFIG, context=CONTEXT)
    assert result["decision"]["reason"] == "inbound_reply" and "__interrupt__" in result
    assert store.approvals[stale]["status"] == "withdrawn"
    assert result["approval"]["id"] != stale and result["approval"]["event_id"] == "e2"


async def test_a_question_after_the_creator_approved_keeps_the_approved_draft_going_out():
    sales, store, whatsapp = graph()
    first = await sales.ainvoke(event("e1", "2026-11-02T05:30:00+00:00"), CONFIG, context=CONTEXT)
    approved = first["approval"]["id"]
    store.approvals[approved]["status"] = "approved"  # decided; its resume job is queued
    asked = event("e2", "2026-11-02T05:40:00+00:00", "inbound_message", {"text": "Is it online?"})
    result = await sales.ainvoke(asked, CONFIG, context=CONTEXT)
    assert result["approval"]["id"] == approved and "__interrupt__" in result
    assert store.approvals[approved]["status"] == "approved"
    done = await sales.ainvoke(approve(), CONFIG, context=CONTEXT)
    assert done["send_result"]["status"] == "sent" and len(whatsapp.sent) == 1
