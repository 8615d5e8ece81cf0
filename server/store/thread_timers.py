"""The thread_timers table: delayed runs of a thread (a session reminder, a thank-you, a
sales follow-up). A procrastinate job on the thread's lock fires each one; this row is what
the API lists, what cancelling marks, and what makes a timer fire once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from server.store.rows import Row, all_rows, one


async def add_timer(
    conn: AsyncConnection,
    timer_id: str,
    creator_id: str,
    consumer_id: str,
    thread_id: str,
    kind: str,
    due_at: datetime,
    details: dict[str, Any],
) -> Row | None:
    """The new timer; None when this id was scheduled before (a node run again)."""
    return await one(
        conn,
        """
        INSERT INTO thread_timers (id, creator_id, consumer_id, thread_id, kind, due_at, details)
        VALUES (%s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (id) DO NOTHING RETURNING *""",
        (timer_id, creator_id, consumer_id, thread_id, kind, due_at, Jsonb(details)),
    )


async def set_job(conn: AsyncConnection, timer_id: str, job_id: int) -> None:
    await conn.execute("UPDATE thread_timers SET job_id = %s WHERE id = %s", (job_id, timer_id))


async def take_due_timer(conn: AsyncConnection, timer_id: str) -> Row | None:
    """Lock a timer for firing (in the caller's transaction): the row, whatever its status."""
    return await one(conn, "SELECT * FROM thread_timers WHERE id = %s FOR UPDATE", (timer_id,))


async def mark_fired(conn: AsyncConnection, timer_id: str, event_id: str) -> None:
    await conn.execute(
        """UPDATE thread_timers SET status = 'fired', event_id = %s, updated_at = now()
            WHERE id = %s AND status = 'scheduled'""",
        (event_id, timer_id),
    )


async def cancel_timers(
    conn: AsyncConnection,
    creator_id: str,
    thread_id: str,
    reason: str,
    kinds: list[str] | None = None,
) -> list[Row]:
    """Cancel the thread's scheduled timers (of `kinds`, or all); the ones cancelled."""
    return await all_rows(
        conn,
        """
        UPDATE thread_timers SET status = 'cancelled', cancel_reason = %s, updated_at = now()
         WHERE creator_id = %s AND thread_id = %s AND status = 'scheduled'
           AND (%s::text[] IS NULL OR kind = ANY(%s::text[]))
        RETURNING id, kind, due_at, job_id""",
        (reason, creator_id, thread_id, kinds, kinds),
    )


async def lead_timers(conn: AsyncConnection, creator_id: str, consumer_id: str) -> list[Row]:
    """The lead's timers still to fire, soonest first, on every thread of theirs."""
    return await all_rows(
        conn,
        """SELECT id, thread_id, kind, due_at, status, details, created_at
             FROM thread_timers
            WHERE creator_id = %s AND consumer_id = %s AND status = 'scheduled'
            ORDER BY due_at LIMIT 100""",
        (creator_id, consumer_id),
    )


async def delete_lead_timers(conn: AsyncConnection, creator_id: str, consumer_id: str) -> int:
    cur = await conn.execute(
        "DELETE FROM thread_timers WHERE creator_id = %s AND consumer_id = %s",
        (creator_id, consumer_id),
    )
    return cur.rowcount
