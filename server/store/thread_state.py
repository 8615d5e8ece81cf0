"""A conversation's machinery outside the app tables: its LangGraph checkpoints and its
queued jobs (procrastinate, locked on the thread id). Removed by a lead's erasure; the
thread's queued events are looked for when one of its events finishes, and its next
queued job read by a running job that handles the thread's burst of events, and a job
queued by the statement that writes what it is for; everything else reaches them through
LangGraph and procrastinate."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from server.store.rows import Row, all_rows, one

CHECKPOINT_TABLES = ("checkpoint_writes", "checkpoint_blobs", "checkpoints")


def job_params(job: dict[str, Any]) -> dict[str, Any]:
    """A job (server.jobs.JobQueue.event_job, resume_job) as the parameters of
    `defer_job_from`'s SQL."""
    return {**job, "args": Jsonb(job["args"])}


def defer_job_from(source: str) -> str:
    """SQL queueing the job of `job_params` for each row of `source` (a CTE), for a
    statement that writes something and queues its job at once: both or neither, in one
    round trip. Through procrastinate's versioned SQL function, the one its own `defer`
    calls, so the queue's triggers (the worker's wake-up) fire as for any job."""
    return f"""
        SELECT procrastinate_defer_jobs_v1(ARRAY[ROW(
                   %(queue_name)s, %(task_name)s, %(priority)s, %(lock)s, NULL,
                   %(args)s, NULL)::procrastinate_job_to_defer_v1]) AS job_ids
          FROM {source}"""


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


async def cancel_jobs(conn: AsyncConnection, job_ids: list[int]) -> int:
    """Cancel queued jobs that have not started (a cancelled timer's), in the caller's
    transaction: they leave the thread's queue at once instead of holding its lock."""
    if not job_ids:
        return 0
    cur = await conn.execute(
        "UPDATE procrastinate_jobs SET status = 'cancelled' WHERE id = ANY(%s) AND status = 'todo'",
        (job_ids,),
    )
    return cur.rowcount


async def delete_checkpoints(conn: AsyncConnection, thread_id: str) -> int:
    deleted = 0
    for table in CHECKPOINT_TABLES:
        cur = await conn.execute(f"DELETE FROM {table} WHERE thread_id = %s", (thread_id,))
        deleted += cur.rowcount
    return deleted


def events_queued_on(thread_sql: str, but_event_sql: str) -> str:
    """An SQL condition: the job queue holds an event of the thread `thread_sql` names,
    other than `but_event_sql`, still waiting for its turn (a job whose event an earlier
    burst handled does not count). Read in the finished event's own statement
    (server.store.event_log), so its job looks behind it only when one waits; it scans the
    queued jobs, as `next_queued_job` does."""
    return f"""EXISTS (SELECT 1 FROM procrastinate_jobs j
                        JOIN events q ON q.id = j.args->>'event_id'
                        WHERE j.lock = {thread_sql} AND j.status = 'todo'
                          AND j.task_name = 'process_event' AND q.status = 'queued'
                          AND q.id <> {but_event_sql})"""


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


async def threads_to_compact(conn: AsyncConnection, keep_days: float, limit: int) -> list[str]:
    """Threads holding a checkpoint older than `keep_days` besides their latest, and no
    draft that waits (their latest checkpoint is an approval interrupt, kept as it is)."""
    rows = await all_rows(
        conn,
        """SELECT c.thread_id FROM checkpoints c
            WHERE c.checkpoint_ns = ''
            GROUP BY c.thread_id
           HAVING count(*) > 1
              AND min((c.checkpoint->>'ts')::timestamptz)
                  < now() - make_interval(secs => %s * 86400)
              AND NOT EXISTS (
                  SELECT 1 FROM approvals a
                   WHERE a.thread_id = c.thread_id
                     AND a.status IN ('pending', 'agent_approved', 'held'))
            LIMIT %s""",
        (keep_days, limit),
    )
    return [row["thread_id"] for row in rows]


async def compact_thread(conn: AsyncConnection, thread_id: str, keep_days: float) -> int:
    """Delete the thread's checkpoints older than `keep_days` but its latest, their pending
    writes, and the channel values no remaining checkpoint reads. Safe beside a run of the
    thread: what a run writes is newer than the latest checkpoint seen here (checkpoint ids
    and channel versions only grow), and only what is older is deleted. Rows deleted."""
    latest = await one(
        conn,
        "SELECT max(checkpoint_id) AS id FROM checkpoints WHERE thread_id = %s "
        "AND checkpoint_ns = ''",
        (thread_id,),
    )
    if latest is None or latest["id"] is None:
        return 0
    params = {"thread": thread_id, "latest": latest["id"], "keep_s": keep_days * 86400}
    deleted = 0
    for sql in (
        """DELETE FROM checkpoints
            WHERE thread_id = %(thread)s AND checkpoint_ns = '' AND checkpoint_id < %(latest)s
              AND (checkpoint->>'ts')::timestamptz < now() - make_interval(secs => %(keep_s)s)""",
        """DELETE FROM checkpoint_writes w
            WHERE w.thread_id = %(thread)s AND w.checkpoint_ns = ''
              AND w.checkpoint_id < %(latest)s
              AND NOT EXISTS (SELECT 1 FROM checkpoints c
                               WHERE c.thread_id = w.thread_id AND c.checkpoint_ns = ''
                                 AND c.checkpoint_id = w.checkpoint_id)""",
        # A channel's versions only grow: values older than the oldest version a remaining
        # checkpoint (up to the latest) reads are read by none.
        """DELETE FROM checkpoint_blobs b
            WHERE b.thread_id = %(thread)s AND b.checkpoint_ns = ''
              AND b.version < (
                  SELECT min(c.checkpoint->'channel_versions'->>b.channel) FROM checkpoints c
                   WHERE c.thread_id = b.thread_id AND c.checkpoint_ns = ''
                     AND c.checkpoint_id <= %(latest)s)""",
    ):
        deleted += (await conn.execute(sql, params)).rowcount
    return deleted
