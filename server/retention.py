"""What the service stops keeping: old checkpoints and finished queue jobs.

Events, messages, approvals and the audit log are the history and stay. A thread keeps its
latest checkpoint (the state its next event starts from) and every checkpoint younger than
CHECKPOINT_KEEP_DAYS (for debugging a recent run in Studio); a thread whose draft waits is
left as it is. Finished jobs go after FINISHED_JOBS_KEEP_HOURS, and delivery reports no
message claimed (store.deliveries.apply_early_reports) after EARLY_REPORTS_KEEP_HOURS.
"""

from __future__ import annotations

from dataclasses import dataclass

import procrastinate
from psycopg_pool import AsyncConnectionPool

from server.store import deliveries, thread_state

# Threads compacted per transaction: a backlog is worked off in short steps.
THREADS_PER_STEP = 100
FINISHED_JOBS_KEEP_HOURS = 24
EARLY_REPORTS_KEEP_HOURS = 24


@dataclass
class RetentionResult:
    threads: int = 0
    rows: int = 0


async def compact_checkpoints(pool: AsyncConnectionPool, keep_days: float) -> RetentionResult:
    result = RetentionResult()
    while True:
        step = 0
        async with pool.connection() as conn, conn.transaction():
            threads = await thread_state.threads_to_compact(conn, keep_days, THREADS_PER_STEP)
            for thread_id in threads:
                step += await thread_state.compact_thread(conn, thread_id, keep_days)
        result.threads += len(threads)
        result.rows += step
        if len(threads) < THREADS_PER_STEP or step == 0:
            return result


async def apply_retention(app: procrastinate.App, keep_days: float) -> RetentionResult:
    result = await compact_checkpoints(app.connector.pool, keep_days)
    await app.job_manager.delete_old_jobs(
        nb_hours=FINISHED_JOBS_KEEP_HOURS,
        include_failed=True,
        include_cancelled=True,
        include_aborted=True,
    )
    async with app.connector.pool.connection() as conn:
        await deliveries.drop_old_early_reports(conn, EARLY_REPORTS_KEEP_HOURS)
    return result
