"""Postgres implementation of the sales graph's store (tools.sales_store.SalesStore)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from domain.approval_states import SENDABLE
from domain.compliance import (
    OUTSIDE_WINDOW,
    OutreachCounts,
    SendFacts,
    SendingRules,
    Verdict,
    cap_reached,
)
from domain.whatsapp_template import WhatsAppTemplate, fill_template
from graphs.state import ConsumerFacts
from server.store import (
    agent_settings,
    approval_queue,
    audit_trail,
    deliveries,
    message_log,
    sending_facts,
    thread_state,
    thread_timers,
)
from server.store.rows import Row
from server.unsubscribe_links import UnsubscribeLinks
from tools.sales_store import (
    RECLAIMABLE,
    AgentApproval,
    EmailFooter,
    MessageRecord,
    NewApproval,
    NewMessage,
    TimerRequest,
    Withdrawal,
    new_id,
)

# Queues the send of an agent-approved draft for its `send_after`, in the caller's transaction.
SendScheduler = Callable[[AsyncConnection, Row], Awaitable[Any]]
# Queues a timer's job for its `due_at`, in the caller's transaction; returns the job id.
TimerScheduler = Callable[[AsyncConnection, Row], Awaitable[int]]


class PostgresSalesStore:
    def __init__(
        self,
        pool: AsyncConnectionPool,
        schedule_send: SendScheduler | None = None,
        undo_window_s: float = 120.0,
        default_template_sid: str | None = None,
        unsubscribe_links: UnsubscribeLinks | None = None,
        schedule_timer_job: TimerScheduler | None = None,
    ):
        self._pool = pool
        self._schedule_send = schedule_send
        self._schedule_timer_job = schedule_timer_job
        self._undo_window_s = undo_window_s
        # TWILIO_WHATSAPP_TEMPLATE_SID: for creators who configured no template of their own.
        self._default_template_sid = default_template_sid
        self._links = unsubscribe_links

    async def save_approval(self, approval: NewApproval) -> None:
        fields = ("id", "thread_id", "creator_id", "consumer_id", "event_id", "channel")
        row = {k: getattr(approval, k) for k in fields}
        row.update(draft=approval.draft, profile_version=approval.profile_version)
        audit = audit_trail.audit_params(
            approval.thread_id, "agent", "draft_created", approval.audit_details()
        )
        async with self._pool.connection() as conn:  # one statement: the draft with its entry
            await approval_queue.insert_message_draft(conn, row, audit)

    async def withdraw_approval(self, withdrawal: Withdrawal) -> str | None:
        async with self._pool.connection() as conn, conn.transaction():
            if await approval_queue.withdraw(
                conn, withdrawal.approval_id, withdrawal.reason, withdrawal.withdrawable()
            ):
                await audit_trail.audit_thread(
                    conn,
                    withdrawal.thread_id,
                    "agent",
                    "draft_withdrawn",
                    withdrawal.audit_details(),
                )
                return "withdrawn"
            return await approval_queue.approval_status(conn, withdrawal.approval_id)

    async def approve_by_agent(self, approval: AgentApproval) -> str | None:
        if self._schedule_send is None:
            raise RuntimeError("agent approvals need a job queue to schedule their send")
        async with self._pool.connection() as conn, conn.transaction():
            row = await approval_queue.approve_by_agent(
                conn,
                approval.approval_id,
                approval.decision(),
                approval.reason,
                self._undo_window_s,
            )
            if row is None:
                return await approval_queue.approval_status(conn, approval.approval_id)
            details = {**approval.audit_details(), "send_after": row["send_after"].isoformat()}
            await audit_trail.audit_thread(
                conn, approval.thread_id, "agent", "draft_agent_approved", details
            )
            await self._schedule_send(conn, row)
            return row["status"]

    async def send_facts(
        self, creator_id: str, consumer: ConsumerFacts, channel: str, key: str, purpose: str
    ) -> SendFacts | None:
        async with self._pool.connection() as conn:
            row = await sending_facts.send_facts(conn, creator_id, consumer["id"], channel, key)
        if row is None:
            return None
        context = row["context"] or {}
        return SendFacts(
            channel=channel,
            purpose=purpose,
            suppressed=row["suppressed"],
            opted_out=bool(context.get("opted_out")),
            consent=bool((row["consent"] or {}).get(channel)),
            timezone=row["timezone"],
            last_inbound_at=context.get("last_inbound_at"),
            counts=OutreachCounts(row["lead_day"], row["lead_week"], row["creator_day"]),
            rules=SendingRules.of_agent(row["agent"]),
        )

    async def template_for(self, creator_id: str, consumer_name: str) -> WhatsAppTemplate | None:
        async with self._pool.connection() as conn:
            row = await agent_settings.whatsapp_template(conn, creator_id)
        sid = (row or {}).get("whatsapp_template_sid") or self._default_template_sid
        if row is None or not sid:
            return None
        mapping = row["whatsapp_template_variables"] if row["whatsapp_template_sid"] else None
        return fill_template(sid, mapping, consumer_name, row["creator_name"])

    async def defer_send(self, thread_id: str, approval_id: str, verdict: Verdict) -> None:
        if self._schedule_send is None:
            raise RuntimeError("a deferred send needs a job queue to schedule it")
        async with self._pool.connection() as conn, conn.transaction():
            row = await approval_queue.set_send_after(conn, approval_id, verdict.send_at)
            if row is None:
                return
            await self._schedule_send(conn, row)
            await audit_trail.audit_thread(
                conn,
                thread_id,
                "agent",
                "send_deferred",
                {"approval_id": approval_id, **verdict.audit_details()},
            )

    async def hold_for_reply(self, thread_id: str, approval_id: str, opener: str) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            if await approval_queue.hold_for_reply(conn, approval_id) is not None:
                await audit_trail.audit_thread(
                    conn,
                    thread_id,
                    "agent",
                    "draft_held_for_reply",
                    {
                        "approval_id": approval_id,
                        "opener_message_id": opener,
                        "rule": OUTSIDE_WINDOW,
                    },
                )

    async def claim_send(self, message: NewMessage) -> tuple[MessageRecord | None, bool]:
        async with self._pool.connection() as conn, conn.transaction():
            if message.approval_id is not None:
                # Locked until the claim commits, so a concurrent cancel sees this message.
                status = await approval_queue.lock_for_send(conn, message.approval_id)
                existing = await message_log.by_idempotency_key(conn, message.idempotency_key)
                if existing is None and status not in SENDABLE:
                    return None, False
            row = await message_log.claim_new_or_reclaimable(
                conn,
                {**message.__dict__, "id": new_id(), "claim_token": new_id()},
                list(RECLAIMABLE),
            )
            if row is not None:
                return MessageRecord(**row), True
            existing = await message_log.by_idempotency_key(conn, message.idempotency_key)
            return MessageRecord(**existing), False

    async def claim_retry(self, message_id: str) -> MessageRecord | None:
        async with self._pool.connection() as conn:
            row = await message_log.reclaim(conn, message_id, new_id(), list(RECLAIMABLE))
            return MessageRecord(**row) if row else None

    async def start_send(self, message_id: str, claim_token: str) -> bool:
        async with self._pool.connection() as conn:
            return await message_log.start_send(conn, message_id, claim_token)

    async def finish_send(
        self,
        message_id: str,
        status: str,
        provider_message_id: str | None = None,
        error: str | None = None,
    ) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            if provider_message_id is None:
                await message_log.finish_send(conn, message_id, status, None, error)
                return
            # A status callback may have come before this write: it is applied now.
            await deliveries.lock_provider_message(conn, provider_message_id)
            await message_log.finish_send(conn, message_id, status, provider_message_id, error)
            moved = await deliveries.apply_early_reports(conn, provider_message_id)
            if moved is not None:
                await deliveries.audit_not_delivered(conn, moved)

    async def audit(self, thread_id: str, actor: str, action: str, details: dict[str, Any]) -> None:
        async with self._pool.connection() as conn:
            await audit_trail.audit_thread(conn, thread_id, actor, action, details)

    async def cap_reached_before(self, message_id: str) -> str | None:
        async with self._pool.connection() as conn:
            row = await sending_facts.capped_claimed_before(conn, message_id)
        if row is None:
            return None  # nothing capped was claimed before it
        counts = OutreachCounts(row["lead_day"], row["lead_week"], row["creator_day"])
        return cap_reached(counts, SendingRules.of_agent(row["agent"]))

    async def schedule_timer(self, timer: TimerRequest) -> None:
        if self._schedule_timer_job is None:
            raise RuntimeError("a timer needs a job queue to fire it")
        async with self._pool.connection() as conn, conn.transaction():
            row = await thread_timers.add_timer(
                conn,
                timer.id,
                timer.creator_id,
                timer.consumer_id,
                timer.thread_id,
                timer.kind,
                timer.due_at,
                timer.details,
            )
            if row is None:
                return  # scheduled by an earlier attempt of this run
            await thread_timers.set_job(conn, row["id"], await self._schedule_timer_job(conn, row))
            await audit_trail.audit_thread(
                conn,
                timer.thread_id,
                "agent",
                "timer_scheduled",
                {"timer_id": timer.id, "kind": timer.kind, "due_at": timer.due_at},
            )

    async def cancel_timers(
        self, creator_id: str, thread_id: str, kinds: list[str], reason: str
    ) -> list[str]:
        async with self._pool.connection() as conn, conn.transaction():
            cancelled = await thread_timers.cancel_timers(
                conn, creator_id, thread_id, reason, kinds
            )
            await thread_state.cancel_jobs(conn, [t["job_id"] for t in cancelled if t["job_id"]])
            for timer in cancelled:
                await audit_trail.audit_thread(
                    conn,
                    thread_id,
                    "agent",
                    "timer_cancelled",
                    {"timer_id": timer["id"], "kind": timer["kind"], "reason": reason},
                )
        return [t["id"] for t in cancelled]

    async def email_footer(self, creator_id: str, consumer_id: str) -> EmailFooter | None:
        if self._links is None or not self._links.base_url:
            return None
        async with self._pool.connection() as conn:
            agent = await agent_settings.agent_of_creator(conn, creator_id)
        return self._links.footer(creator_id, consumer_id, (agent or {}).get("postal_address"))
