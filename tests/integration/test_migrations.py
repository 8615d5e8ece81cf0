"""Migrations on real Postgres: the job queue's own upgrades are applied with the app's."""

from __future__ import annotations

import psycopg
import pytest
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


# Migration 0006 (tenants), from a database as the previous release left it -----------------

OLD_ROWS = """
INSERT INTO creators (id, display_name, marketplace_data) VALUES
    ('ajay_shenoy', 'Ajay Shenoy', '{}'), ('maya_lifts', 'Maya Torres', '{}');
INSERT INTO agents (id, creator_id) VALUES ('agent-a', 'ajay_shenoy'), ('agent-m', 'maya_lifts');
INSERT INTO consumers (id, name, whatsapp, email, timezone, consent, created_at) VALUES
    ('c-shared', 'Neha Kulkarni', '+919876543210', NULL, 'Asia/Kolkata',
     '{"whatsapp": true}', '2026-01-01T00:00:00Z'),
    ('c-context-only', 'Sam Rivera', NULL, 'sam@example.com', NULL, '{"email": true}',
     '2026-01-02T00:00:00Z'),
    ('c-message-only', 'Kim Park', '+14155550199', NULL, NULL, '{}', '2026-01-03T00:00:00Z'),
    ('c-unused', 'Nobody Yet', NULL, NULL, NULL, '{}', '2026-01-04T00:00:00Z');
INSERT INTO events (id, creator_id, consumer_id, thread_id, type, occurred_at, request_hash,
                    status) VALUES
    ('e-a1', 'ajay_shenoy', 'c-shared', 'sales:ajay_shenoy:c-shared', 'page_view',
     '2026-01-05T00:00:00Z', 'h1', 'processed'),
    ('e-m1', 'maya_lifts', 'c-shared', 'sales:maya_lifts:c-shared', 'page_view',
     '2026-01-05T00:00:00Z', 'h2', 'processed');
INSERT INTO approvals (id, thread_id, creator_id, consumer_id, event_id, channel, draft, status)
VALUES
    ('ap-a1', 'sales:ajay_shenoy:c-shared', 'ajay_shenoy', 'c-shared', 'e-a1', 'whatsapp',
     '{"body": "Hi Neha, Ajay here"}', 'pending'),
    ('ap-m1', 'sales:maya_lifts:c-shared', 'maya_lifts', 'c-shared', 'e-m1', 'whatsapp',
     '{"body": "Hi Neha, Maya here"}', 'approved');
INSERT INTO messages (id, idempotency_key, approval_id, thread_id, creator_id, consumer_id,
                      channel, transport, to_address, body, status) VALUES
    ('m-m1', 'k1', 'ap-m1', 'sales:maya_lifts:c-shared', 'maya_lifts', 'c-shared', 'whatsapp',
     'outbox', '+919876543210', 'Hi Neha, Maya here', 'recorded'),
    ('m-a2', 'k2', NULL, 'sales:ajay_shenoy:c-message-only', 'ajay_shenoy', 'c-message-only',
     'whatsapp', 'outbox', '+14155550199', 'Hi Kim', 'recorded');
INSERT INTO consumer_context (creator_id, consumer_id, context) VALUES
    ('ajay_shenoy', 'c-shared', '{"page_views": 1}'),
    ('maya_lifts', 'c-shared', '{"page_views": 3}'),
    ('maya_lifts', 'c-context-only', '{"page_views": 0}');
INSERT INTO onboardings (id, creator_id, data_source) VALUES
    ('o-old', 'maya_lifts', 'inline'), ('o-new', 'ajay_shenoy', 'inline');
INSERT INTO approvals (id, kind, thread_id, creator_id, draft, profile_version) VALUES
    ('ap-profile', 'profile', 'onboarding:o-new', 'ajay_shenoy', '{}', 1);
INSERT INTO audit_log (thread_id, creator_id, consumer_id, actor, action, details) VALUES
    -- written before thread namespaces: the namespace as creator, the run as consumer
    ('onboarding:o-old', 'onboarding', 'o-old', 'agent', 'profile_drafted', '{}'),
    ('onboarding:o-new', NULL, NULL, 'api', 'draft_approved', '{}'),
    (NULL, NULL, NULL, 'api', 'creator_saved', '{"creator_id": "ajay_shenoy"}'),
    (NULL, NULL, NULL, 'api', 'agent_updated', '{"agent_id": "agent-m", "enabled": false}'),
    ('sales:maya_lifts:c-shared', 'maya_lifts', 'c-shared', 'agent', 'draft_created', '{}'),
    (NULL, NULL, NULL, 'system', 'something_old', '{}');
"""


async def database_before_tenants(database_url: str, monkeypatch) -> None:
    """Migrations up to 0005 and rows as that schema held them."""
    every = db._migration_files()
    with monkeypatch.context() as patch:
        patch.setattr(db, "_migration_files", lambda: [f for f in every if f[0] < "0006"])
        async with await connect(database_url) as conn:
            await db.apply_migrations(conn)
            assert "0005_repair_doubled_resume_updates.sql" in await recorded(conn)
            assert "0006_tenants.sql" not in await recorded(conn)
            await conn.execute(OLD_ROWS)


async def all_of(conn: psycopg.AsyncConnection, query: str) -> list[dict]:
    return await (await conn.execute(query)).fetchall()


async def test_tenants_migration_gives_each_creator_its_own_leads(database_url, monkeypatch):
    await database_before_tenants(database_url, monkeypatch)
    async with await connect(database_url) as conn:
        # 0006 and whatever came after it, in order, on the old rows.
        later = [name for name, _ in db._migration_files() if name >= "0006"]
        assert later[0] == "0006_tenants.sql"
        assert await db.apply_migrations(conn) == later
        leads = await all_of(
            conn,
            """SELECT creator_id, id, name, whatsapp, email, consent, created_at::text AS created
                 FROM consumers ORDER BY creator_id, id""",
        )
        assert [(r["creator_id"], r["id"]) for r in leads] == [
            ("ajay_shenoy", "c-message-only"),
            ("ajay_shenoy", "c-shared"),
            ("maya_lifts", "c-context-only"),
            ("maya_lifts", "c-shared"),
        ]
        shared = [r for r in leads if r["id"] == "c-shared"]
        for row in shared:  # each creator's copy has the contact details it had
            assert (row["name"], row["whatsapp"], row["consent"]) == (
                "Neha Kulkarni",
                "+919876543210",
                {"whatsapp": True},
            )
            assert row["created"].startswith("2026-01-01")
        unassigned = await all_of(conn, "SELECT id, name FROM unassigned_consumers")
        assert unassigned == [{"id": "c-unused", "name": "Nobody Yet"}]

        # Every row that names a lead names one of its creator's leads.
        for table in ("events", "approvals", "messages", "consumer_context"):
            orphans = await all_of(
                conn,
                f"""SELECT t.* FROM {table} t
                     WHERE t.consumer_id IS NOT NULL AND NOT EXISTS (
                        SELECT 1 FROM consumers c
                         WHERE c.creator_id = t.creator_id AND c.id = t.consumer_id)""",
            )
            assert orphans == [], table
        (fk,) = await all_of(
            conn,
            """SELECT conname FROM pg_constraint WHERE contype = 'f'
                 AND conrelid = 'messages'::regclass AND confrelid = 'consumers'::regclass""",
        )
        await conn.execute(f'ALTER TABLE messages VALIDATE CONSTRAINT "{fk["conname"]}"')
        # ...and the database keeps it so: another creator's lead is not this creator's.
        for statement in (
            """INSERT INTO events (id, creator_id, consumer_id, thread_id, type, occurred_at,
                                   request_hash)
               VALUES ('e-x', 'ajay_shenoy', 'c-context-only', 't', 'page_view', now(), 'h')""",
            """INSERT INTO consumer_context (creator_id, consumer_id, context)
               VALUES ('maya_lifts', 'c-message-only', '{}')""",
            """INSERT INTO messages (id, idempotency_key, thread_id, creator_id, consumer_id,
                                     channel, transport, to_address, body, status)
               VALUES ('m-x', 'kx', 't', 'maya_lifts', 'c-unused', 'whatsapp', 'outbox', '+1',
                       'b', 'recorded')""",
        ):
            try:
                await conn.execute(statement)
            except psycopg.errors.ForeignKeyViolation:
                continue
            raise AssertionError(f"accepted: {statement}")

        audit = {r["action"]: r for r in await all_of(conn, "SELECT * FROM audit_log ORDER BY id")}
        assert (
            audit["profile_drafted"]["creator_id"],
            audit["profile_drafted"]["consumer_id"],
        ) == (
            "maya_lifts",
            None,
        )
        assert audit["draft_approved"]["creator_id"] == "ajay_shenoy"
        assert audit["creator_saved"]["creator_id"] == "ajay_shenoy"
        assert audit["agent_updated"]["creator_id"] == "maya_lifts"
        assert (audit["draft_created"]["creator_id"], audit["draft_created"]["consumer_id"]) == (
            "maya_lifts",
            "c-shared",
        )
        assert audit["something_old"]["creator_id"] is None  # nothing names its creator
        with pytest.raises(psycopg.errors.CheckViolation):
            await conn.execute("INSERT INTO audit_log (actor, action) VALUES ('api', 'new')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            await conn.execute("UPDATE audit_log SET creator_id = 'maya_lifts'")


async def test_the_service_serves_a_migrated_database_per_creator(database_url, monkeypatch):
    from tests.conftest import running_service

    await database_before_tenants(database_url, monkeypatch)
    async with running_service(database_url, run_worker=False) as client:
        ajay = (await client.get("/consumers", params={"creator_id": "ajay_shenoy"})).json()
        assert {c["external_id"] for c in ajay["consumers"]} == {"c-shared", "c-message-only"}
        maya = (await client.get("/consumers/maya_lifts/c-shared/export")).json()
        assert [m["id"] for m in maya["messages"]] == ["m-m1"]
        assert [a["id"] for a in maya["approvals"]] == ["ap-m1"]
        assert maya["context"] == {"page_views": 3}
        assert [e["action"] for e in maya["audit_log"]] == ["draft_created"]
        # Changing one creator's copy leaves the other's as it was.
        patched = await client.patch(
            "/consumers/ajay_shenoy/c-shared", json={"whatsapp": "+919800000000"}
        )
        assert patched.status_code == 200, patched.text
        assert maya["consumer"] == (await client.get("/consumers/maya_lifts/c-shared")).json()
        pending = (await client.get("/approvals", params={"creator_id": "ajay_shenoy"})).json()
        assert {a["id"] for a in pending["approvals"]} == {"ap-a1", "ap-profile"}
