"""A quiet event decided without a run (server.quiet_path) gets exactly what the sales graph
would decide and leaves the lead's context as the graph would; an event the graph acts on is
never decided there. Checked against the compiled graph, event by event, on one thread."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from langgraph.types import Command

from domain.compliance import SendingRules
from server.quiet_path import decide_without_graph
from tests.unit.test_sales_graph import CONFIG, CONTEXT, NEHA, graph

START = datetime(2026, 11, 2, 5, 30, tzinfo=UTC)


def at(minutes: float) -> str:
    return (START + timedelta(minutes=minutes)).isoformat()


# (minutes after START, type, payload, outreach): a lead's life, quiet and not.
EVENTS = [
    (0, "page_view", {}, {}),  # new_lead: drafts
    (1, "page_view", {}, {}),  # seen_recently
    (2, "page_view", {}, {}),
    (3, "service_click", {"service_id": 999_999}, {}),  # not offered: acts or not, as decided
    (4, "booking_cancelled", {"booking_id": "b-1"}, {}),  # not a trigger of sales
    (5, "page_view", {}, {"lead_day": 99}),  # capped, but seen recently first
    (60 * 30, "page_view", {}, {"lead_day": 99, "lead_week": 99}),  # returning, capped
    (60 * 31, "page_view", {}, {"whatsapp_suppressed": "complaint"}),
    (
        60 * 32,
        "inbound_message",
        {"text": "Automatic reply: I am out of the office until Monday"},
        {},
    ),  # auto_reply
    (60 * 33, "page_view", {}, {"paused_until": at(60 * 40)}),  # the creator took over
    (60 * 60, "page_view", {}, {}),  # returning_lead: drafts
    (60 * 61, "inbound_message", {"text": "Tell me more"}, {}),  # a reply: drafts
    (60 * 62, "timer", {"kind": "follow_up", "number": 1, "since": at(60 * 50)}, {}),
    (60 * 63, "page_view", {}, {"booked_service_ids": [1]}),
    (60 * 64, "inbound_message", {"text": "STOP"}, {}),  # opted out
    (60 * 65, "page_view", {}, {}),
    (60 * 66, "inbound_message", {"text": "hello again"}, {}),
]


@pytest.mark.parametrize(
    "run_context",
    [
        CONTEXT,
        replace(CONTEXT, agent_enabled=False),
        replace(CONTEXT, triggers=[{"event_type": "service_click"}]),
        replace(CONTEXT, rules=SendingRules(max_per_lead_per_day=0)),
    ],
    ids=["default agent", "agent off", "clicks only", "no messages a day"],
)
async def test_a_quiet_decision_without_a_run_is_the_graphs_own(run_context):
    sales, _store, _transport = graph()
    context = None
    decided_without_run, acted = [], 0
    for n, (minutes, event_type, payload, outreach) in enumerate(EVENTS):
        run_input = {
            "event": {
                "id": f"e{n}",
                "type": event_type,
                "occurred_at": at(minutes),
                "payload": payload,
            },
            "consumer": NEHA,
            "outreach": outreach,
        }
        if context is not None:
            run_input["context"] = context
        quiet = await decide_without_graph(run_input, run_context)
        values = await sales.ainvoke(run_input, CONFIG, context=run_context)
        if quiet is None:
            acted += 1
            assert values["decision"]["act"], (event_type, values["decision"])
        else:
            decided_without_run.append(quiet["decision"]["reason"])
            assert not values["decision"]["act"]
            assert quiet["decision"] == values["decision"], event_type
            assert quiet["context"] == values["context"], event_type
        if "__interrupt__" in values:  # a draft waits: reject it, so the thread is idle again
            values = await sales.ainvoke(
                Command(resume={"decisions": [{"type": "reject"}]}), CONFIG, context=run_context
            )
        assert values.get("approval") is None
        context = values["context"]
    assert decided_without_run
    if run_context is CONTEXT:
        assert acted >= 3  # the first view, the return and the reply drafted
        assert {
            "seen_recently",
            "frequency_cap",
            "suppressed",
            "auto_reply",
            "creator_takeover",
            "opted_out",
        } <= set(decided_without_run), decided_without_run


async def test_an_event_that_would_act_is_left_to_the_graph():
    first_view = {
        "event": {"id": "e1", "type": "page_view", "occurred_at": at(0), "payload": {}},
        "consumer": NEHA,
        "outreach": {},
    }
    assert await decide_without_graph(first_view, CONTEXT) is None
    seen = await decide_without_graph(
        {
            **first_view,
            "context": {"page_views": 1, "last_page_view_at": at(-1), "last_seen_at": at(-1)},
        },
        CONTEXT,
    )
    assert seen is not None
    assert seen["decision"]["reason"] == "seen_recently"
    assert seen["context"]["page_views"] == 2
