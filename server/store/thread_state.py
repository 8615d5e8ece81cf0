"""A conversation's machinery outside the app tables: its LangGraph checkpoints and its
queued jobs (procrastinate, locked on the thread id). Read and removed only by a lead's
erasure; everything else reaches them through LangGraph and procrastinate."""

from __future__ import annotations

from psycopg import AsyncConnection

from server.store.rows import one

CHECKPOINT_TABLES = ("checkpoint_writes", "checkpoint_blobs", "checkpoints")


async def thread_job_running(conn: AsyncConnection, thread_id: str) -> bool:
    row = await one(
        conn,
        "SELECT 1 AS running FROM procrastinate_jobs WHERE lock = %s AND status = 'doing'",
        (thread_id,),
    )
    return row is not None


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
