"""Postgres: the embedded server for local runs, the shared connection pool, and migrations."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path

from procrastinate.schema import SchemaManager
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool
from tenacity import AsyncRetrying, retry_if_result, stop_after_delay, wait_random

log = logging.getLogger(__name__)

# Any constant works; it only has to be the same in every process sharing the database.
MIGRATION_LOCK_ID = 74_210_001
# Long enough for any real migration; a holder stuck beyond it needs a person.
MIGRATION_LOCK_WAIT_S = 600
# The job queue's schema, and its upgrades, recorded in schema_migrations under these names.
JOB_QUEUE_SCHEMA = "0000_procrastinate_schema"
JOB_QUEUE_PREFIX = "procrastinate/"
# The last upgrade in procrastinate 3.10, the oldest version this project has used.
JOB_QUEUE_BASELINE = JOB_QUEUE_PREFIX + "03.04.00_50_post_add_retry_failed_job_procedure.sql"


def start_embedded_postgres(data_dir: Path) -> tuple[str, Callable[[], None]]:
    """Start (or reuse) a Postgres server in DATA_DIR/postgres: its URL, and a release.

    The release stops the server unless another process (an API, a worker) still uses it.
    pgserver releases at exit too, but uvicorn ends a SIGTERM'd process by raising the signal
    again, which skips exit handlers and used to leave the server running.
    """
    import pgserver  # only local runs need it; containers use DATABASE_URL

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir / "postgres", cleanup_mode="stop")
    return server.get_uri(), server.cleanup


# Below common idle timeouts of proxies and managed Postgres (often 10 minutes or more).
MAX_IDLE_S = 5 * 60
MAX_LIFETIME_S = 30 * 60


async def _configure_connection(conn: AsyncConnection) -> None:
    await conn.set_autocommit(True)
    conn.row_factory = dict_row


async def open_pool(database_url: str, max_size: int) -> AsyncConnectionPool:
    """One pool for the app, the checkpointer and the job queue.

    The LangGraph saver needs autocommit and dict rows. No `check` on checkout (it cost a
    round trip per use, 15 of 36 per event): connections idle for MAX_IDLE_S are closed
    before a server or proxy drops them, every connection is renewed after
    MAX_LIFETIME_S, and one that broke in use is discarded when it is returned (its job is
    retried; an API request answers 503 through the database error handler).
    """
    pool = AsyncConnectionPool(
        database_url,
        min_size=2,
        max_size=max_size,
        max_idle=MAX_IDLE_S,
        max_lifetime=MAX_LIFETIME_S,
        # Set per connection rather than as connect kwargs: the job queue opens its own
        # LISTEN connection from the pool's conninfo and passes autocommit itself.
        configure=_configure_connection,
        open=False,
    )
    await pool.open(wait=True, timeout=30)
    return pool


def _migration_files() -> list[tuple[str, str]]:
    folder = resources.files("server") / "migrations"
    files = sorted(f for f in folder.iterdir() if f.name.endswith(".sql"))
    return [(f.name, f.read_text()) for f in files]


def _job_queue_migrations() -> list[tuple[str, str]]:
    """Procrastinate's upgrade scripts shipped with the installed version, oldest first.

    Their names (`03.04.00_01_pre_....sql`) sort in the order they must run. Pre and post
    upgrades alike run at start-up (one deploy step), so do not keep workers of the old
    version running beside the new one.
    """
    folder = Path(SchemaManager.get_migrations_path())
    files = sorted(f for f in folder.iterdir() if f.name.endswith(".sql"))
    return [(JOB_QUEUE_PREFIX + f.name, f.read_text()) for f in files]


async def _take_migration_lock(conn: AsyncConnection) -> None:
    """Wait for the migration lock while holding no transaction.

    A blocking `SELECT pg_advisory_lock()` waits inside a statement, with a snapshot. The
    checkpointer's setup in the process holding the lock runs CREATE INDEX CONCURRENTLY,
    which waits until every older snapshot in the database is gone, that waiting statement
    included: each waits for the other for ever, and Postgres cannot see the cycle (it passes
    through the holder's idle connection). So wait between short autocommit tries instead.
    """

    async def try_lock() -> bool:
        cur = await conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (MIGRATION_LOCK_ID,))
        return (await cur.fetchone())["got"]

    retrying = AsyncRetrying(
        retry=retry_if_result(lambda got: not got),
        wait=wait_random(0.05, 0.3),
        stop=stop_after_delay(MIGRATION_LOCK_WAIT_S),
        retry_error_callback=lambda _state: False,
    )
    if not await retrying(try_lock):
        raise RuntimeError(
            f"another process has held the migration lock for {MIGRATION_LOCK_WAIT_S} s; "
            f"find it in pg_locks (advisory lock {MIGRATION_LOCK_ID}) and stop it"
        )


async def _record(conn: AsyncConnection, names: list[str]) -> None:
    await conn.execute("INSERT INTO schema_migrations (name) SELECT unnest(%s::text[])", (names,))


async def _pending_steps(conn: AsyncConnection) -> list[tuple[str, str, list[str]]]:
    """What to run, in order: (name, sql, names recorded as done with it)."""
    cur = await conn.execute("SELECT name FROM schema_migrations")
    done = {row["name"] for row in await cur.fetchall()}
    queue_migrations = _job_queue_migrations()
    steps: list[tuple[str, str, list[str]]] = []
    if JOB_QUEUE_SCHEMA not in done:
        # A new database gets the job queue's current schema, which every upgrade shipped
        # with this version is already part of.
        steps.append(
            (JOB_QUEUE_SCHEMA, SchemaManager.get_schema(), [n for n, _ in queue_migrations])
        )
    else:
        if not done & {name for name, _ in queue_migrations}:
            # Set up before upgrades were tracked: its schema is procrastinate 3.10's.
            included = [n for n, _ in queue_migrations if n <= JOB_QUEUE_BASELINE]
            await _record(conn, included)
            done.update(included)
        steps += [(name, sql, []) for name, sql in queue_migrations if name not in done]
    steps += [(name, sql, []) for name, sql in _migration_files() if name not in done]
    return steps


async def apply_migrations(
    conn: AsyncConnection, extra_setup: Callable[[], Awaitable[None]] | None = None
) -> list[str]:
    """Apply the job queue's and the app's SQL migrations once, under an advisory lock.

    Several processes may start at once; the lock makes the others wait and then find
    nothing left to do. `extra_setup` (the checkpointer's own migrations) runs under it too.
    """
    applied_now: list[str] = []
    await _take_migration_lock(conn)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        for name, sql, included in await _pending_steps(conn):
            async with conn.transaction():
                await conn.execute(sql)
                await _record(conn, [name, *included])
            applied_now.append(name)
            log.info("applied migration %s", name)
        if extra_setup is not None:
            await extra_setup()
    finally:
        await conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_ID,))
    return applied_now
