"""A conversation's machinery outside the app tables: its LangGraph checkpoints and its
queued jobs (procrastinate, locked on the thread id). Read and removed only by a lead's
erasure; everything else reaches them through LangGraph and procrastinate."""

from __future__ import annotations

from psycopg import AsyncConnection

from server.store.rows import all_rows

CHECKPOINT_TABLES = ("checkpoint_writes", "checkpoint_blobs", "checkpoints")


async def lock_thread_jobs(conn: AsyncConnection, thread_id: str) -> bool:
    """Lock the thread's jobs for this transaction; True when one of them is running.

    Locked first, then looked at: a worker fetches jobs with SKIP LOCKED, so none of them
    can start between this check and their deletion.
    """
    rows = await all_rows(
        conn,
        "SELECT status FROM procrastinate_jobs WHERE lock = %s FOR UPDATE",
        (thread_id,),
    )
    return any(row["status"] == "doing" for row in rows)


async def drop_thread_jobs(conn: AsyncConnection, thread_id: str) -> int:
    """Queued and finished jobs of the thread (a running one is the caller's to wait for)."""
    cur = await conn.execute(
        "DELETE FROM procrastinate_jobs WHERE lock = %s AND status <> 'doing'", (thread_id,)
    )
    return cur.rowcount


async def delete_checkpoints(conn: AsyncConnection, thread_id: str) -> int:
    deleted = 0
    for table in CHECKPOINT_TABLES:
        cur = await conn.execute(f"DELETE FROM {table} WHERE thread_id = %s", (thread_id,))
        deleted += cur.rowcount
    return deleted
