"""`python -m server.worker --check`: healthy only while this worker's heartbeat is recent."""

from __future__ import annotations

import psycopg
from psycopg.rows import dict_row

from server import db
from server.worker_health import problem, write_worker_id
from tests.conftest import make_settings


async def registered_worker(database_url: str) -> int:
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        await db.apply_migrations(conn)
        cur = await conn.execute("SELECT worker_id FROM procrastinate_register_worker_v1()")
        return (await cur.fetchone())["worker_id"]


async def test_the_check_follows_this_workers_heartbeat(database_url, tmp_path):
    settings = make_settings(database_url, worker_id_file=tmp_path / "worker.id")
    assert "no worker has registered" in problem(settings)

    worker_id = await registered_worker(database_url)
    write_worker_id(settings.worker_id_file, worker_id)
    assert problem(settings) is None

    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute(
            "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'"
        )
        assert "no heartbeat" in problem(settings)
        await conn.execute("DELETE FROM procrastinate_workers")
        assert "not registered" in problem(settings)


def test_the_check_fails_when_the_database_does_not_answer(tmp_path):
    settings = make_settings(
        "postgresql://nobody@127.0.0.1:1/none", worker_id_file=tmp_path / "worker.id"
    )
    write_worker_id(settings.worker_id_file, 1)
    assert "database does not answer" in problem(settings)
