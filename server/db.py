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

log = logging.getLogger(__name__)

# Any constant works; it only has to be the same in every process sharing the database.
MIGRATION_LOCK_ID = 74_210_001


def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or reuse) a Postgres server in DATA_DIR/postgres and return its URL."""
    import pgserver  # only local runs need it; containers use DATABASE_URL

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir / "postgres", cleanup_mode="stop")
    return server.get_uri()


async def _configure_connection(conn: AsyncConnection) -> None:
    await conn.set_autocommit(True)
    conn.row_factory = dict_row


async def open_pool(database_url: str, max_size: int) -> AsyncConnectionPool:
    """One pool for the app, the checkpointer and the job queue.

    The LangGraph saver needs autocommit and dict rows; `check` replaces connections
    that the server or a proxy closed while idle.
    """
    pool = AsyncConnectionPool(
        database_url,
        min_size=2,
        max_size=max_size,
        max_lifetime=30 * 60,
        # Set per connection rather than as connect kwargs: the job queue opens its own
        # LISTEN connection from the pool's conninfo and passes autocommit itself.
        configure=_configure_connection,
        check=AsyncConnectionPool.check_connection,
        open=False,
    )
    await pool.open(wait=True, timeout=30)
    return pool


def _migration_files() -> list[tuple[str, str]]:
    folder = resources.files("server") / "migrations"
    files = sorted(f for f in folder.iterdir() if f.name.endswith(".sql"))
    return [(f.name, f.read_text()) for f in files]


async def apply_migrations(
    conn: AsyncConnection, extra_setup: Callable[[], Awaitable[None]] | None = None
) -> list[str]:
    """Apply the app's ordered SQL migrations once, under an advisory lock.

    Several processes may start at once; the lock makes the others wait and then find
    nothing left to do. `extra_setup` (the checkpointer's own migrations) runs under it too.
    """
    applied_now: list[str] = []
    await conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_ID,))
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        cur = await conn.execute("SELECT name FROM schema_migrations")
        done = {row["name"] for row in await cur.fetchall()}
        # The job queue's own schema goes first, as one more named step.
        steps = [("0000_procrastinate_schema", SchemaManager.get_schema()), *_migration_files()]
        for name, sql in steps:
            if name in done:
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migrations (name) VALUES (%s)", (name,))
            applied_now.append(name)
            log.info("applied migration %s", name)
        if extra_setup is not None:
            await extra_setup()
    finally:
        await conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_ID,))
    return applied_now
