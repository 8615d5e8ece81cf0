"""Expiry of drafts nobody decided on within their agent's `draft_ttl_hours`.

A draft expires once, by compare-and-set (pending -> expired) with its audit entry, in the
caller's transaction; whoever expires it also closes the graph's wait on it, so the thread
is free for the next event. Three callers: the periodic sweep, a decision that arrives
too late (it gets 409), and the next event on the thread (before it is run).
"""

from __future__ import annotations

from typing import Any, Protocol

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from server.store import approval_queue, audit_trail
from server.store.rows import Row

# Drafts expired per transaction of the sweep: a backlog is worked off in short steps.
SWEEP_BATCH = 100


class ResumeQueue(Protocol):
    async def enqueue_resume(self, conn: AsyncConnection, approval: dict[str, Any]) -> int: ...


def expired_detail(approval_id: str) -> str:
    return (
        f"approval {approval_id!r} expired: nobody decided within the agent's "
        "draft_ttl_hours, so it will not be sent; the lead's next event drafts again"
    )


async def expire_if_due(conn: AsyncConnection, approval_id: str) -> Row | None:
    """Mark the draft expired and audit it, if it is pending and past its TTL; the caller
    closes the graph's wait on it (a resume job, or a resume in the thread's own job)."""
    row = await approval_queue.expire(conn, approval_id)
    if row is None:
        return None
    await audit_trail.audit(
        conn,
        row["creator_id"],
        "agent",
        "draft_expired",
        {
            "approval_id": approval_id,
            "draft_ttl_hours": row["draft_ttl_hours"],
            "created_at": row["created_at"].isoformat(),
        },
        thread_id=row["thread_id"],
    )
    return row


async def expire_and_resume(
    conn: AsyncConnection, jobs: ResumeQueue, approval_id: str
) -> Row | None:
    """Expire the draft if it is due, and queue the resume that ends the thread's wait."""
    row = await expire_if_due(conn, approval_id)
    if row is not None:
        await jobs.enqueue_resume(conn, row)
    return row


async def expire_due_drafts(pool: AsyncConnectionPool, jobs: ResumeQueue) -> int:
    """The sweep: expire every pending draft past its TTL. Safe to run anywhere, any number
    of times: each draft expires once. Returns how many this call expired."""
    expired = 0
    while True:
        async with pool.connection() as conn:
            due = await approval_queue.due_to_expire(conn, SWEEP_BATCH)
        if not due:
            return expired
        before = expired
        for approval_id in due:
            async with pool.connection() as conn, conn.transaction():
                if await expire_and_resume(conn, jobs, approval_id) is not None:
                    expired += 1
        if len(due) < SWEEP_BATCH or expired == before:
            return expired
