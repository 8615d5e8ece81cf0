"""The events table: what API clients posted, and what the agent decided about each."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from server.store.creator_profiles import LATEST_APPROVED_VERSION
from server.store.pages import Cursor, Page, keyset, keyset_params, to_page
from server.store.rows import IN_SCOPE, Row, Scope, all_rows, one
from server.store.sending_facts import DRAFTING_FACTS, DRAFTING_PARAMS
from server.store.thread_state import defer_job_from, events_queued_on, job_params

# The link from a decision to the message it produced, for the event's readers.
EVENT_VIEW = """
    SELECT e.*, (SELECT m.id FROM messages m WHERE m.approval_id = e.decision ->> 'approval_id'
                  ORDER BY m.created_at LIMIT 1) AS message_id
      FROM events e"""


async def insert_queued_event(
    conn: AsyncConnection, event: dict[str, Any], job: dict[str, Any]
) -> Row | None:
    """Insert the event if its lead exists, holding the lead against erasure, and queue its
    job (`job`: server.jobs.JobQueue.event_job), in one statement: both or neither without
    a transaction, in one round trip. None when there is no such lead or the id is taken
    (the caller tells which), and then nothing is queued."""
    return await one(
        conn,
        f"""
        WITH lead AS (
            SELECT 1 FROM consumers WHERE creator_id = %(creator_id)s AND id = %(consumer_id)s
               FOR KEY SHARE),
        inserted AS (
            INSERT INTO events (id, creator_id, consumer_id, thread_id, type, source, payload,
                                occurred_at, request_hash)
            SELECT %(id)s, %(creator_id)s, %(consumer_id)s, %(thread_id)s, %(type)s,
                   %(source)s, %(payload)s, %(occurred_at)s, %(request_hash)s FROM lead
            ON CONFLICT (id) DO NOTHING RETURNING *),
        queued AS ({defer_job_from("inserted")})
        SELECT inserted.* FROM inserted, queued""",
        {**event, "payload": Jsonb(event["payload"]), **job_params(job)},
    )


async def get_event(conn: AsyncConnection, scope: Scope, event_id: str) -> Row | None:
    return await one(
        conn,
        EVENT_VIEW + " WHERE e.id = %s AND (%s::text IS NULL OR e.creator_id = %s)",
        (event_id, scope, scope),
    )


async def list_events(
    conn: AsyncConnection,
    scope: Scope,
    creator_id: str | None,
    consumer_id: str | None,
    after: Cursor | None,
    limit: int,
) -> Page:
    """Newest first by when the service received them: a lead's timeline."""
    where, order = keyset("newest_first", "e.received_at", "e.id")
    rows = await all_rows(
        conn,
        EVENT_VIEW
        + f"""
         WHERE {IN_SCOPE.replace("creator_id", "e.creator_id")}
           AND (%s::text IS NULL OR e.creator_id = %s)
           AND (%s::text IS NULL OR e.consumer_id = %s) AND {where} {order} LIMIT %s""",
        (
            scope,
            scope,
            creator_id,
            creator_id,
            consumer_id,
            consumer_id,
            *keyset_params(after),
            limit + 1,
        ),
    )
    return to_page(rows, limit, at_key="received_at")


# Whether other events of the finished event's thread still wait for their turn: their
# jobs are queued on the thread's lock (server.store.thread_state).
OTHERS_QUEUED = f"""
    {events_queued_on("events.thread_id", "events.id")} AS others_queued"""


async def finish_event(
    conn: AsyncConnection,
    event_id: str,
    status: str,
    decision: dict[str, Any] | None,
    error: str | None = None,
) -> bool:
    """Record the event's outcome; True when other events of its thread wait (its job
    goes on with them: server.jobs)."""
    row = await one(
        conn,
        f"""
        UPDATE events SET status = %s, decision = %s, error = %s, processed_at = now()
         WHERE id = %s
        RETURNING {OTHERS_QUEUED}""",
        (status, Jsonb(decision) if decision else None, error, event_id),
    )
    return bool(row and row["others_queued"])


async def note_event_error(conn: AsyncConnection, event_id: str, error: str) -> None:
    await conn.execute("UPDATE events SET error = %s WHERE id = %s", (error, event_id))


async def thread_events(conn: AsyncConnection, thread_id: str, limit: int) -> list[Row]:
    return await all_rows(
        conn,
        EVENT_VIEW
        + " WHERE e.thread_id = %s ORDER BY e.occurred_at DESC, e.received_at DESC LIMIT %s",
        (thread_id, limit),
    )


async def lead_events(conn: AsyncConnection, creator_id: str, lead_id: str) -> list[Row]:
    return await all_rows(
        conn,
        EVENT_VIEW + " WHERE e.creator_id = %s AND e.consumer_id = %s ORDER BY e.received_at",
        (creator_id, lead_id),
    )


async def delete_lead_events(conn: AsyncConnection, creator_id: str, lead_id: str) -> int:
    cur = await conn.execute(
        "DELETE FROM events WHERE creator_id = %s AND consumer_id = %s", (creator_id, lead_id)
    )
    return cur.rowcount


async def event_to_run(conn: AsyncConnection, event_id: str) -> Row | None:
    """A queued event with everything its run reads, in one round trip: the lead
    (`consumer`, None once erased), the creator's agent settings (`agent`), the version
    of their latest approved profile (the profile itself is cached by version) and what
    drafting checks (`outreach`: caps' counts, suppressed addresses, and `paused_until`
    when the creator took the thread over), and the lead's saved context with whether the
    sales thread's graph holds a run that has not ended (`lead_context`, `run_open`: None
    before the lead's first sales event finished)."""
    return await one(
        conn,
        f"""
        SELECT e.*, to_jsonb(c) AS consumer, to_jsonb(a) AS agent,
               to_jsonb(o) || jsonb_build_object('paused_until', t.paused_until) AS outreach,
               p.version AS profile_version, p.approved_at AS profile_approved_at,
               x.context AS lead_context, x.run_open
          FROM events e
          LEFT JOIN consumers c ON c.creator_id = e.creator_id AND c.id = e.consumer_id
          LEFT JOIN consumer_context x
                 ON x.creator_id = e.creator_id AND x.consumer_id = e.consumer_id
          LEFT JOIN agents a ON a.creator_id = e.creator_id
          LEFT JOIN LATERAL ({DRAFTING_FACTS}) o ON c.id IS NOT NULL
          LEFT JOIN thread_pauses t ON t.thread_id = e.thread_id AND t.creator_id = e.creator_id
          LEFT JOIN LATERAL ({LATEST_APPROVED_VERSION.format(creator="e.creator_id")}) p ON true
         WHERE e.id = %(event_id)s""",
        {**DRAFTING_PARAMS, "event_id": event_id},
    )


async def finish_event_and_context(
    conn: AsyncConnection,
    event: Row,
    decision: dict[str, Any],
    context: dict[str, Any],
    run_open: bool,
) -> bool:
    """Mark the event processed and save the lead's context as the run left it, with
    whether the thread's graph still waits (`run_open`): one statement, so all happen or
    none, in one round trip. True when other events of the thread wait, as `finish_event`."""
    row = await one(
        conn,
        f"""
        WITH saved AS (
            INSERT INTO consumer_context (creator_id, consumer_id, context, run_open)
            VALUES (%(creator_id)s, %(consumer_id)s, %(context)s, %(run_open)s)
            ON CONFLICT (creator_id, consumer_id) DO UPDATE SET context = excluded.context,
                run_open = excluded.run_open, updated_at = now())
        UPDATE events SET status = 'processed', decision = %(decision)s, error = NULL,
               processed_at = now()
         WHERE id = %(id)s
        RETURNING {OTHERS_QUEUED}""",
        {
            "creator_id": event["creator_id"],
            "consumer_id": event["consumer_id"],
            "context": Jsonb(context),
            "run_open": run_open,
            "decision": Jsonb(decision),
            "id": event["id"],
        },
    )
    return bool(row and row["others_queued"])


async def insert_timer_event(conn: AsyncConnection, timer: Row, event_id: str) -> None:
    """The `timer` event a fired timer becomes, on its thread. It happens when the timer was
    due, or now if the worker was late (a reminder fired after the session is too late)."""
    await conn.execute(
        """
        INSERT INTO events (id, creator_id, consumer_id, thread_id, type, source, payload,
                            occurred_at, request_hash)
        VALUES (%s, %s, %s, %s, 'timer', 'timer', %s, greatest(%s, now()), '')
        ON CONFLICT (id) DO NOTHING""",
        (
            event_id,
            timer["creator_id"],
            timer["consumer_id"],
            timer["thread_id"],
            Jsonb({"kind": timer["kind"], "timer_id": timer["id"], **timer["details"]}),
            timer["due_at"],
        ),
    )
