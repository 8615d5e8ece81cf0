"""Approval modes on real Postgres, with the real ChatOpenAI client against a scripted model:
which drafts the agent approves itself, the undo window, and cancelling within it."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from server.store.sales_graph_store import PostgresSalesStore
from tests.conftest import (
    NEHA,
    create_consumer,
    create_creator,
    running_service,
    wait_for,
    wait_for_event,
    wait_for_message,
)
from tests.integration.test_llm_drafting import GOOD, verdict
from tests.standins.openai_server import ScriptedOpenAI
from tools.sales_store import NewMessage

LEAD = NEHA["external_id"]
THREAD = f"/threads/ajay_shenoy/{LEAD}"

# The same four events in every mode, each drafted by the model with this confidence and
# cleared by the judge: a first visit, two clicks, and the lead's question.
EVENTS: list[tuple[dict[str, Any], float]] = [
    ({"type": "page_view", "occurred_at": "2026-11-02T05:30:00Z", "payload": {}}, 0.9),
    (
        {
            "type": "service_click",
            "occurred_at": "2026-11-02T06:00:00Z",
            "payload": {"service_id": 101},
        },
        0.9,
    ),
    (
        {
            "type": "service_click",
            "occurred_at": "2026-11-02T07:00:00Z",
            "payload": {"service_id": 103},
        },
        0.5,
    ),
    (
        {
            "type": "inbound_message",
            "occurred_at": "2026-11-02T08:00:00Z",
            "payload": {"text": "Is the strategy call recorded?"},
        },
        0.95,
    ),
]
# What each mode does with them: None waits for the creator, else the rule the agent used.
EXPECTED = {
    "manual": [None, None, None, None],
    "semi_auto": [None, "semi_auto_confident", None, None],
    "auto": ["auto_checks_passed"] * 4,
}


def judged_drafts(confidences: list[float]) -> list[dict[str, Any]]:
    """The model's answers in order: each draft, then the judge's clean verdict on it."""
    steps: list[dict[str, Any]] = []
    for confidence in confidences:
        steps += [{"json": {**GOOD, "confidence": confidence}}, {"json": verdict()}]
    return steps


def with_model(llm: ScriptedOpenAI, **overrides: Any) -> dict[str, Any]:
    return {
        "openai_api_key": "test-key",
        "openai_base_url": llm.base_url,
        "openai_model": "standin-model",
        "draft_judge": "on",
        "llm_timeout_s": 5.0,
        "llm_max_retries": 0,
        **overrides,
    }


async def set_up(client, mode: str, **settings: Any) -> None:
    agent = (await create_creator(client, "ajay_shenoy"))["agent"]
    await create_consumer(client, NEHA)
    patched = await client.patch(f"/agents/{agent['id']}", json={"approval_mode": mode, **settings})
    assert patched.status_code == 200, patched.text
    assert patched.json()["approval_mode"] == mode


async def run_event(client, event: dict[str, Any]) -> dict[str, Any]:
    """Post the event, wait for it, and return the approval it drafted."""
    posted = await client.post(
        "/events", json={"creator_id": "ajay_shenoy", "consumer_id": LEAD, **event}
    )
    assert posted.status_code == 202, posted.text
    decision = (await wait_for_event(client, posted.json()["event_id"]))["decision"]
    assert decision["act"] is True, decision
    return (await client.get(f"/approvals/{decision['approval_id']}")).json()


async def messages_of(client, approval_id: str) -> list[dict[str, Any]]:
    listed = (await client.get("/messages", params={"limit": 500})).json()["messages"]
    return [m for m in listed if m["approval_id"] == approval_id]


async def audit(client, action: str) -> list[dict[str, Any]]:
    entries = (await client.get(THREAD, params={"limit": 500})).json()["audit_log"]
    return [e for e in entries if e["action"] == action]


async def resume_jobs(database_url: str, approval_id: str) -> list[dict[str, Any]]:
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        cur = await conn.execute(
            """SELECT status, priority, scheduled_at FROM procrastinate_jobs
                WHERE task_name = 'resume_approval' AND args->>'approval_id' = %s""",
            (approval_id,),
        )
        columns = [c.name for c in cur.description]
        return [dict(zip(columns, row, strict=True)) for row in await cur.fetchall()]


async def wait_for_resume_jobs_done(database_url: str, approval_id: str) -> None:
    async def all_done():
        jobs = await resume_jobs(database_url, approval_id)
        return jobs and all(j["status"] == "succeeded" for j in jobs)

    await wait_for(all_done)


@pytest.mark.parametrize("mode", ["manual", "semi_auto", "auto"])
async def test_the_same_events_wait_or_are_agent_approved_as_the_mode_says(database_url, mode):
    confidences = [confidence for _, confidence in EVENTS]
    with ScriptedOpenAI(judged_drafts(confidences)) as llm:
        async with running_service(
            database_url, **with_model(llm, auto_send_delay_s=0.5)
        ) as client:
            await set_up(client, mode)
            for (event, _), rule in zip(EVENTS, EXPECTED[mode], strict=True):
                approval = await run_event(client, event)
                assert approval["draft"]["source"] == "llm"
                verdict = approval["draft"]["agent_verdict"]
                assert verdict["approves"] is (rule is not None)
                if rule is None:
                    assert approval["status"] == "pending", (event["type"], approval)
                    if mode == "manual":
                        assert verdict["rule"] == "manual_mode"
                    assert approval["expires_at"] is not None
                    decided = await client.post(
                        f"/approvals/{approval['id']}/decision",
                        json={"decisions": [{"type": "approve"}]},
                    )
                    assert decided.status_code == 200, decided.text
                else:
                    assert approval["status"] == "agent_approved", (event["type"], approval)
                    assert approval["decision"]["decided_by"] == "agent"
                    assert approval["decision"]["rule"] == rule
                    assert approval["status_reason"]
                message = await wait_for_message(client, approval["id"])
                assert message["status"] == "recorded"
                if rule is not None:
                    # Not before the undo window ended.
                    assert message["created_at"] >= approval["send_after"]
            agent_approvals = await audit(client, "draft_agent_approved")
            creator_approvals = await audit(client, "draft_approved")
        assert len(llm.requests) == 2 * len(EVENTS)  # every draft judged once, none redrafted
    expected_rules = [rule for rule in EXPECTED[mode] if rule]
    assert sorted(e["details"]["rule"] for e in agent_approvals) == sorted(expected_rules)
    assert all(e["actor"] == "agent" and e["details"]["mode"] == mode for e in agent_approvals)
    assert len(creator_approvals) == EXPECTED[mode].count(None)


async def test_a_template_draft_is_never_approved_by_an_auto_agent(database_url):
    async with running_service(database_url, auto_send_delay_s=0.1) as client:
        await set_up(client, "auto")
        approval = await run_event(client, EVENTS[1][0])
        assert approval["draft"]["source"] == "template"
        assert approval["status"] == "pending"
        assert approval["draft"]["agent_verdict"]["rule"] == "template_draft"
        # Nothing will send it: no resume is queued, none scheduled.
        assert await resume_jobs(database_url, approval["id"]) == []
        assert await audit(client, "draft_agent_approved") == []
        assert await messages_of(client, approval["id"]) == []


async def test_a_draft_the_judge_could_not_check_waits_in_auto_mode(database_url):
    with ScriptedOpenAI([{"json": GOOD}, {"status": 500}]) as llm:
        async with running_service(database_url, **with_model(llm)) as client:
            await set_up(client, "auto")
            approval = await run_event(client, EVENTS[1][0])
            assert approval["draft"]["source"] == "llm"
            assert approval["status"] == "pending"
            assert approval["draft"]["agent_verdict"]["rule"] == "not_judged"
            assert await resume_jobs(database_url, approval["id"]) == []


async def test_a_semi_auto_threshold_the_creator_raised_keeps_a_confident_draft_waiting(
    database_url,
):
    # The first message waits in semi_auto anyway; approve it so the click is not a first.
    with ScriptedOpenAI(judged_drafts([0.9, 0.9])) as llm:
        async with running_service(database_url, **with_model(llm)) as client:
            await set_up(client, "semi_auto", approval_threshold=0.95)
            first = await run_event(client, EVENTS[0][0])
            await client.post(
                f"/approvals/{first['id']}/decision", json={"decisions": [{"type": "approve"}]}
            )
            await wait_for_message(client, first["id"])
            click = await run_event(client, EVENTS[1][0])
            assert click["status"] == "pending"
            assert click["draft"]["agent_verdict"]["reason"] == (
                "confidence 0.90 is below the threshold 0.95"
            )


async def test_a_cancel_within_the_undo_window_sends_nothing_and_frees_the_thread(
    database_url,
):
    with ScriptedOpenAI(judged_drafts([0.9, 0.9])) as llm:
        async with running_service(
            database_url, **with_model(llm, auto_send_delay_s=3.0)
        ) as client:
            await set_up(client, "auto")
            approval = await run_event(client, EVENTS[1][0])
            assert approval["status"] == "agent_approved"
            (scheduled,) = await resume_jobs(database_url, approval["id"])
            assert scheduled["status"] == "todo" and scheduled["priority"] < 0

            cancelled = await client.post(f"/approvals/{approval['id']}/cancel")
            assert cancelled.status_code == 200, cancelled.text
            assert cancelled.json()["status"] == "cancelled"
            again = await client.post(f"/approvals/{approval['id']}/cancel")
            assert again.status_code == 409 and "cancelled" in again.json()["detail"]
            approve = await client.post(
                f"/approvals/{approval['id']}/decision", json={"decisions": [{"type": "approve"}]}
            )
            assert approve.status_code == 409

            # The scheduled send ran at the end of the window and sent nothing.
            await wait_for_resume_jobs_done(database_url, approval["id"])
            assert await messages_of(client, approval["id"]) == []
            thread = (await client.get(THREAD)).json()
            assert thread["awaiting_approval"] is False
            (entry,) = await audit(client, "draft_cancelled")
            assert entry["actor"] == "api" and entry["details"]["approval_id"] == approval["id"]

            # The thread is free: the next event drafts again, and that one goes out.
            second = await run_event(client, EVENTS[2][0])
            assert second["id"] != approval["id"] and second["status"] == "agent_approved"
            assert (await wait_for_message(client, second["id"]))["status"] == "recorded"


async def test_after_the_window_the_message_is_sent_once_and_cannot_be_cancelled(database_url):
    with ScriptedOpenAI(judged_drafts([0.9])) as llm:
        async with running_service(
            database_url, **with_model(llm, auto_send_delay_s=0.2)
        ) as client:
            await set_up(client, "auto")
            approval = await run_event(client, EVENTS[1][0])
            message = await wait_for_message(client, approval["id"])
            assert message["status"] == "recorded"

            late = await client.post(f"/approvals/{approval['id']}/cancel")
            assert late.status_code == 409 and "already sent" in late.json()["detail"]
            # The send job again (a retry, a duplicate) sends nothing more.
            await client.app.state.services.runner.resume_approval(approval["id"])
            await wait_for_resume_jobs_done(database_url, approval["id"])
            assert len(await messages_of(client, approval["id"])) == 1
            assert (await client.get(THREAD)).json()["awaiting_approval"] is False


async def test_the_leads_message_during_the_window_is_answered_and_the_stale_one_not_sent(
    database_url,
):
    with ScriptedOpenAI(judged_drafts([0.9, 0.9])) as llm:
        async with running_service(
            database_url, **with_model(llm, auto_send_delay_s=60.0)
        ) as client:
            await set_up(client, "auto")
            approval = await run_event(client, EVENTS[1][0])
            assert approval["status"] == "agent_approved"
            # The lead writes: their event runs now, not after the pending send's window.
            reply = await run_event(client, EVENTS[3][0])
            withdrawn = (await client.get(f"/approvals/{approval['id']}")).json()
            assert withdrawn["status"] == "withdrawn"
            assert reply["status"] == "agent_approved" and reply["id"] != approval["id"]
            cancel = await client.post(f"/approvals/{approval['id']}/cancel")
            assert cancel.status_code == 409


async def test_a_creator_key_cancels_its_own_and_not_another_creators(database_url):
    with ScriptedOpenAI(judged_drafts([0.9])) as llm:
        async with running_service(
            database_url, **with_model(llm, auto_send_delay_s=60.0)
        ) as client:
            await set_up(client, "auto")
            await create_creator(client, "lena_designs")
            approval = await run_event(client, EVENTS[1][0])
            keys = {}
            for creator in ("ajay_shenoy", "lena_designs"):
                issued = await client.post("/keys", json={"creator_id": creator})
                assert issued.status_code == 201, issued.text
                keys[creator] = {"Authorization": f"Bearer {issued.json()['key']}"}
            url = f"/approvals/{approval['id']}/cancel"
            assert (await client.post(url, headers=keys["lena_designs"])).status_code == 403
            mine = await client.post(url, headers=keys["ajay_shenoy"])
            assert mine.status_code == 200, mine.text
            (entry,) = await audit(client, "draft_cancelled")
            assert entry["actor"] == "creator"
            assert (await client.post("/approvals/nope/cancel")).status_code == 404


async def test_a_send_claimed_after_a_cancel_is_refused(database_url):
    """The race a cancel can meet: the send job read the approval before the cancel, and
    claims its send after it. The claim sees the cancel and sends nothing."""
    with ScriptedOpenAI(judged_drafts([0.9])) as llm:
        async with running_service(
            database_url, **with_model(llm, auto_send_delay_s=60.0)
        ) as client:
            await set_up(client, "auto")
            approval = await run_event(client, EVENTS[1][0])
            cancelled = await client.post(f"/approvals/{approval['id']}/cancel")
            assert cancelled.status_code == 200
            sales_store = PostgresSalesStore(client.app.state.services.pool)
            record, owned = await sales_store.claim_send(
                NewMessage(
                    idempotency_key=f"approval:{approval['id']}",
                    approval_id=approval["id"],
                    thread_id=approval["thread_id"],
                    creator_id="ajay_shenoy",
                    consumer_id=LEAD,
                    channel="whatsapp",
                    transport="outbox",
                    to_address=NEHA["whatsapp"],
                    subject=None,
                    body="hello",
                )
            )
            assert (record, owned) == (None, False)
            assert await messages_of(client, approval["id"]) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"approval_mode": "sometimes"}, "approval_mode"),
        ({"approval_threshold": 1.5}, "approval_threshold"),
        ({"approval_threshold": -0.1}, "approval_threshold"),
        ({"approval_threshold": "high"}, "approval_threshold"),
        ({"draft_ttl_hours": 0}, "draft_ttl_hours"),
        ({"draft_ttl_hours": 721}, "draft_ttl_hours"),
        ({"draft_ttl_hours": 1.5}, "draft_ttl_hours"),
    ],
)
async def test_bad_mode_settings_get_a_422_naming_the_field(database_url, body, field):
    async with running_service(database_url, run_worker=False) as client:
        agent = (await create_creator(client, "ajay_shenoy"))["agent"]
        answer = await client.patch(f"/agents/{agent['id']}", json=body)
        assert answer.status_code == 422, answer.text
        assert field in answer.text
        unchanged = (await client.get(f"/agents/{agent['id']}")).json()
        assert (unchanged["approval_mode"], unchanged["approval_threshold"]) == ("manual", 0.8)
        assert unchanged["draft_ttl_hours"] == 48


async def test_mode_settings_are_saved_and_audited(database_url):
    async with running_service(database_url, run_worker=False) as client:
        agent = (await create_creator(client, "ajay_shenoy"))["agent"]
        assert (agent["approval_mode"], agent["approval_threshold"]) == ("manual", 0.8)
        body = {"approval_mode": "semi_auto", "approval_threshold": 0.65, "draft_ttl_hours": 6}
        answer = await client.patch(f"/agents/{agent['id']}", json=body)
        assert answer.status_code == 200, answer.text
        assert {k: answer.json()[k] for k in body} == body
