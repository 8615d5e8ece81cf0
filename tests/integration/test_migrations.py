"""Migrations on real Postgres: the job queue's own upgrades are applied with the app's."""

from __future__ import annotations

import psycopg
from psycopg.rows import dict_row

from server import db

LAST_QUEUE_MIGRATION = db._job_queue_migrations()[-1][0]


async def connect(database_url: str) -> psycopg.AsyncConnection:
    return await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    )


async def recorded(conn: psycopg.AsyncConnection) -> set[str]:
    cur = await conn.execute("SELECT name FROM schema_migrations")
    return {row["name"] for row in await cur.fetchall()}


async def has_status_trigger(conn: psycopg.AsyncConnection) -> bool:
    cur = await conn.execute(
        "SELECT 1 FROM pg_trigger WHERE tgname = 'procrastinate_trigger_status_events_update_v1'"
    )
    return await cur.fetchone() is not None


async def test_a_new_database_records_every_job_queue_upgrade_as_included(database_url):
    async with await connect(database_url) as conn:
        applied = await db.apply_migrations(conn)
        names = await recorded(conn)
        assert applied[0] == db.JOB_QUEUE_SCHEMA
        assert {name for name, _ in db._job_queue_migrations()} <= names
        assert await db.apply_migrations(conn) == []  # a second start has nothing to do


async def test_a_database_one_job_queue_upgrade_behind_gets_it(database_url):
    async with await connect(database_url) as conn:
        await db.apply_migrations(conn)
        # Back to the state before the last upgrade: without what it creates, not recorded.
        await conn.execute(
            "DROP TRIGGER procrastinate_trigger_status_events_update_v1 ON procrastinate_jobs"
        )
        await conn.execute("DELETE FROM schema_migrations WHERE name = %s", (LAST_QUEUE_MIGRATION,))
        assert not await has_status_trigger(conn)

        assert await db.apply_migrations(conn) == [LAST_QUEUE_MIGRATION]
        assert await has_status_trigger(conn)
        assert LAST_QUEUE_MIGRATION in await recorded(conn)


async def test_a_database_set_up_before_upgrades_were_tracked_is_not_migrated_twice(
    database_url,
):
    async with await connect(database_url) as conn:
        await db.apply_migrations(conn)
        await conn.execute(
            "DELETE FROM schema_migrations WHERE name LIKE %s", (db.JOB_QUEUE_PREFIX + "%",)
        )
        # procrastinate 3.10's upgrades are taken as included; none of them runs again.
        assert await db.apply_migrations(conn) == []
        assert db.JOB_QUEUE_BASELINE in await recorded(conn)
