"""The standalone worker's health check, `python -m server.worker --check`.

A running worker writes its id in procrastinate_workers (the row its heartbeat updates) to
WORKER_ID_FILE. The check reads that id and asks Postgres whether this worker's heartbeat is
recent, so it passes only while the database answers and this worker's event loop runs: a
stuck loop or a dead worker stops the heartbeat. It needs no import of the graphs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path
from typing import Protocol

import psycopg

from server.settings import Settings


class HasWorkerId(Protocol):
    @property
    def worker_id(self) -> int | None: ...


def write_worker_id(path: Path, worker_id: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(str(worker_id))
    os.replace(partial, path)  # atomic: a check never reads half an id


def forget_worker_id(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


async def publish_worker_id(jobs: HasWorkerId, path: Path) -> None:
    """Keep `path` naming the current worker (it changes when the queue worker restarts)."""
    await asyncio.to_thread(forget_worker_id, path)  # an earlier run's file names a dead worker
    published = None
    try:
        while True:
            if jobs.worker_id is not None and jobs.worker_id != published:
                await asyncio.to_thread(write_worker_id, path, jobs.worker_id)
                published = jobs.worker_id
            await asyncio.sleep(0.5)
    finally:
        await asyncio.to_thread(forget_worker_id, path)


def problem(settings: Settings) -> str | None:
    """None when this worker is healthy, else what is wrong."""
    if not settings.database_url:
        return "the health check needs DATABASE_URL"
    try:
        worker_id = int(settings.worker_id_file.read_text())
    except (OSError, ValueError):
        return f"no worker has registered yet ({settings.worker_id_file} names none)"
    try:
        with psycopg.connect(settings.database_url, connect_timeout=5) as conn:
            row = conn.execute(
                "SELECT now() - last_heartbeat < make_interval(secs => %s) "
                "FROM procrastinate_workers WHERE id = %s",
                (settings.worker_stalled_after_s, worker_id),
            ).fetchone()
    except psycopg.Error as exc:
        return f"the database does not answer: {str(exc).strip()[:200]}"
    if row is None:
        return f"worker {worker_id} is not registered in the job queue"
    if not row[0]:
        return f"worker {worker_id} sent no heartbeat for {settings.worker_stalled_after_s} s"
    return None
