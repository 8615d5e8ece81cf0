"""Onboarding through the HTTP API on real Postgres: fixtures, the marketplace API,
the model, reviews, and re-syncs that only take effect once approved."""

from __future__ import annotations

import copy

import pytest

from tests.conftest import (
    NEHA,
    create_consumer,
    load_creator,
    running_service,
    wait_for,
    wait_for_event,
)
from tests.standins.marketplace_server import MarketplaceStandIn
from tests.standins.openai_server import ScriptedOpenAI

CREATORS = ["ajay_shenoy", "maya_lifts", "lena_designs", "growth_hacker_x", "quiet_creator"]
BIO_INSTRUCTIONS = [
    "free",
    "0000-1111",
    "bank transfer",
    "win-prizes",
    "10x",
    "guaranteed",
    "<script",
    "ignore all previous",
    "developer mode",
]


async def wait_for_status(client, onboarding_id: str, *statuses: str) -> dict:
    async def reached():
        run = (await client.get(f"/onboarding/{onboarding_id}")).json()
        return run if run["status"] in statuses else None

    return await wait_for(reached)


async def onboard(client, username: str, data: dict | None = None, approve: bool = True) -> dict:
    body = {"username": username, "marketplace_data": data or load_creator(username)}
    started = await client.post("/onboarding/", json=body)
    assert started.status_code == 202, started.text
    run = await wait_for_status(
        client, started.json()["onboarding_id"], "awaiting_review", "failed"
    )
    assert run["status"] == "awaiting_review", run
    if approve:
        decided = await client.post(
            f"/approvals/{run['approval_id']}/decision", json={"decisions": [{"type": "approve"}]}
        )
        assert decided.status_code == 200, decided.text
        run = await wait_for_status(client, run["id"], "approved")
    return run


async def first_draft(client, creator: str, consumer: dict, event: dict) -> dict:
    await create_consumer(client, consumer, creator)
    posted = await client.post(
        "/events", json={"creator_id": creator, "consumer_id": consumer["external_id"], **event}
    )
    return (await wait_for_event(client, posted.json()["event_id"]))["decision"]


async def test_every_creator_fixture_onboards_to_an_approved_profile_and_agent(database_url):
    async with running_service(database_url) as client:
        for username in CREATORS:
            run = await onboard(client, username)
            assert run["profile_version"] == 1
            assert set(run["timings"]) >= {"write_attempt_1_ms"}
            profile = (await client.get(f"/onboarding/profile/{username}")).json()
            assert profile["approved"]["version"] == 1 and profile["pending_review"] is None
            assert profile["approved"]["profile"]["source"] == "deterministic"
            agents = (await client.get(f"/onboarding/agents/{username}")).json()["agents"]
            assert len(agents) == 1 and agents[0]["enabled"]
        # Deploying again updates nothing and never duplicates.
        ajay = (await client.get("/onboarding/agents/ajay_shenoy")).json()["agents"]
        again = await client.post("/onboarding/deploy-agent/ajay_shenoy")
        assert again.status_code == 200 and again.json()["id"] == ajay[0]["id"]
        assert len((await client.get("/agents")).json()["agents"]) == len(CREATORS)


async def test_quiet_creator_has_nothing_to_sell_and_its_agent_stays_quiet(database_url):
    async with running_service(database_url) as client:
        await onboard(client, "quiet_creator")
        profile = (await client.get("/onboarding/profile/quiet_creator")).json()["approved"]
        assert profile["profile"]["services"] == []
        decision = await first_draft(
            client,
            "quiet_creator",
            {**NEHA, "external_id": "c-5"},
            {"type": "page_view", "occurred_at": "2026-11-07T18:00:00Z", "payload": {}},
        )
        assert (decision["act"], decision["reason"]) == (False, "nothing_to_offer")


async def test_growth_hacker_bio_instructions_reach_neither_profile_nor_drafts(database_url):
    async with running_service(database_url) as client:
        await onboard(client, "growth_hacker_x")
        profile = (await client.get("/onboarding/profile/growth_hacker_x")).json()["approved"]
        text = str(profile["profile"]).lower()
        decision = await first_draft(
            client,
            "growth_hacker_x",
            {**NEHA, "external_id": "c-4"},
            {"type": "page_view", "occurred_at": "2026-11-06T12:00:00Z", "payload": {}},
        )
        draft = (await client.get(f"/approvals/{decision['approval_id']}")).json()["draft"]
    for banned in BIO_INSTRUCTIONS:
        assert banned not in text, banned
        assert banned not in draft["body"].lower(), banned


async def test_a_resync_with_a_new_price_is_used_only_after_approval(database_url):
    raised = copy.deepcopy(load_creator("ajay_shenoy"))
    raised["services"][0]["price"]["amount"] = 2499
    async with running_service(database_url) as client:
        await onboard(client, "ajay_shenoy")
        synced = await client.post(
            "/onboarding/sync", json={"creator_id": "ajay_shenoy", "marketplace_data": raised}
        )
        assert synced.status_code == 202
        review = await wait_for_status(client, synced.json()["onboarding_id"], "awaiting_review")
        profile = (await client.get("/onboarding/profile/ajay_shenoy")).json()
        assert (profile["approved"]["version"], profile["pending_review"]["version"]) == (1, 2)

        # While version 2 waits, drafts still use version 1's price.
        decision = await first_draft(
            client,
            "ajay_shenoy",
            NEHA,
            {
                "type": "service_click",
                "occurred_at": "2026-11-08T06:00:00Z",
                "payload": {"service_id": 101},
            },
        )
        draft = (await client.get(f"/approvals/{decision['approval_id']}")).json()
        assert "₹1,999" in draft["draft"]["body"] and draft["profile_version"] == 1
        await client.post(
            f"/approvals/{draft['id']}/decision", json={"decisions": [{"type": "reject"}]}
        )

        await client.post(
            f"/approvals/{review['approval_id']}/decision",
            json={"decisions": [{"type": "approve"}]},
        )
        await wait_for_status(client, review["id"], "approved")
        posted = await client.post(
            "/events",
            json={
                "creator_id": "ajay_shenoy",
                "consumer_id": NEHA["external_id"],
                "type": "service_click",
                "occurred_at": "2026-11-10T06:00:00Z",
                "payload": {"service_id": 101},
            },
        )
        decision = (await wait_for_event(client, posted.json()["event_id"]))["decision"]
        draft = (await client.get(f"/approvals/{decision['approval_id']}")).json()
        assert "₹2,499" in draft["draft"]["body"] and draft["profile_version"] == 2


async def test_profile_edits_are_validated_and_saved(database_url):
    async with running_service(database_url) as client:
        run = await onboard(client, "maya_lifts", approve=False)
        url = f"/approvals/{run['approval_id']}/decision"
        facts = await client.post(
            url,
            json={
                "decisions": [
                    {
                        "type": "edit",
                        "edited_action": {"name": "save_profile", "args": {"services": []}},
                    }
                ]
            },
        )
        assert facts.status_code == 422 and "cannot be edited" in facts.text
        edited = await client.post(
            url,
            json={
                "decisions": [
                    {
                        "type": "edit",
                        "edited_action": {
                            "name": "save_profile",
                            "args": {"summary": "Strength coaching for parents."},
                        },
                    }
                ]
            },
        )
        assert edited.status_code == 200
        await wait_for_status(client, run["id"], "approved")
        profile = (await client.get("/onboarding/profile/maya_lifts")).json()["approved"]
        assert profile["profile"]["summary"] == "Strength coaching for parents."


async def test_marketplace_answers_become_clear_api_errors(database_url):
    broken = {"user": {"id": 1, "username": "broken"}, "services": []}
    with MarketplaceStandIn(
        {
            "ajay_shenoy": [{"status": 500}, {"body": load_creator("ajay_shenoy")}],
            "broken": [{"body": broken}],
            "slow": [{"sleep": 1.5, "body": {}}],
        }
    ) as marketplace:
        async with running_service(
            database_url,
            creator_api_base_url=marketplace.url,
            creator_api_timeout_s=0.5,
            creator_api_attempts=2,
        ) as client:
            ok = await client.post("/onboarding/", json={"username": "ajay_shenoy"})
            assert ok.status_code == 202 and ok.json()["data_source"] == "marketplace"
            assert marketplace.calls["ajay_shenoy"] == 2  # the 500 was retried
            run = await wait_for_status(client, ok.json()["onboarding_id"], "awaiting_review")
            assert run["timings"]["fetch_ms"] >= 0 and run["data_source"] == "marketplace"
            missing = await client.post("/onboarding/", json={"username": "nobody"})
            assert missing.status_code == 404 and "nobody" in missing.text
            bad = await client.post("/onboarding/", json={"username": "broken"})
            assert bad.status_code == 422 and "user.display_name" in bad.text
            slow = await client.post("/onboarding/", json={"username": "slow"})
            assert slow.status_code == 502 and "try again" in slow.text


async def test_without_a_marketplace_api_inline_data_is_required(database_url):
    async with running_service(database_url) as client:
        answer = await client.post("/onboarding/", json={"username": "ajay_shenoy"})
        assert answer.status_code == 422 and "marketplace_data" in answer.text


GOOD_PROFILE = {
    "summary": "Ajay Shenoy coaches senior engineers into engineering management.",
    "sales_pitch": "Start with the 1:1 Career Strategy Call (₹1,999) to map your next role.",
    "target_audience": "Senior engineers and new engineering managers.",
    "value_propositions": ["15 years building teams", "A concrete promotion plan"],
    "agent_instructions": "Warm, specific, no pressure.",
    "objection_handling": [{"objection": "Too expensive", "answer": "Priority DM is ₹499."}],
    "social_proof": ["Rated 4.9 from 187 reviews."],
}


async def onboard_with_model(
    database_url: str, steps: list[dict], judge: str = "off"
) -> tuple[dict, ScriptedOpenAI]:
    """Onboarding with a scripted model; by default it answers profile writing only."""
    with ScriptedOpenAI(steps) as llm:
        async with running_service(
            database_url,
            openai_api_key="k",
            openai_base_url=llm.base_url,
            draft_judge=judge,
            llm_timeout_s=1.0,
            llm_max_retries=0,
        ) as client:
            run = await onboard(client, "ajay_shenoy", approve=False)
            profile = (await client.get("/onboarding/profile/ajay_shenoy")).json()
            assert profile["approved"] is None  # nothing is approved before the creator says so
            log = (
                await client.get(f"/onboarding/{run['id']}", params={"include_log": True})
            ).json()
    return {"profile": profile["pending_review"], "log": log}, llm


async def test_a_good_model_answer_becomes_the_profile_under_review(database_url):
    result, llm = await onboard_with_model(database_url, [{"json": GOOD_PROFILE}])
    profile = result["profile"]["profile"]
    assert result["profile"]["source"] == "llm" and profile["summary"] == GOOD_PROFILE["summary"]
    assert profile["services"][0]["price_text"] == "₹1,999"  # facts from the data
    assert result["log"]["model_answer"]["sales_pitch"] == GOOD_PROFILE["sales_pitch"]
    assert result["log"]["raw_data"]["user"]["username"] == "ajay_shenoy"
    prompt = llm.requests[0]["messages"][0]["content"]
    assert "<creator_data>" in prompt and "Former Director of Engineering" in prompt


async def test_an_array_where_a_string_belongs_is_repaired(database_url):
    answer = {**GOOD_PROFILE, "summary": ["Ajay coaches engineers.", "Former director."]}
    result, _ = await onboard_with_model(database_url, [{"json": answer}])
    assert result["profile"]["source"] == "llm"
    assert result["profile"]["profile"]["summary"] == "Ajay coaches engineers. Former director."


@pytest.mark.parametrize(
    "failure", [{"content": "{not json"}, {"status": 500}], ids=["invalid json", "server error"]
)
async def test_a_failing_model_falls_back_to_the_deterministic_builder(database_url, failure):
    result, _ = await onboard_with_model(database_url, [failure])
    assert result["profile"]["source"] == "deterministic"


async def test_an_invented_price_or_service_is_never_put_up_for_review(database_url):
    invented = {**GOOD_PROFILE, "sales_pitch": "Join the VIP Mastermind for ₹99,999 today only."}
    result, llm = await onboard_with_model(database_url, [{"json": invented}])
    assert len(llm.requests) == 2  # one rewrite with the findings, then the data alone
    feedback = llm.requests[1]["messages"][0]["content"]
    # The rewrite is told which field broke which rules, never the words that tripped them.
    assert "sales_pitch: State no price yourself" in feedback
    assert "sales_pitch: Mention no service that is not in the creator's data" in feedback
    assert "99,999" not in feedback and "VIP Mastermind" not in feedback
    assert result["profile"]["source"] == "deterministic"
    assert "99,999" not in str(result["profile"]["profile"])
    assert any("99,999" in p for p in result["log"]["problems"])


async def test_a_model_profile_is_judged_and_a_named_claim_is_rewritten(database_url):
    clean = {c: {"present": False, "quote": ""} for c in RUBRIC_CLASSES}
    guaranteed = {**clean, "guarantee": {"present": True, "quote": "you will be promoted"}}
    steps = [{"json": GOOD_PROFILE}, {"json": guaranteed}, {"json": GOOD_PROFILE}]
    result, llm = await onboard_with_model(database_url, [*steps, {"json": clean}], judge="on")
    assert len(llm.requests) == 4
    rewrite = llm.requests[2]["messages"][0]["content"]
    assert "Make no guarantee" in rewrite and "you will be promoted" not in rewrite
    assert result["profile"]["source"] == "llm"


async def test_a_judge_that_fails_leaves_the_model_profile_for_review_flagged(database_url):
    result, llm = await onboard_with_model(
        database_url, [{"json": GOOD_PROFILE}, {"status": 500}], judge="on"
    )
    assert result["profile"]["source"] == "llm"
    assert "not_judged" in result["log"]["problems"]


RUBRIC_CLASSES = (
    "offer",
    "guarantee",
    "urgency",
    "invented_service",
    "social_proof",
    "off_platform",
)
