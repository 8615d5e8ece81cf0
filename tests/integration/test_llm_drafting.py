"""Drafting through the real ChatOpenAI client against a local OpenAI-compatible server."""

from __future__ import annotations

import pytest

from tests.conftest import (
    NEHA,
    create_consumer,
    create_creator,
    load_creator,
    running_service,
    wait_for_event,
)
from tests.standins.openai_server import ScriptedOpenAI

GOOD = {
    "channel": "whatsapp",
    "subject": None,
    "body": "Hi {{first_name}}! {{creator_name}}'s {{title:101}} ({{price:101}}) maps your next "
    "role: {{link:101}}",
    "service_ids": [101],
    "confidence": 0.82,
    "reasoning": "First visit; the entry-level call is the natural next step.",
}
GOOD_RENDERED = (
    "Hi Neha! Ajay Shenoy's 1:1 Career Strategy Call (₹1,999 per session) maps your next "
    "role: https://marketplace.example/ajay_shenoy/101"
)
INVENTED_PRICE = {**GOOD, "body": "Hi {{first_name}}! {{title:101}} is just ₹1,499 this week."}
INVENTED_LINK = {
    **GOOD,
    "body": "Hi {{first_name}}! Claim your spot: http://win-prizes.example/claim",
}


async def draft_for_first_visit(database_url: str, llm: ScriptedOpenAI, judge: str = "off") -> dict:
    """The draft for a first visit; by default the script answers drafts only (no judge)."""
    async with running_service(
        database_url,
        openai_api_key="test-key",
        openai_base_url=llm.base_url,
        openai_model="standin-model",
        draft_judge=judge,
        llm_timeout_s=1.0,
        llm_max_retries=0,
    ) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, NEHA)
        posted = await client.post(
            "/events",
            json={
                "creator_id": "ajay_shenoy",
                "consumer_id": "c-1001",
                "type": "page_view",
                "occurred_at": "2026-11-02T05:30:00Z",
                "payload": {"page": "creator_profile"},
            },
        )
        event = await wait_for_event(client, posted.json()["event_id"])
        assert event["decision"]["act"] is True, event
        approval = (await client.get(f"/approvals/{event['decision']['approval_id']}")).json()
        return {**approval["draft"], "check": event["decision"]["draft_check"]}


async def test_a_good_structured_answer_becomes_the_draft(database_url):
    with ScriptedOpenAI([{"json": GOOD}]) as llm:
        draft = await draft_for_first_visit(database_url, llm)
    assert draft["source"] == "llm"
    assert draft["body"] == GOOD_RENDERED
    assert draft["confidence"] == pytest.approx(0.82)
    assert draft["prompt_name"] == "draft_message" and len(draft["prompt_hash"]) == 16
    request = llm.requests[0]
    assert request["model"] == "standin-model"
    assert request["response_format"]["type"] == "json_schema"
    prompt = request["messages"][0]["content"]
    # Creator data is inside the fence, as data; descriptions and prices never reach the prompt.
    assert "<creator_data>" in prompt and "Leadership Accelerator" in prompt
    assert "{{price:103}}" in prompt and "24,999" not in prompt
    description = load_creator("ajay_shenoy")["services"][0]["description"]
    assert description and description[:40] not in prompt


@pytest.mark.parametrize(
    "failure",
    [{"status": 500}, {"sleep": 2.5, "json": GOOD}, {"content": "this is not json"}],
    ids=["server error", "slower than the timeout", "invalid json"],
)
async def test_a_failing_model_falls_back_to_the_template_drafter(database_url, failure):
    with ScriptedOpenAI([failure]) as llm:
        draft = await draft_for_first_visit(database_url, llm)
    assert draft["source"] == "template"
    assert draft["fallback_reason"]
    assert "Ajay" in draft["body"] and "₹" in draft["body"]


async def test_an_invented_price_is_caught_and_never_reaches_the_creator(database_url):
    with ScriptedOpenAI([{"json": INVENTED_PRICE}]) as llm:
        draft = await draft_for_first_visit(database_url, llm)
    # The model got one redraft told which rules failed (not the words), then the template.
    assert len(llm.requests) == 2
    feedback = llm.requests[1]["messages"][0]["content"]
    assert "State no price yourself" in feedback and "1,499" not in feedback
    assert draft["source"] == "template"
    assert "₹1,499" not in draft["body"]
    assert "failed the check" in draft["fallback_reason"]


async def test_an_invented_link_is_redrafted_by_the_model(database_url):
    with ScriptedOpenAI([{"json": INVENTED_LINK}, {"json": GOOD}]) as llm:
        draft = await draft_for_first_visit(database_url, llm)
    assert len(llm.requests) == 2
    feedback = llm.requests[1]["messages"][0]["content"]
    assert "Write no link yourself" in feedback and "win-prizes" not in feedback
    assert draft["source"] == "llm" and draft["body"] == GOOD_RENDERED


def verdict(**present: str) -> dict:
    """A judge answer: every rubric class absent unless given with its quote."""
    classes = ("offer", "guarantee", "urgency", "invented_service", "social_proof", "off_platform")
    return {c: {"present": c in present, "quote": present.get(c, "")} for c in classes}


async def test_a_draft_the_judge_clears_reaches_the_creator_as_passed(database_url):
    with ScriptedOpenAI([{"json": GOOD}, {"json": verdict()}]) as llm:
        draft = await draft_for_first_visit(database_url, llm, judge="on")
    assert draft["source"] == "llm" and draft["check"]["passed"] is True
    judged = llm.requests[1]["messages"][0]["content"]
    # The judge reads the rendered message, never the placeholders or creator free text.
    assert "₹1,999 per session" in judged and "{{price:101}}" not in judged
    description = load_creator("ajay_shenoy")["services"][0]["description"]
    assert description[:40] not in judged


async def test_a_claim_the_judge_names_is_redrafted_without_quoting_it(database_url):
    steps = [{"json": GOOD}, {"json": verdict(offer="first call on us")}, {"json": GOOD}]
    steps.append({"json": verdict()})
    with ScriptedOpenAI(steps) as llm:
        draft = await draft_for_first_visit(database_url, llm, judge="on")
    redraft_prompt = llm.requests[2]["messages"][0]["content"]
    assert "Make no offer" in redraft_prompt and "first call on us" not in redraft_prompt
    assert draft["source"] == "llm" and draft["check"]["passed"] is True


async def test_a_judge_that_fails_holds_the_draft_flagged_not_judged(database_url):
    with ScriptedOpenAI([{"json": GOOD}, {"status": 500}]) as llm:
        draft = await draft_for_first_visit(database_url, llm, judge="on")
    assert draft["source"] == "llm" and draft["body"] == GOOD_RENDERED
    assert draft["check"]["passed"] is False
    assert [p["rule"] for p in draft["check"]["problems"]] == ["not_judged"]
