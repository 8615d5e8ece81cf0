"""Withdraw a lead's drafts not sent yet, outside the graph: the lead opted out of email
(server.email_opt_out), or the creator took the thread over (server.creator_messages).
Runs in the caller's transaction."""

from __future__ import annotations

from psycopg import AsyncConnection

from server.store import approval_queue, audit_trail
from server.store.rows import Row

# Waiting, or decided and not sent yet.
UNSENT = ["pending", "agent_approved", "approved", "edited"]


async def withdraw_unsent_drafts(
    conn: AsyncConnection,
    creator_id: str,
    consumer_id: str,
    *,
    reason: str,
    source: str,
    statuses: list[str] = UNSENT,
    channel: str | None = None,
    thread_id: str | None = None,
) -> list[Row]:
    """Withdraw the lead's drafts in `statuses` (on `channel` and `thread_id` only, when
    given) and audit each `draft_withdrawn` with the reason code; the withdrawn ones (id,
    thread_id, kind). A repeat finds nothing more to withdraw."""
    drafts = await approval_queue.withdraw_unsent_of_lead(
        conn, creator_id, consumer_id, reason, statuses, channel=channel, thread_id=thread_id
    )
    for draft in drafts:
        await audit_trail.audit(
            conn,
            creator_id,
            "system",
            "draft_withdrawn",
            {"approval_id": draft["id"], "reason": reason, "source": source},
            thread_id=draft["thread_id"],
        )
    return drafts
