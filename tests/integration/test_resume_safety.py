"""A resume interrupted at any step and then retried sends exactly one message, and the
thread stays readable.

The failure is injected at every database call the resumed run makes (checkpoint writes
and the sales store's writes), one lead per step, on real Postgres; the retry then runs
with nothing failing, as the job queue's next attempt would.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar

import psycopg
import pytest
from langgraph.errors import InvalidUpdateError
from langgraph.types import Command

import nodes.request_approval as request_approval_node
from domain.review import ReviewResponse
from domain.thread_ids import sales_thread_id
from graphs.sales import SalesAdapters, build_sales_graph
from server import db
from server.checkpoint_reads import ReusingSaver
from server.jobs import schedule_timer_job
from server.sales_runner import SalesRunner
from server.store import approval_queue
from server.store.sales_graph_store import PostgresSalesStore
from tests.conftest import create_consumer, create_creator, running_service
from tests.fakes import REVISED_BODY, RevisingDrafter
from tools.channels import OutgoingMessage, SendReceipt


class InjectedFailure(Exception):
    pass


class FaultPlan:
    """Counts the calls a run makes and fails the `fail_at`-th one (1-based)."""

    def __init__(self) -> None:
        self.fail_at: int | None = None
        self.calls: list[str] = []
        self.failed: str | None = None

    def step(self, name: str) -> None:
        self.calls.append(name)
        if self.fail_at is not None and len(self.calls) == self.fail_at:
            self.failed = name
            raise InjectedFailure(f"injected failure at call {self.fail_at} ({name})")


class FlakySaver(ReusingSaver):
    """The service's saver (a state read handed on to the run that follows it, inside
    `reusing_reads()`), failing where the plan says."""

    plan: FaultPlan

    async def aput(self, *args: Any, **kwargs: Any):
        self.plan.step("checkpoint")
        return await super().aput(*args, **kwargs)

    async def aput_writes(self, *args: Any, **kwargs: Any):
        self.plan.step("checkpoint_writes")
        return await super().aput_writes(*args, **kwargs)


class FlakyStore:
    def __init__(self, inner: PostgresSalesStore, plan: FaultPlan):
        self._inner, self._plan = inner, plan

    def __getattr__(self, name: str):
        method = getattr(self._inner, name)

        async def call(*args: Any, **kwargs: Any):
            self._plan.step(f"before {name}")
            result = await method(*args, **kwargs)
            self._plan.step(f"after {name}")
            return result

        return call


class CountingTransport:
    name = "counting"
    enforces_window = False

    def __init__(self) -> None:
        self.sent: list[OutgoingMessage] = []

    async def send(self, message: OutgoingMessage) -> SendReceipt:
        self.sent.append(message)
        return SendReceipt(status="sent", provider_message_id=f"P{len(self.sent)}")


def flaky_runner(services, plan: FaultPlan, transport: CountingTransport) -> SalesRunner:
    saver = FlakySaver(services.pool)
    saver.plan = plan
    adapters = SalesAdapters(
        drafter=RevisingDrafter(),
        whatsapp=transport,
        email=transport,
        store=FlakyStore(
            PostgresSalesStore(
                services.pool,
                schedule_timer_job=functools.partial(schedule_timer_job, services.jobs.app),
            ),
            plan,
        ),
    )
    return SalesRunner(services.pool, build_sales_graph(adapters).compile(checkpointer=saver))


async def new_lead_event(client, lead: str) -> str:
    """A new WhatsApp lead of ajay_shenoy's clicks a service: the queued event's id."""
    await create_consumer(
        client,
        {
            "external_id": lead,
            "name": "Neha",
            "whatsapp": "+919876543210",
            "consent": {"whatsapp": True},
        },
    )
    posted = await client.post(
        "/events",
        json={
            "creator_id": "ajay_shenoy",
            "consumer_id": lead,
            "type": "service_click",
            "occurred_at": "2026-11-08T06:00:00Z",
            "payload": {"service_id": 101},
        },
    )
    return posted.json()["event_id"]


async def pending_draft(client, runner: SalesRunner, lead: str) -> str:
    event_id = await new_lead_event(client, lead)
    await runner.process_event(event_id)  # no worker runs here: the test drives each step
    decision = (await client.get(f"/events/{event_id}")).json()["decision"]
    assert decision["approval_id"], decision
    return decision["approval_id"]


class FlakyReviewResponse(ReviewResponse):
    """Reading the creator's answer inside `request_approval` is one more step that can fail."""

    plan: ClassVar[FaultPlan | None] = None

    @classmethod
    def model_validate(cls, *args: Any, **kwargs: Any):
        if cls.plan is not None:
            cls.plan.step("inside request_approval")
        return super().model_validate(*args, **kwargs)


async def decide_then_resume_failing_once(
    client, services, step: int, decision: dict[str, Any]
) -> tuple[str, str, FaultPlan, CountingTransport, bool]:
    """A new lead's draft, decided; its resume fails at call `step`, then runs again twice
    (the job queue's retry, and a stray extra run). Returns (lead, approval id, plan,
    transport, whether the injected failure happened)."""
    plan, transport = FaultPlan(), CountingTransport()
    runner = flaky_runner(services, plan, transport)
    FlakyReviewResponse.plan = plan
    lead = f"lead-{step}"
    approval_id = await pending_draft(client, runner, lead)
    answer = await client.post(f"/approvals/{approval_id}/decision", json={"decisions": [decision]})
    assert answer.status_code == 200, answer.text
    plan.calls.clear()
    plan.fail_at = step
    failed = True
    try:
        await runner.resume_approval(approval_id)
        failed = False
    except InjectedFailure:
        pass
    plan.fail_at = None
    await runner.resume_approval(approval_id)
    await runner.resume_approval(approval_id)
    return lead, approval_id, plan, transport, failed


async def test_a_resume_failing_at_any_step_sends_once_when_retried(database_url, monkeypatch):
    monkeypatch.setattr(request_approval_node, "ReviewResponse", FlakyReviewResponse)
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, "ajay_shenoy")
        services = client.app.state.services
        step = 0
        while True:
            step += 1
            lead, approval_id, plan, transport, failed = await decide_then_resume_failing_once(
                client, services, step, {"type": "approve"}
            )
            failed_at = plan.failed

            thread = await client.get(f"/threads/ajay_shenoy/{lead}")
            assert thread.status_code == 200, (failed_at, thread.text)
            assert not thread.json()["awaiting_approval"]
            async with await psycopg.AsyncConnection.connect(database_url) as conn:
                cur = await conn.execute(
                    "SELECT status FROM messages WHERE approval_id = %s", (approval_id,)
                )
                statuses = [row[0] for row in await cur.fetchall()]
            assert len(statuses) == 1, (failed_at, statuses)
            if failed_at in ("after start_send", "before finish_send"):
                # The row says the provider call had begun and its outcome was not written:
                # it may have sent, so it is flagged for a human, never tried a second time.
                assert statuses == ["unconfirmed"] and len(transport.sent) <= 1, failed_at
            else:
                assert statuses == ["sent"] and len(transport.sent) == 1, (failed_at, statuses)
            if not failed:
                break  # the run got past every step: each one has been failed once
        assert step > 5


async def test_a_rejection_with_feedback_failing_at_any_step_redrafts_once(
    database_url, monkeypatch
):
    monkeypatch.setattr(request_approval_node, "ReviewResponse", FlakyReviewResponse)
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, "ajay_shenoy")
        services = client.app.state.services
        step = 0
        while True:
            step += 1
            reject = {"type": "reject", "message": "Shorter, no price"}
            lead, _, plan, transport, failed = await decide_then_resume_failing_once(
                client, services, step, reject
            )

            thread = (await client.get(f"/threads/ajay_shenoy/{lead}")).json()
            assert thread["awaiting_approval"], plan.failed
            statuses = sorted(a["status"] for a in thread["approvals"])
            assert statuses == ["pending", "rejected"], (plan.failed, statuses)
            [redraft] = [a for a in thread["approvals"] if a["status"] == "pending"]
            assert redraft["draft"]["body"] == REVISED_BODY
            created = [a for a in thread["audit_log"] if a["action"] == "draft_created"]
            assert len(created) == 2 and transport.sent == [], plan.failed
            if not failed:
                break
        assert step > 3


async def test_an_event_run_failing_at_any_step_drafts_once_when_retried(database_url):
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, "ajay_shenoy")
        services = client.app.state.services
        step = 0
        while True:
            step += 1
            plan, transport = FaultPlan(), CountingTransport()
            runner = flaky_runner(services, plan, transport)
            lead = f"lead-{step}"
            event_id = await new_lead_event(client, lead)
            plan.fail_at = step
            failed = True
            try:
                await runner.process_event(event_id)
                failed = False
            except InjectedFailure:
                pass
            plan.fail_at = None
            await runner.process_event(event_id)  # the job queue's retry

            event = (await client.get(f"/events/{event_id}")).json()
            assert event["status"] == "processed", (plan.failed, event)
            thread = (await client.get(f"/threads/ajay_shenoy/{lead}")).json()
            assert thread["awaiting_approval"], plan.failed
            assert [a["id"] for a in thread["approvals"]] == [event["decision"]["approval_id"]]
            created = [a for a in thread["audit_log"] if a["action"] == "draft_created"]
            assert len(created) == 1, (plan.failed, created)
            if not failed:
                break
        assert step > 3


async def test_a_thread_broken_by_the_old_doubled_update_is_readable_after_migrating(
    database_url, monkeypatch
):
    """Threads stored by the earlier release (resume with `Command(update=...)`, retried after
    a failure) cannot be read; migration 0005 repairs them."""
    monkeypatch.setattr(request_approval_node, "ReviewResponse", FlakyReviewResponse)
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, "ajay_shenoy")
        services = client.app.state.services
        plan, transport = FaultPlan(), CountingTransport()
        runner = flaky_runner(services, plan, transport)
        FlakyReviewResponse.plan = plan
        approval_id = await pending_draft(client, runner, "lead-old")
        approve = {"decisions": [{"type": "approve"}]}
        assert (await client.post(f"/approvals/{approval_id}/decision", json=approve)).is_success
        config = {"configurable": {"thread_id": sales_thread_id("ajay_shenoy", "lead-old")}}
        graph = runner.graph_for(config["configurable"]["thread_id"])
        async with services.pool.connection() as conn:
            approval = await approval_queue.approval_to_resume(conn, approval_id)
            context = await runner._context_of_approval(conn, approval, final_attempt=False)
        old_resume = Command(
            resume={"decisions": [{"type": "approve"}]},
            update={
                "consumer": {
                    "id": "lead-old",
                    "name": "Neha",
                    "whatsapp": "+919876543210",
                    "consent": {"whatsapp": True},
                }
            },
        )
        plan.calls.clear()
        plan.fail_at = 2  # inside request_approval, after the update was saved
        with pytest.raises(InjectedFailure):
            await graph.ainvoke(old_resume, config, context=context, durability="sync")
        plan.fail_at = None
        with pytest.raises(InvalidUpdateError):
            await graph.ainvoke(old_resume, config, context=context, durability="sync")
        assert (await client.get("/threads/ajay_shenoy/lead-old")).status_code == 500

        async with services.pool.connection() as conn:
            await conn.execute("DELETE FROM schema_migrations WHERE name LIKE '0005%%'")
            await db.apply_migrations(conn)
        assert (await client.get("/threads/ajay_shenoy/lead-old")).status_code == 200
        await runner.resume_approval(approval_id)  # the queued resume, as it retries now
        thread = (await client.get("/threads/ajay_shenoy/lead-old")).json()
        assert [m["status"] for m in thread["messages"]] == ["sent"]
        assert len(transport.sent) == 1
