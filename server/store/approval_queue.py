"""The approvals table: drafts and profile reviews waiting for (or decided by) the creator."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from server.store.pages import Cursor, Page, keyset, keyset_params, to_page
from server.store.rows import Row, Scope, all_rows, one

# An approval with what the creator needs to decide: the lead, the event, the lead's
# context, and the message it produced once sent.
APPROVAL_VIEW = """
    SELECT a.*, c.name AS consumer_name, c.whatsapp AS consumer_whatsapp,
           c.email AS consumer_email, c.timezone AS consumer_timezone,
           e.type AS event_type, e.payload AS event_payload, e.occurred_at AS event_occurred_at,
           e.decision AS event_decision, x.context AS consumer_context,
           m.id AS message_id, m.status AS message_status
      FROM approvals a
      LEFT JOIN consumers c ON c.creator_id = a.creator_id AND c.id = a.consumer_id
      LEFT JOIN events e ON e.id = a.event_id
      LEFT JOIN consumer_context x ON x.creator_id = a.creator_id AND x.consumer_id = a.consumer_id
      LEFT JOIN LATERAL (SELECT id, status FROM messages WHERE approval_id = a.id
                          ORDER BY created_at LIMIT 1) m ON true
"""
A_IN_SCOPE = "(%s::text IS NULL OR a.creator_id = %s)"


async def insert_message_draft(conn: AsyncConnection, approval: dict[str, Any]) -> bool:
    """Store a draft for approval once; False when it was stored already."""
    cur = await conn.execute(
        """INSERT INTO approvals (id, thread_id, creator_id, consumer_id, event_id, channel,
                                  draft, profile_version)
           VALUES (%(id)s, %(thread_id)s, %(creator_id)s, %(consumer_id)s, %(event_id)s,
                   %(channel)s, %(draft)s, %(profile_version)s)
           ON CONFLICT (id) DO NOTHING""",
        {**approval, "draft": Jsonb(approval["draft"])},
    )
    return cur.rowcount == 1


async def insert_profile_review(
    conn: AsyncConnection,
    approval_id: str,
    thread_id: str,
    creator_id: str,
    profile: dict[str, Any],
    version: int,
) -> None:
    await conn.execute(
        """INSERT INTO approvals (id, kind, thread_id, creator_id, draft, profile_version)
           VALUES (%s, 'profile', %s, %s, %s, %s)""",
        (approval_id, thread_id, creator_id, Jsonb(profile), version),
    )


async def list_approvals(
    conn: AsyncConnection,
    scope: Scope,
    creator_id: str | None,
    status: str | None,
    kind: str | None,
    after: Cursor | None,
    limit: int,
) -> Page:
    """Pending ones oldest first (the order to work through them), decided ones newest first."""
    order_name = "oldest_first" if status == "pending" else "newest_first"
    where, order = keyset(order_name, "a.created_at", "a.id")
    rows = await all_rows(
        conn,
        APPROVAL_VIEW
        + f"""
        WHERE {A_IN_SCOPE} AND (%s::text IS NULL OR a.creator_id = %s)
          AND (%s::text IS NULL OR a.status = %s) AND (%s::text IS NULL OR a.kind = %s)
          AND {where} {order} LIMIT %s""",
        (
            scope,
            scope,
            creator_id,
            creator_id,
            status,
            status,
            kind,
            kind,
            *keyset_params(after),
            limit + 1,
        ),
    )
    return to_page(rows, limit)


async def get_approval(conn: AsyncConnection, scope: Scope, approval_id: str) -> Row | None:
    return await one(
        conn, APPROVAL_VIEW + f" WHERE a.id = %s AND {A_IN_SCOPE}", (approval_id, scope, scope)
    )


async def approval_status(conn: AsyncConnection, approval_id: str) -> str | None:
    row = await one(conn, "SELECT status FROM approvals WHERE id = %s", (approval_id,))
    return row["status"] if row else None


async def decide_approval(
    conn: AsyncConnection,
    approval_id: str,
    status: str,
    decision: dict[str, Any],
    status_reason: str | None = None,
) -> Row | None:
    """Compare-and-set: only a pending approval takes a decision. None if it was not pending."""
    return await one(
        conn,
        """
        UPDATE approvals SET status = %s, decision = %s, status_reason = %s, decided_at = now()
         WHERE id = %s AND status = 'pending' RETURNING *""",
        (status, Jsonb(decision), status_reason, approval_id),
    )


async def withdraw(
    conn: AsyncConnection, approval_id: str, reason: str, withdrawable: list[str]
) -> bool:
    """Withdraw the draft unless a message went out for it; True when it was withdrawn."""
    cur = await conn.execute(
        """UPDATE approvals SET status = 'withdrawn', status_reason = %s, decided_at = now()
            WHERE id = %s AND status = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.approval_id = approvals.id)""",
        (reason, approval_id, withdrawable),
    )
    return cur.rowcount == 1


async def thread_approvals(conn: AsyncConnection, thread_id: str, limit: int) -> list[Row]:
    return await all_rows(
        conn,
        APPROVAL_VIEW + " WHERE a.thread_id = %s ORDER BY a.created_at DESC LIMIT %s",
        (thread_id, limit),
    )


async def lead_approvals(conn: AsyncConnection, creator_id: str, lead_id: str) -> list[Row]:
    return await all_rows(
        conn,
        "SELECT * FROM approvals WHERE creator_id = %s AND consumer_id = %s ORDER BY created_at",
        (creator_id, lead_id),
    )


async def withdraw_pending_of_lead(
    conn: AsyncConnection, creator_id: str, lead_id: str, reason: str
) -> int:
    cur = await conn.execute(
        """UPDATE approvals SET status = 'withdrawn', status_reason = %s, decided_at = now()
            WHERE creator_id = %s AND consumer_id = %s AND status = 'pending'""",
        (reason, creator_id, lead_id),
    )
    return cur.rowcount


async def delete_lead_approvals(conn: AsyncConnection, creator_id: str, lead_id: str) -> int:
    cur = await conn.execute(
        "DELETE FROM approvals WHERE creator_id = %s AND consumer_id = %s", (creator_id, lead_id)
    )
    return cur.rowcount


async def pending_counts(conn: AsyncConnection, creator_id: str) -> dict[str, int]:
    """How many drafts and profile reviews wait for the creator, by kind."""
    rows = await all_rows(
        conn,
        """SELECT kind, count(*) AS waiting FROM approvals
            WHERE creator_id = %s AND status = 'pending' GROUP BY kind""",
        (creator_id,),
    )
    return {row["kind"]: row["waiting"] for row in rows}
