"""Runs a lead's graph for a queued event, a fired timer or a decided approval, on the
thread's checkpoint: the sales graph on `sales:` threads, the customer onboarding graph on
a booking's `customer:` thread.

Called by the job queue, which runs one job per thread at a time and in order. Both entry
points are safe to run again after a crash: they look at the thread's checkpoint first.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from domain.approval_states import CLOSED, resume_value
from domain.auto_approval import DEFAULT_THRESHOLD
from domain.compliance import COMPLIANCE_REASONS, SendingRules
from domain.event_payload import payload_for_graph
from domain.thread_ids import CUSTOMER, SALES, graph_of_thread
from graphs.context import SalesContext
from graphs.state import ConsumerFacts, EventFacts
from server.checkpoint_reads import reusing_reads
from server.draft_expiry import expire_if_due
from server.profile_cache import ProfileCache
from server.quiet_path import decide_without_graph
from server.store import (
    approval_queue,
    audit_trail,
    conversation_history,
    event_log,
    leads,
    thread_timers,
)

# One checkpoint per run, written when it ends: at the approval interrupt, at its end, or
# when a node raised. A process killed mid-run leaves the thread at its previous
# checkpoint, and the job's retry runs again from the input: every node is safe to repeat
# (a draft's approval id is derived from the thread, event and attempt; a send is claimed
# by an idempotency key before the provider is called). Per-step "sync" wrote four
# checkpoints and three write batches per quiet event.
DURABILITY = "exit"


def consumer_facts(row: dict[str, Any]) -> ConsumerFacts:
    return {
        "id": row["id"],
        "name": row["name"],
        "whatsapp": row["whatsapp"],
        "email": row["email"],
        "timezone": row["timezone"],
        "consent": row["consent"],
    }


def event_facts(row: dict[str, Any]) -> EventFacts:
    return {
        "id": row["id"],
        "type": row["type"],
        "occurred_at": row["occurred_at"].isoformat(),
        # Only what the graph reads; nested client data stays in the events table.
        "payload": payload_for_graph(row["payload"]),
    }


def graph_input_of(event: dict[str, Any]) -> dict[str, Any]:
    """What a run for this event (from server.store.event_log.event_to_run) starts from. A
    sales run starts from the lead's saved context: events decided without a run
    (server.quiet_path) moved it on since the thread's last checkpoint."""
    graph_input: dict[str, Any] = {
        "event": event_facts(event),
        "consumer": consumer_facts(event["consumer"]),
        "outreach": event["outreach"] or {},
    }
    if graph_of_thread(event["thread_id"]) == SALES and event["lead_context"] is not None:
        graph_input["context"] = event["lead_context"]
    return graph_input


def outcome_of(values: dict[str, Any]) -> dict[str, Any]:
    """What GET /events/{id} reports: the decision and the draft it led to, if any."""
    decision = values.get("decision") or {}
    approval = values.get("approval") or {}
    send = values.get("send_result") or {}
    return {
        "act": bool(decision.get("act")),
        "reason": decision.get("reason"),
        "channel": decision.get("channel"),
        "approval_id": approval.get("id") if decision.get("act") else None,
        "message_id": send.get("message_id"),
        "draft_check": values.get("draft_check"),
    }


def sales_context(
    creator_id: str,
    agent: dict[str, Any] | None,
    profile: dict[str, Any],
    profile_version: int,
    final_attempt: bool = False,
    conversation: list[dict[str, Any]] | None = None,
) -> SalesContext:
    """A run's context: the creator's latest approved profile, their agent's settings and,
    for a reply, the conversation so far."""
    return SalesContext(
        creator_id=creator_id,
        profile=profile,
        profile_version=profile_version,
        approval_mode=agent["approval_mode"] if agent else "manual",
        approval_threshold=agent["approval_threshold"] if agent else DEFAULT_THRESHOLD,
        agent_enabled=agent["enabled"] if agent else False,
        triggers=agent["triggers"] if agent else [],
        rules=SendingRules.of_agent(agent),
        reminder_hours_before=(agent or {}).get("reminder_hours_before") or 24,
        follow_up_after_hours=(agent or {}).get("follow_up_after_hours") or 72,
        max_follow_ups=(agent or {}).get("max_follow_ups", 1),
        final_attempt=final_attempt,
        conversation=conversation or [],
    )


async def conversation_for(
    conn: AsyncConnection, approval_or_event: dict[str, Any], event: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The thread's conversation before the lead's message `event`, which a reply's draft
    shows the model; nothing for any other event (it drafts without it)."""
    if (event or {}).get("type") != "inbound_message":
        return []
    return await conversation_history.conversation_before(
        conn,
        approval_or_event["creator_id"],
        approval_or_event["consumer_id"],
        approval_or_event["thread_id"],
        event["id"],
    )


class SalesRunner:
    def __init__(
        self,
        pool: AsyncConnectionPool,
        graph: CompiledStateGraph,
        customer_graph: CompiledStateGraph | None = None,
    ):
        self._pool = pool
        self._graphs = {SALES: graph}
        if customer_graph is not None:
            self._graphs[CUSTOMER] = customer_graph
        self._profiles = ProfileCache()

    def graph_for(self, thread_id: str) -> CompiledStateGraph:
        """The graph whose thread this is (its id's namespace)."""
        return self._graphs[graph_of_thread(thread_id)]

    async def _context_of_approval(
        self, conn: AsyncConnection, approval: dict[str, Any], final_attempt: bool
    ) -> SalesContext:
        """A resumed run's context, from an approval read with its creator's agent and the
        number of their latest approved profile (approval_queue.approval_to_resume); the
        profile from the cache."""
        version = approval["latest_profile_version"] or 0
        profile = await self._profiles.get(
            conn, approval["creator_id"], version, approval["latest_profile_approved_at"]
        )
        return sales_context(
            approval["creator_id"], approval["agent"], profile, version, final_attempt
        )

    @staticmethod
    def _config(thread_id: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": thread_id}}

    async def process_event(self, event_id: str, final_attempt: bool = False) -> bool:
        """Decide the event (a graph run, or the quiet path) and record the outcome. True
        when other events of its thread may wait behind it (the job goes on with them).
        `final_attempt`: the event's job will not be retried (a send it releases that
        cannot go through is then left `unsent`, not `retry`)."""
        async with self._pool.connection() as conn:
            # The event with its lead, agent and profile version in one round trip; the
            # profile itself from the cache (a new version is a new key).
            event = await event_log.event_to_run(conn, event_id)
            if event is None or event["consumer"] is None or event["status"] != "queued":
                return True  # unknown, or handled by an earlier attempt: look behind it
            version = event["profile_version"] or 0
            profile = await self._profiles.get(
                conn, event["creator_id"], version, event["profile_approved_at"]
            )
            conversation = await conversation_for(conn, event, event)
        config = self._config(event["thread_id"])
        context = sales_context(
            event["creator_id"], event["agent"], profile, version, final_attempt, conversation
        )
        run_input = graph_input_of(event)
        values = None
        sales = graph_of_thread(event["thread_id"]) == SALES
        if sales and event["run_open"] is False:  # the thread's last run ended
            values = await decide_without_graph(run_input, context)
            if values is None:
                async with self._pool.connection() as conn:
                    await leads.open_sales_run(conn, event["creator_id"], event["consumer_id"])
        if values is None:
            with reusing_reads():  # the state read below and the run's own read are one
                values = await self._run_event(event, run_input, config, context)
        held = values.get("approval") or {}
        if (values.get("decision") or {}).get("release_held") and held.get("held"):
            # The lead answered the template opener: what waited for it goes now, before
            # the event is recorded, so a send that fails is retried with the event's job
            # (which goes on with the resumed run), and the event records the thread as the
            # send left it.
            await self.resume_approval(held["id"], final_attempt)
            values = (await self.graph_for(event["thread_id"]).aget_state(config)).values
        outcome = outcome_of(values)
        async with self._pool.connection() as conn:
            if outcome["reason"] not in COMPLIANCE_REASONS:
                return await self._finish_event(conn, event, outcome, values)
            async with conn.transaction():  # the rule's audit entry with the decision
                others_queued = await self._finish_event(conn, event, outcome, values)
                await audit_trail.audit_thread(
                    conn,
                    event["thread_id"],
                    "agent",
                    "draft_not_written",
                    {"event_id": event["id"], "rule": outcome["reason"]},
                )
            return others_queued

    @staticmethod
    async def _finish_event(
        conn: Any, event: dict[str, Any], outcome: dict[str, Any], values: dict[str, Any]
    ) -> bool:
        """Record the decision; a sales run also saves the lead's context, and whether its
        graph still waits (a booking's thread keeps its own context in its checkpoint).
        True when other events of the thread wait."""
        if graph_of_thread(event["thread_id"]) == SALES:
            return await event_log.finish_event_and_context(
                conn,
                event,
                outcome,
                values.get("context") or {},
                run_open=values.get("approval") is not None,
            )
        return await event_log.finish_event(conn, event["id"], "processed", outcome)

    async def fire_timer(self, timer_id: str, final_attempt: bool = False) -> None:
        """A timer is due: it becomes a `timer` event on its thread (once, however often
        this runs) and that event runs now, in this job."""
        async with self._pool.connection() as conn, conn.transaction():
            timer = await thread_timers.take_due_timer(conn, timer_id)
            if timer is None or timer["status"] == "cancelled":
                return
            event_id = timer["event_id"] or f"timer-{timer_id}"
            if timer["status"] == "scheduled":
                await event_log.insert_timer_event(conn, timer, event_id)
                await thread_timers.mark_fired(conn, timer_id, event_id)
        await self.process_event(event_id, final_attempt)

    async def _run_event(
        self,
        event: dict[str, Any],
        run_input: dict[str, Any],
        config: dict[str, Any],
        context: SalesContext,
    ) -> dict[str, Any]:
        """Run the graph for the event, go on with a run an earlier attempt left midway, or
        only read what an earlier attempt finished; the thread's state values at the end."""
        snapshot = await self.graph_for(event["thread_id"]).aget_state(config)
        values = snapshot.values
        if (values.get("event") or {}).get("id") != event["id"]:
            await self._end_closed_wait(snapshot, config, context)
            return await self._run(run_input, config, context)
        if snapshot.tasks and not snapshot.interrupts:
            # An earlier attempt stopped mid-run: continue from its checkpoint.
            return await self._run(None, config, context)
        return values  # it already finished (or reached the approval wait): only record it

    async def _end_closed_wait(
        self, snapshot: Any, config: dict[str, Any], context: SalesContext
    ) -> None:
        """Before an event runs: a draft the thread waits on that is past its TTL expires
        now, and a wait on an expired or cancelled draft ends (its own resume job may still
        be queued), so the event finds the thread free and can draft again."""
        waiting = (snapshot.values.get("approval") or {}).get("id")
        if not (snapshot.interrupts and waiting):
            return
        async with self._pool.connection() as conn, conn.transaction():
            if await expire_if_due(conn, waiting) is not None:
                status = "expired"
            else:
                status = await approval_queue.approval_status(conn, waiting)
        if status in CLOSED:
            await self._run(Command(resume=resume_value(status, None)), config, context)

    async def _run(
        self, graph_input: Any, config: dict[str, Any], context: SalesContext
    ) -> dict[str, Any]:
        """One graph run; returns the thread's state values at its end."""
        graph = self.graph_for(config["configurable"]["thread_id"])
        return await graph.ainvoke(graph_input, config, context=context, durability=DURABILITY)

    async def _resume_run(
        self, approval: dict[str, Any], answer: dict[str, Any], context: SalesContext
    ) -> tuple[Any, dict[str, Any] | None]:
        """Resume the thread's wait on the approval with the creator's answer; the state read
        before, and the values the run ended with (None when it ran nothing)."""
        approval_id = approval["id"]
        config = self._config(approval["thread_id"])
        graph = self.graph_for(approval["thread_id"])
        snapshot = await graph.aget_state(config)
        if approval["status"] == "rejected":
            # A rejection can lead to a redraft, which sees the conversation before the event
            # the draft answered.
            async with self._pool.connection() as conn:
                conversation = await conversation_for(conn, approval, snapshot.values.get("event"))
            context = replace(context, conversation=conversation)
        values = None
        if snapshot.tasks and not snapshot.interrupts:
            # An earlier attempt stopped after the creator's answer was read (it may have been
            # on its way to a send, or to a redraft that no longer names this approval):
            # finish that run. Jobs of a thread never overlap, so it is ours to finish. (Or
            # the run that saved this draft stopped before its wait: it now waits, below.)
            values = await self._run(None, config, context)
            snapshot = await graph.aget_state(config)
        waiting = (snapshot.values.get("approval") or {}).get("id") == approval_id
        if snapshot.interrupts and waiting:
            # Fresh consumer facts ride in the resume value, not in `Command(update=...)`:
            # LangGraph keeps one resume value per interrupt (a retry replaces it), while an
            # update saved by a failed attempt would be applied again next to the retry's.
            resume = {**answer, "consumer": consumer_facts(approval["consumer"])}
            values = await self._run(Command(resume=resume), config, context)
        return snapshot, values

    async def resume_approval(self, approval_id: str, final_attempt: bool = False) -> None:
        async with self._pool.connection() as conn:
            # The approval with its lead, agent and profile version in one round trip.
            approval = await approval_queue.approval_to_resume(conn, approval_id)
            if approval is None or approval["consumer"] is None:
                return
            answer = resume_value(approval["status"], approval["decision"])
            if answer is None:
                return  # nobody decided yet
            context = await self._context_of_approval(conn, approval, final_attempt)
        with reusing_reads():  # the state read first and the resumed run's own read are one
            snapshot, values = await self._resume_run(approval, answer, context)
        if graph_of_thread(approval["thread_id"]) != SALES:
            return  # a booking's thread keeps its context in its checkpoint
        async with self._pool.connection() as conn:
            if values is not None:
                await leads.save_lead_context(
                    conn,
                    approval["creator_id"],
                    approval["consumer_id"],
                    values.get("context") or {},
                    run_open=values.get("approval") is not None,
                )
            elif not snapshot.interrupts and snapshot.created_at:
                # Already resumed and finished (or withdrawn). An earlier attempt may have
                # ended the run and stopped before saving what it left (a send's count):
                # save it now, unless the saved context is newer than the run's end (events
                # decided without a run moved it on once that save had landed).
                await leads.save_ended_run_context(
                    conn,
                    approval["creator_id"],
                    approval["consumer_id"],
                    snapshot.values.get("context") or {},
                    ended_at=snapshot.created_at,
                )
