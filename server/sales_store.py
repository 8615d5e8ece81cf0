"""Postgres implementation of the sales graph's store (tools.sales_store.SalesStore)."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from server import repository
from tools.sales_store import (
    RECLAIMABLE,
    MessageRecord,
    NewApproval,
    NewMessage,
    Withdrawal,
    new_id,
)


class PostgresSalesStore:
    def __init__(self, pool: AsyncConnectionPool):
        self._pool = pool

    async def save_approval(self, approval: NewApproval) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            cur = await conn.execute(
                """INSERT INTO approvals (id, thread_id, creator_id, consumer_id, event_id, channel,
                                          draft, profile_version)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING""",
                (
                    approval.id,
                    approval.thread_id,
                    approval.creator_id,
                    approval.consumer_id,
                    approval.event_id,
                    approval.channel,
                    Jsonb(approval.draft),
                    approval.profile_version,
                ),
            )
            if cur.rowcount == 1:
                await repository.audit(
                    conn, approval.thread_id, "agent", "draft_created", approval.audit_details()
                )

    async def withdraw_approval(self, withdrawal: Withdrawal) -> str | None:
        async with self._pool.connection() as conn, conn.transaction():
            cur = await conn.execute(
                """UPDATE approvals SET status = 'withdrawn', status_reason = %s, decided_at = now()
                   WHERE id = %s AND status = ANY(%s)
                     AND NOT EXISTS (SELECT 1 FROM messages m
                                      WHERE m.approval_id = approvals.id)
                   RETURNING status""",
                (withdrawal.reason, withdrawal.approval_id, withdrawal.withdrawable()),
            )
            if await cur.fetchone() is not None:
                await repository.audit(
                    conn,
                    withdrawal.thread_id,
                    "agent",
                    "draft_withdrawn",
                    withdrawal.audit_details(),
                )
                return "withdrawn"
            cur = await conn.execute(
                "SELECT status FROM approvals WHERE id = %s", (withdrawal.approval_id,)
            )
            row = await cur.fetchone()
            return row["status"] if row else None

    async def claim_send(self, message: NewMessage) -> tuple[MessageRecord, bool]:
        async with self._pool.connection() as conn:
            # Insert, or take over a row whose last attempt is known not to have sent.
            cur = await conn.execute(
                """INSERT INTO messages (id, idempotency_key, approval_id, thread_id, creator_id,
                        consumer_id, channel, transport, to_address, subject, body, status,
                        claim_token)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'claimed', %s)
                   ON CONFLICT (idempotency_key) DO UPDATE SET status = 'claimed', error = NULL,
                       claim_token = excluded.claim_token
                       WHERE messages.status = ANY(%s)
                   RETURNING id, status, transport, provider_message_id, error, claim_token""",
                (
                    new_id(),
                    message.idempotency_key,
                    message.approval_id,
                    message.thread_id,
                    message.creator_id,
                    message.consumer_id,
                    message.channel,
                    message.transport,
                    message.to_address,
                    message.subject,
                    message.body,
                    new_id(),
                    list(RECLAIMABLE),
                ),
            )
            row = await cur.fetchone()
            if row is not None:
                return MessageRecord(**row), True
            cur = await conn.execute(
                """SELECT id, status, transport, provider_message_id, error, claim_token
                   FROM messages WHERE idempotency_key = %s""",
                (message.idempotency_key,),
            )
            return MessageRecord(**(await cur.fetchone())), False

    async def claim_retry(self, message_id: str) -> MessageRecord | None:
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                """UPDATE messages SET status = 'claimed', claim_token = %s, error = NULL
                   WHERE id = %s AND status = ANY(%s)
                   RETURNING id, status, transport, provider_message_id, error, claim_token""",
                (new_id(), message_id, list(RECLAIMABLE)),
            )
            row = await cur.fetchone()
            return MessageRecord(**row) if row else None

    async def start_send(self, message_id: str, claim_token: str) -> bool:
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                """UPDATE messages SET status = 'sending'
                   WHERE id = %s AND status = 'claimed' AND claim_token = %s""",
                (message_id, claim_token),
            )
            return cur.rowcount == 1

    async def finish_send(
        self,
        message_id: str,
        status: str,
        provider_message_id: str | None = None,
        error: str | None = None,
    ) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                """UPDATE messages SET status = %s, provider_message_id = %s, error = %s,
                          sent_at = CASE WHEN %s IN ('sent', 'recorded') THEN now() END
                   WHERE id = %s""",
                (status, provider_message_id, error, status, message_id),
            )

    async def audit(self, thread_id: str, actor: str, action: str, details: dict[str, Any]) -> None:
        async with self._pool.connection() as conn:
            await repository.audit(conn, thread_id, actor, action, details)
