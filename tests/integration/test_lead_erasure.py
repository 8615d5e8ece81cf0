"""A lead's data on request, over HTTP on real Postgres: the export holds every row about
them, and erasure leaves no row in any table (checkpoints and jobs included) that mentions
them, only one audit entry saying that an erasure happened."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql
from psycopg.rows import dict_row

from tests import tenant_helpers
from tests.conftest import (
    NEHA,
    create_consumer,
    create_creator,
    running_service,
    wait_for,
    wait_for_message,
)
from tests.standins.twilio_server import TwilioStandIn
from tests.tenant_helpers import TWILIO, caller, issue, wait_for_idle

CREATOR = "ajay_shenoy"
OLA = {
    "external_id": "erase-me-4417",
    "name": "Ola Nordmann",
    "whatsapp": "+4791234567",
    "email": "ola.nordmann@example.net",
    "timezone": "Europe/Oslo",
    "consent": {"whatsapp": True, "email": True},
}
# Everything that identifies Ola: none of it may survive the erasure.
OLA_TRACES = (OLA["external_id"], OLA["name"], OLA["whatsapp"], OLA["email"])
LEAD_URL = f"/consumers/{CREATOR}/{OLA['external_id']}"
APPROVE = {"decisions": [{"type": "approve"}]}


async def connect(database_url: str) -> psycopg.AsyncConnection:
    return await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    )


async def mentions(database_url: str, needle: str) -> dict[str, int]:
    """Rows of every table of the public schema that hold `needle` in any column (as text,
    or as bytes inside a bytea such as a checkpoint blob), counted per table."""
    async with await connect(database_url) as conn:
        cur = await conn.execute(
            """SELECT c.table_name, c.column_name, c.data_type
                 FROM information_schema.columns c
                 JOIN information_schema.tables t USING (table_schema, table_name)
                WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                ORDER BY c.table_name, c.ordinal_position"""
        )
        columns = defaultdict(list)
        for row in await cur.fetchall():
            columns[row["table_name"]].append((row["column_name"], row["data_type"]))
        assert {"checkpoints", "checkpoint_blobs", "checkpoint_writes"} <= set(columns)
        assert {"procrastinate_jobs", "audit_log", "consumers"} <= set(columns)
        found = {}
        for table, cols in columns.items():
            tests = [
                sql.SQL("position({} IN {}) > 0").format(
                    sql.Literal(needle.encode()), sql.Identifier(name)
                )
                if data_type == "bytea"
                else sql.SQL("strpos({}::text, {}) > 0").format(
                    sql.Identifier(name), sql.Literal(needle)
                )
                for name, data_type in cols
            ]
            cur = await conn.execute(
                sql.SQL("SELECT count(*) AS n FROM {} WHERE {}").format(
                    sql.Identifier(table), sql.SQL(" OR ").join(tests)
                )
            )
            if n := (await cur.fetchone())["n"]:
                found[table] = n
        return found


async def ids_mentioning(database_url: str, table: str, needle: str) -> set[Any]:
    async with await connect(database_url) as conn:
        cur = await conn.execute(
            sql.SQL("SELECT id FROM {} t WHERE strpos(row_to_json(t)::text, %s) > 0").format(
                sql.Identifier(table)
            ),
            (needle,),
        )
        return {row["id"] for row in await cur.fetchall()}


async def page_view(client: httpx.AsyncClient, lead_id: str, at: str) -> dict[str, Any]:
    """A page view of the creator's lead: what the agent decided."""
    return (await tenant_helpers.page_view(client, CREATOR, lead_id, at))["decision"]


async def ola_with_history(client: httpx.AsyncClient) -> dict[str, str]:
    """Ola got a message, then a second draft that is still pending; Neha, another lead of
    the same creator, has a pending draft too."""
    await create_creator(client, CREATOR)
    await create_consumer(client, OLA)
    await create_consumer(client, NEHA)
    first = await page_view(client, OLA["external_id"], "2026-11-02T05:30:00Z")
    assert (
        await client.post(f"/approvals/{first['approval_id']}/decision", json=APPROVE)
    ).is_success
    await wait_for_message(client, first["approval_id"])
    second = await page_view(client, OLA["external_id"], "2026-11-04T09:00:00Z")
    assert second["act"] and second["reason"] == "returning_lead", second
    neha = await page_view(client, NEHA["external_id"], "2026-11-02T06:00:00Z")
    assert neha["act"], neha
    await wait_for_idle(client)
    return {
        "sent": first["approval_id"],
        "pending": second["approval_id"],
        "neha": neha["approval_id"],
    }


async def test_export_holds_every_row_about_the_lead_and_erasure_leaves_none(database_url):
    async with running_service(database_url) as client:
        drafts = await ola_with_history(client)
        neha_url = f"/consumers/{CREATOR}/{NEHA['external_id']}"
        neha_before = (await client.get(f"{neha_url}/export")).json()

        # The scan finds Ola everywhere the service keeps them, so it can find leftovers.
        before = await mentions(database_url, OLA["external_id"])
        assert set(before) >= {
            "consumers",
            "consumer_context",
            "events",
            "approvals",
            "messages",
            "audit_log",
            "checkpoints",
            "checkpoint_blobs",
            "checkpoint_writes",
            "procrastinate_jobs",
        }, before
        assert "checkpoint_blobs" in await mentions(database_url, OLA["whatsapp"])

        export = (await client.get(f"{LEAD_URL}/export")).json()
        assert export["consumer"]["external_id"] == OLA["external_id"]
        assert export["consumer"]["whatsapp"] == OLA["whatsapp"]
        assert export["consent"] == OLA["consent"]
        assert export["context"]["page_views"] == 2
        for part in ("events", "approvals", "messages", "audit_log"):
            stored = await ids_mentioning(database_url, part, OLA["external_id"])
            assert {row["id"] for row in export[part]} == stored, part
            assert stored, part
        assert {a["id"] for a in export["approvals"]} == {drafts["sent"], drafts["pending"]}
        assert [m["to_address"] for m in export["messages"]] == [OLA["whatsapp"]]

        erased = await client.delete(LEAD_URL)
        assert erased.status_code == 200, erased.text
        assert erased.json()["withdrawn_drafts"] == 1

        for trace in OLA_TRACES:
            assert await mentions(database_url, trace) == {}, trace
        # The pending draft is gone: it can be neither read nor approved.
        assert (await client.get(f"/approvals/{drafts['pending']}")).status_code == 404
        decided = await client.post(f"/approvals/{drafts['pending']}/decision", json=APPROVE)
        assert decided.status_code == 404
        for url in (LEAD_URL, f"{LEAD_URL}/export", f"/threads/{CREATOR}/{OLA['external_id']}"):
            assert (await client.get(url)).status_code == 404, url
        assert (await client.delete(LEAD_URL)).status_code == 404

        # One entry says an erasure happened, naming the creator and counts only.
        async with await connect(database_url) as conn:
            cur = await conn.execute("SELECT * FROM audit_log WHERE action = 'lead_erased'")
            (entry,) = await cur.fetchall()
        assert entry["creator_id"] == CREATOR and entry["consumer_id"] is None
        assert entry["thread_id"] is None and entry["details"]["withdrawn_drafts"] == 1

        # Neha, the creator's other lead, kept all of hers; her draft still waits.
        assert (await client.get(f"{neha_url}/export")).json() == neha_before
        assert (await client.get(f"/approvals/{drafts['neha']}")).json()["status"] == "pending"

        # Ola coming back is a new lead: nothing of the old conversation is left.
        await create_consumer(client, OLA)
        again = await page_view(client, OLA["external_id"], "2026-11-06T09:00:00Z")
        assert again["act"] and again["reason"] == "new_lead", again


async def test_a_creator_key_erases_its_own_lead(database_url):
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, CREATOR)
        await create_consumer(client, OLA)
        key = (await issue(client, CREATOR))["key"]
        async with caller(client, key) as own:
            assert (await own.get(f"{LEAD_URL}/export")).status_code == 200
            erased = await own.delete(LEAD_URL)
            assert erased.status_code == 200, erased.text
            assert (await own.get(LEAD_URL)).status_code == 404
        async with await connect(database_url) as conn:
            cur = await conn.execute("SELECT actor FROM audit_log WHERE action = 'lead_erased'")
            assert [r["actor"] for r in await cur.fetchall()] == ["creator"]


async def test_erasure_waits_for_a_running_job_of_the_lead(database_url):
    with TwilioStandIn() as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, provider_timeout_s=30, **TWILIO
        ) as client:
            await create_creator(client, CREATOR)
            await create_consumer(client, OLA)
            decision = await page_view(client, OLA["external_id"], "2026-11-02T05:30:00Z")
            twilio.start_holding()
            approved = await client.post(
                f"/approvals/{decision['approval_id']}/decision", json=APPROVE
            )
            assert approved.status_code == 200

            async def send_in_flight():
                return twilio.held == 1

            await wait_for(send_in_flight)
            busy = await client.delete(LEAD_URL)
            assert busy.status_code == 409, busy.text
            assert "try again" in busy.json()["detail"]
            # Nothing was erased by the refused attempt.
            assert (await client.get(f"{LEAD_URL}/export")).json()["approvals"]

            twilio.release()
            message = await wait_for_message(client, decision["approval_id"])
            assert message["status"] == "sent"
            await wait_for_idle(client)
            erased = await client.delete(LEAD_URL)
            assert erased.status_code == 200, erased.text
            assert await mentions(database_url, OLA["external_id"]) == {}
    assert len(twilio.messages) == 1


async def test_erasure_sees_a_job_started_by_a_decision_it_waited_for(database_url):
    async with running_service(database_url) as client:
        await create_creator(client, CREATOR)
        await create_consumer(client, OLA)
        draft = (await page_view(client, OLA["external_id"], "2026-11-02T05:30:00Z"))["approval_id"]
        await wait_for_idle(client)
        thread_id = f"sales:{CREATOR}:{OLA['external_id']}"
        async with await connect(database_url) as conn:
            # A decision committing while the erasure starts: its draft row is locked, and
            # the job it queued is picked up by a worker the moment it commits.
            async with conn.transaction():
                await conn.execute(
                    "UPDATE approvals SET status = 'approved' WHERE id = %s", (draft,)
                )
                await conn.execute(
                    """INSERT INTO procrastinate_jobs
                           (queue_name, task_name, lock, args, status, worker_id)
                       VALUES ('default', 'resume_approval', %s, '{}', 'doing', %s)""",
                    (thread_id, client.app.state.services.jobs.worker_id),
                )
                erasing = asyncio.create_task(client.delete(LEAD_URL))
                await asyncio.sleep(0.5)
                assert not erasing.done()  # it waits for the draft's row
            busy = await erasing
            assert busy.status_code == 409, busy.text
            assert (await client.get(f"{LEAD_URL}/export")).json()["approvals"]
            await conn.execute(
                "UPDATE procrastinate_jobs SET status = 'succeeded' WHERE lock = %s",
                (thread_id,),
            )
        erased = await client.delete(LEAD_URL)
        assert erased.status_code == 200, erased.text
        assert await mentions(database_url, OLA["external_id"]) == {}


async def test_a_decision_waiting_for_an_erasure_finds_the_draft_gone(database_url):
    async with running_service(database_url) as client:
        await create_creator(client, CREATOR)
        await create_consumer(client, OLA)
        draft = (await page_view(client, OLA["external_id"], "2026-11-02T05:30:00Z"))["approval_id"]
        await wait_for_idle(client)
        async with await connect(database_url) as conn:
            async with conn.transaction():  # the erasure, deleting the draft, not committed
                await conn.execute("DELETE FROM approvals WHERE id = %s", (draft,))
                deciding = asyncio.create_task(
                    client.post(f"/approvals/{draft}/decision", json=APPROVE)
                )
                await asyncio.sleep(0.5)
                assert not deciding.done()
        answer = await deciding
    assert answer.status_code == 404, answer.text


async def test_a_resolve_waiting_for_an_erasure_finds_the_message_gone(database_url):
    async with running_service(database_url) as client:
        await create_creator(client, CREATOR)
        await create_consumer(client, OLA)
        draft = (await page_view(client, OLA["external_id"], "2026-11-02T05:30:00Z"))["approval_id"]
        assert (await client.post(f"/approvals/{draft}/decision", json=APPROVE)).is_success
        message = await wait_for_message(client, draft)
        await wait_for_idle(client)
        async with await connect(database_url) as conn:
            # As if the provider never answered: a person has to resolve it.
            await conn.execute(
                "UPDATE messages SET status = 'unconfirmed' WHERE id = %s", (message["id"],)
            )
            async with conn.transaction():  # the erasure, deleting the message, not committed
                await conn.execute("DELETE FROM messages WHERE id = %s", (message["id"],))
                resolving = asyncio.create_task(
                    client.post(f"/messages/{message['id']}/resolve", json={"resolution": "resend"})
                )
                await asyncio.sleep(0.5)
                assert not resolving.done()
        answer = await resolving
    assert answer.status_code == 404, answer.text


async def test_an_event_posted_while_its_lead_is_erased_is_refused_not_a_500(database_url):
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, CREATOR)
        await create_consumer(client, OLA)
        async with await connect(database_url) as conn:
            # An erasure in progress: the lead is deleted, not yet committed.
            async with conn.transaction():
                await conn.execute(
                    "DELETE FROM consumers WHERE creator_id = %s AND id = %s",
                    (CREATOR, OLA["external_id"]),
                )
                posting = asyncio.create_task(
                    client.post(
                        "/events",
                        json={
                            "creator_id": CREATOR,
                            "consumer_id": OLA["external_id"],
                            "type": "page_view",
                            "occurred_at": "2026-11-02T05:30:00Z",
                        },
                    )
                )
                await asyncio.sleep(0.5)
                assert not posting.done()  # it waits for the erasure to finish
        answer = await posting
        assert answer.status_code == 422, answer.text
        assert "POST /consumers" in answer.json()["detail"]


@pytest.mark.parametrize("lead_id", ["a:b", "sales:x", "%3A"])
async def test_erasing_or_exporting_an_id_no_lead_can_have_is_404(database_url, lead_id):
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, CREATOR)
        for method, suffix in (("DELETE", ""), ("GET", "/export"), ("GET", "")):
            answer = await client.request(method, f"/consumers/{CREATOR}/{lead_id}{suffix}")
            assert answer.status_code == 404, (method, answer.text)
