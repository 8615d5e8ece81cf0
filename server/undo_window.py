"""The undo window of the agent's approval: until its message is sent, the creator can
cancel it. A cancel and the send's claim lock the approval's row, so exactly one of them
wins: a cancelled approval sends nothing, and a message being sent cannot be cancelled."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection

from server.draft_expiry import ResumeQueue
from server.store import approval_queue, audit_trail
from server.store.rows import Row


class CancelRefused(Exception):
    """The approval cannot be cancelled (any more); the message says why."""


class ApprovalGone(Exception):
    """Erased with its lead while the cancel waited for it."""


async def cancel_agent_approval(
    conn: AsyncConnection, jobs: ResumeQueue, approval: dict[str, Any], actor: str
) -> Row:
    """Cancel the agent's approval in the caller's transaction, audit it, and queue the
    resume that ends the thread's wait without a message."""
    approval_id = approval["id"]
    status = await approval_queue.lock_for_send(conn, approval_id)
    if status is None:
        raise ApprovalGone(approval_id)
    if status != "agent_approved":
        raise CancelRefused(
            f"approval {approval_id!r} is {status}: only a message the agent approved can "
            "be cancelled, until it is sent"
        )
    if await approval_queue.has_message(conn, approval_id):
        raise CancelRefused(
            f"approval {approval_id!r} cannot be cancelled: its message was already sent "
            "(GET /messages shows it)"
        )
    row = await approval_queue.cancel(conn, approval_id, f"cancelled by the {actor}")
    assert row is not None, "the row is locked and was agent_approved"
    await audit_trail.audit(
        conn,
        row["creator_id"],
        actor,
        "draft_cancelled",
        {"approval_id": approval_id, "send_after": row["send_after"].isoformat()},
        thread_id=row["thread_id"],
    )
    await jobs.enqueue_resume(conn, row)
    return row
