"""The durable job queue (procrastinate on the same Postgres).

Every job carries `lock=thread_id`: jobs of one thread run one at a time, in the order
they were queued; jobs of different threads run in parallel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import procrastinate
from procrastinate import JobContext, RetryStrategy
from procrastinate.worker import Worker
from psycopg import AsyncConnection

from domain.thread_ids import onboarding_thread_id
from server.digest_sender import DigestSender
from server.draft_expiry import expire_due_drafts
from server.onboarding_runner import OnboardingRunner
from server.resend_runner import ResendRunner
from server.retention import apply_retention
from server.sales_runner import SalesRunner
from server.store import event_log, thread_state
from server.store.rows import Row
from tools.creator_source import CreatorDataInvalid, CreatorNotFound

log = logging.getLogger(__name__)

# A job runs at most ATTEMPTS times. procrastinate's `max_attempts` counts the retries
# after the first run, and `job.attempts` the runs before this one.
ATTEMPTS = 5
RETRY = RetryStrategy(max_attempts=ATTEMPTS - 1, wait=1, exponential_wait=2)
NOT_RETRYABLE = (CreatorNotFound, CreatorDataInvalid)

RESUME_APPROVAL = "resume_approval"
FIRE_TIMER = "fire_timer"
# A lock's jobs run by priority, then in order, and a waiting job holds back the lock's jobs
# of lower or equal priority even before it is due. A scheduled send (the undo window of an
# agent's approval) takes a lower priority, so the lead's events are not held back by it.
SCHEDULED_PRIORITY = -1
# A timer (a reminder days ahead, a follow-up) lower still: queued first, it would otherwise
# hold back a send scheduled after it until the timer itself is due.
TIMER_PRIORITY = -2
# Events of one thread handled by one job at most; the rest by their own jobs.
BURST_LIMIT = 100
# The expiry sweep: every minute (drafts live for hours; one minute late is fine).
EXPIRY_SWEEP_CRON = "* * * * *"
# Retention: hourly, at an odd minute so it does not meet the other sweeps.
RETENTION_CRON = "17 * * * *"
# The digest sweep: every minute, so a digest is at most a minute later than it may be.
DIGEST_SWEEP_CRON = "* * * * *"


def new_queue_app() -> procrastinate.App:
    return procrastinate.App(connector=procrastinate.PsycopgConnector())


async def schedule_agent_send(app: procrastinate.App, conn: AsyncConnection, approval: Row) -> int:
    """Resume the thread with the agent's approval at its `send_after`, on the thread's lock,
    in the caller's transaction (the one recording the approval)."""
    deferrer = app.configure_task(
        RESUME_APPROVAL,
        lock=approval["thread_id"],
        schedule_at=approval["send_after"],
        priority=SCHEDULED_PRIORITY,
        connection=conn,
    )
    return await deferrer.defer_async(approval_id=approval["id"])


async def schedule_timer_job(app: procrastinate.App, conn: AsyncConnection, timer: Row) -> int:
    """Fire the timer at its `due_at`, on its thread's lock, in the caller's transaction (the
    one recording the timer), at the lowest priority: a timer due later never holds back the
    thread's events or scheduled sends meanwhile."""
    deferrer = app.configure_task(
        FIRE_TIMER,
        lock=timer["thread_id"],
        schedule_at=timer["due_at"],
        priority=TIMER_PRIORITY,
        connection=conn,
    )
    return await deferrer.defer_async(timer_id=timer["id"])


def _attempt(context: JobContext) -> int:
    return context.job.attempts + 1


def _resume_task(approval: dict) -> str:
    """A profile review resumes its onboarding run; a message draft its thread's run."""
    return "resume_onboarding" if approval["kind"] == "profile" else RESUME_APPROVAL


def _last_attempt(context: JobContext) -> bool:
    return _attempt(context) >= ATTEMPTS


class JobQueue:
    """Defines the tasks and defers them inside the caller's transaction."""

    def __init__(
        self,
        app: procrastinate.App,
        sales: SalesRunner,
        onboarding: OnboardingRunner,
        resender: ResendRunner,
        digests: DigestSender,
        checkpoint_keep_days: float,
    ):
        self.app = app
        self._worker: Worker | None = None
        self._stopping = False

        @self.app.task(name="process_event", retry=RETRY, pass_context=True)
        async def process_event_task(context: JobContext, event_id: str) -> None:
            try:
                others_queued = await sales.process_event(event_id, _last_attempt(context))
            except Exception as exc:
                await self._note_event_failure(context, event_id, exc)
                raise
            if others_queued:
                await self._process_events_queued_behind(context, sales)

        @self.app.task(name=FIRE_TIMER, retry=RETRY, pass_context=True)
        async def fire_timer_task(context: JobContext, timer_id: str) -> None:
            await sales.fire_timer(timer_id, _last_attempt(context))

        @self.app.task(name=RESUME_APPROVAL, retry=RETRY, pass_context=True)
        async def resume_approval_task(context: JobContext, approval_id: str) -> None:
            await sales.resume_approval(approval_id, final_attempt=_last_attempt(context))

        @self.app.task(name="run_onboarding", retry=RETRY, pass_context=True)
        async def run_onboarding_task(context: JobContext, onboarding_id: str) -> None:
            try:
                await onboarding.run(onboarding_id)
            except NOT_RETRYABLE as exc:
                await onboarding.fail(onboarding_id, str(exc))  # a retry cannot fix these
            except Exception:
                log.exception("onboarding %s failed (attempt %s)", onboarding_id, _attempt(context))
                if _last_attempt(context):
                    await onboarding.fail(
                        onboarding_id,
                        f"onboarding failed {ATTEMPTS} times; the service log has the details",
                    )
                raise

        @self.app.task(name="resume_onboarding", retry=RETRY)
        async def resume_onboarding_task(approval_id: str) -> None:
            await onboarding.resume(approval_id)

        @self.app.task(name="resend_message", retry=RETRY, pass_context=True)
        async def resend_message_task(context: JobContext, message_id: str) -> None:
            await resender.resend(message_id, final_attempt=_last_attempt(context))

        @self.app.periodic(cron=EXPIRY_SWEEP_CRON, periodic_id="expire_drafts")
        @self.app.task(
            name="expire_drafts", queueing_lock="expire_drafts", retry=RETRY, pass_context=True
        )
        async def expire_drafts_task(context: JobContext, timestamp: int) -> None:
            expired = await expire_due_drafts(context.app.connector.pool, self)
            if expired:
                log.info("expired %s drafts nobody decided on in time", expired)

        @self.app.periodic(cron=DIGEST_SWEEP_CRON, periodic_id="send_digests")
        @self.app.task(name="send_digests", queueing_lock="send_digests")
        async def send_digests_task(timestamp: int) -> None:
            # No retry: the next sweep, a minute later, is the retry.
            sent = await digests.send_due()
            if sent:
                log.info("sent %s digests to creators with drafts waiting", sent)

        @self.app.periodic(cron=RETENTION_CRON, periodic_id="apply_retention")
        @self.app.task(name="apply_retention", queueing_lock="apply_retention", pass_context=True)
        async def apply_retention_task(context: JobContext, timestamp: int) -> None:
            # One at a time (the queueing lock); no retry: the next hour is the retry.
            done = await apply_retention(context.app, checkpoint_keep_days)
            log.info("retention: %s threads compacted, %s rows deleted", done.threads, done.rows)

        self._tasks = {
            "process_event": process_event_task,
            "resume_approval": resume_approval_task,
            "run_onboarding": run_onboarding_task,
            "resume_onboarding": resume_onboarding_task,
            "resend_message": resend_message_task,
        }

    async def _process_events_queued_behind(self, context: JobContext, sales: SalesRunner) -> None:
        """A burst on one thread runs as one: the thread's events whose jobs are next in its
        queue are handled here, in order, at once, rather than each waiting for the worker's
        next poll (the thread's lock holds their jobs back until this one ends). Their jobs
        stay queued and find their event processed; one whose event fails here retries it
        as usual, so nothing is lost. Called when the event's finish saw others of its
        thread queued (no round trip to look when there are none)."""
        thread_id = context.job.lock
        if thread_id is None:
            return
        handled = [context.job.id]
        for _ in range(BURST_LIMIT):
            async with context.app.connector.pool.connection() as conn:
                job = await thread_state.next_queued_job(conn, thread_id, handled)
            if job is None or job["task_name"] != "process_event" or not job["due"]:
                return  # the thread's next job is of another kind: it keeps its turn
            handled.append(job["id"])
            try:
                others_queued = await sales.process_event(job["args"]["event_id"])
            except Exception:
                log.warning(
                    "event %s failed in a burst; its own job retries it",
                    job["args"]["event_id"],
                    exc_info=True,
                )
                return
            if not others_queued:
                return

    async def _note_event_failure(self, context: JobContext, event_id: str, exc: Exception) -> None:
        # The traceback is for the operator's log; the API client reads a plain summary.
        log.exception("event %s failed (attempt %s of %s)", event_id, _attempt(context), ATTEMPTS)
        async with context.app.connector.pool.connection() as conn:
            if _last_attempt(context):
                error = f"processing failed {ATTEMPTS} times; the service log has the details"
                await event_log.finish_event(conn, event_id, "failed", None, error)
            else:
                error = f"processing failed on attempt {_attempt(context)} of {ATTEMPTS}; retrying"
                await event_log.note_event_error(conn, event_id, error)

    async def _defer(self, task: str, conn: AsyncConnection, lock: str, **kwargs: str) -> int:
        deferrer = self._tasks[task].configure(lock=lock, connection=conn)
        return await deferrer.defer_async(**kwargs)

    def _job_columns(self, task_name: str, lock: str, **args: str) -> dict[str, Any]:
        """A job as the columns procrastinate defers it with, for a statement that writes
        something and queues its job at once (procrastinate_defer_jobs_v1, the function
        its own `defer` calls, so the queue's triggers fire as for any job)."""
        task = self._tasks[task_name]
        return {
            "queue_name": task.queue,
            "task_name": task.name,
            "priority": task.priority,
            "lock": lock,
            "args": args,
        }

    def event_job(self, event_id: str, thread_id: str) -> dict[str, Any]:
        """The event's `process_event` job (server.store.event_log.insert_queued_event)."""
        return self._job_columns("process_event", thread_id, event_id=event_id)

    def resume_job(self, approval: dict) -> dict[str, Any]:
        """The job that resumes whatever waits on this approval, as columns
        (server.store.approval_queue.decide_and_resume)."""
        return self._job_columns(
            _resume_task(approval), approval["thread_id"], approval_id=approval["id"]
        )

    async def enqueue_resume(self, conn: AsyncConnection, approval: dict) -> int:
        """Resume whatever waits on this approval: a message draft or a profile review."""
        return await self._defer(
            _resume_task(approval), conn, approval["thread_id"], approval_id=approval["id"]
        )

    async def enqueue_onboarding(self, conn: AsyncConnection, onboarding_id: str) -> int:
        return await self._defer(
            "run_onboarding", conn, onboarding_thread_id(onboarding_id), onboarding_id=onboarding_id
        )

    @property
    def worker_id(self) -> int | None:
        """The running worker's row in procrastinate_workers (its heartbeat), once registered."""
        return self._worker.worker_id if self._worker else None

    async def enqueue_resend(self, conn: AsyncConnection, message: dict) -> int:
        """Send an unconfirmed message again, on its thread's lock like the lead's other jobs."""
        return await self._defer(
            "resend_message", conn, message["thread_id"], message_id=message["id"]
        )

    async def run_worker(self, concurrency: int, stalled_after_s: float) -> None:
        """Run until `stop_worker()` (or cancelled), retrying jobs whose worker died (no
        heartbeat for a while)."""
        self._stopping = False
        rescuer = asyncio.create_task(self._retry_stalled_jobs_forever(stalled_after_s))
        try:
            while not self._stopping:
                try:
                    # What app.run_worker_async does, keeping the worker for its id.
                    self._worker = Worker(
                        app=self.app,
                        concurrency=concurrency,
                        install_signal_handlers=False,
                        update_heartbeat_interval=max(0.5, stalled_after_s / 3),
                        stalled_worker_timeout=stalled_after_s,
                        fetch_job_polling_interval=1.0,
                    )
                    await self._worker.run()
                except Exception:
                    if self._stopping:
                        return
                    # e.g. the database restarted under the LISTEN connection: start again.
                    log.exception("the job worker stopped; restarting it in 1 s")
                if not self._stopping:
                    await asyncio.sleep(1)
        finally:
            rescuer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await rescuer

    def stop_worker(self) -> None:
        """Ask the running worker to finish its jobs and stop. A flag, not a cancellation:
        on Python 3.11 a cancellation can be lost inside a library's `wait_for` (a worker
        that never stopped hung a shutdown), a flag cannot."""
        self._stopping = True
        if self._worker is not None:
            self._worker.stop()

    async def shut_down_worker(self, task: asyncio.Task[None], grace_s: float) -> None:
        """Stop the worker running as `task`: gracefully, then by cancelling it."""
        self.stop_worker()
        await asyncio.wait({task}, timeout=grace_s)
        if not task.done():
            log.warning("the job worker did not stop within %s s; cancelling its jobs", grace_s)
            task.cancel()
            await asyncio.wait({task}, timeout=grace_s)
        if task.done() and not task.cancelled() and task.exception() is not None:
            log.error("the job worker failed while stopping", exc_info=task.exception())

    async def _retry_stalled_jobs_forever(self, stalled_after_s: float) -> None:
        while not self._stopping:
            try:
                jobs = await self.app.job_manager.get_stalled_jobs(
                    seconds_since_heartbeat=stalled_after_s
                )
                for job in jobs:
                    log.warning("retrying job %s of a stopped worker", job.id)
                    await self.app.job_manager.retry_job(job)
            except Exception:
                log.exception("could not check for stalled jobs")
            await asyncio.sleep(max(0.5, stalled_after_s / 2))
