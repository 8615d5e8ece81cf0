"""Connections the database server dropped: without a check on every checkout, a request
that gets one answers 503 (retry), never 500, and the pool replaces it. On real Postgres."""

from __future__ import annotations

import psycopg

from tests.conftest import create_creator, running_service


def drop_the_services_connections(database_url: str) -> int:
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            """SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()"""
        ).fetchall()
    return len(rows)


async def test_a_dropped_connection_gets_503_then_the_pool_recovers(database_url):
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, "ajay_shenoy")
        assert drop_the_services_connections(database_url) >= 1
        answers = [(await client.get("/creators/ajay_shenoy")).status_code for _ in range(12)]
    assert set(answers) <= {200, 503}, answers
    assert 503 in answers  # the pool handed out a dropped connection at least once
    assert answers[-3:] == [200, 200, 200]
