"""The thread_pauses table: threads the creator took over, and until when the agent keeps
quiet on them (read with each event by store.event_log.event_to_run)."""

from __future__ import annotations

from datetime import datetime

from psycopg import AsyncConnection

from server.store.rows import one


async def pause_thread(
    conn: AsyncConnection,
    thread_id: str,
    creator_id: str,
    consumer_id: str,
    message_id: str,
    hours: int,
) -> datetime:
    """Pause the agent on the thread for `hours` from now (the database's clock); a later
    message of the creator's starts the pause again. Returns `paused_until`."""
    row = await one(
        conn,
        """
        INSERT INTO thread_pauses (thread_id, creator_id, consumer_id, paused_until, message_id)
        VALUES (%(thread_id)s, %(creator_id)s, %(consumer_id)s,
                now() + make_interval(hours => %(hours)s), %(message_id)s)
        ON CONFLICT (thread_id) DO UPDATE SET paused_until = excluded.paused_until,
            message_id = excluded.message_id, paused_at = now()
        RETURNING paused_until""",
        {
            "thread_id": thread_id,
            "creator_id": creator_id,
            "consumer_id": consumer_id,
            "hours": hours,
            "message_id": message_id,
        },
    )
    assert row is not None
    return row["paused_until"]


async def paused_until(conn: AsyncConnection, creator_id: str, thread_id: str) -> datetime | None:
    """Until when the creator's latest takeover of the thread pauses the agent (it may be
    over already), or None when they never took it over."""
    row = await one(
        conn,
        "SELECT paused_until FROM thread_pauses WHERE creator_id = %s AND thread_id = %s",
        (creator_id, thread_id),
    )
    return row["paused_until"] if row else None
