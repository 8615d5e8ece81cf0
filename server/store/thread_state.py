"""A conversation's machinery outside the app tables: its LangGraph checkpoints and its
queued jobs (procrastinate, locked on the thread id). Removed by a lead's erasure; the
thread's next queued job is read by a running job that handles the thread's burst of
events; everything else reaches them through LangGraph and procrastinate."""

from __future__ import annotations

from psycopg import AsyncConnection

from server.store.rows import Row, all_rows, one

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


async def next_queued_job(conn: AsyncConnection, thread_id: str, skip: list[int]) -> Row | None:
    """The thread's job that runs next (procrastinate's order on a lock: priority, then
    queue order), leaving out `skip`; with whether it is due yet."""
    return await one(
        conn,
        """SELECT id, task_name, args, (scheduled_at IS NULL OR scheduled_at <= now()) AS due
             FROM procrastinate_jobs
            WHERE lock = %s AND status = 'todo' AND NOT (id = ANY(%s))
            ORDER BY priority DESC, id LIMIT 1""",
        (thread_id, skip),
    )
