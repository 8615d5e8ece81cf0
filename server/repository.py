"""SQL for the app tables. Small functions over a connection, so callers own transactions."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from domain.threads import sales_thread_parts

Row = dict[str, Any]


async def _one(conn: AsyncConnection, sql: str, params: tuple = ()) -> Row | None:
    cur = await conn.execute(sql, params)
    return await cur.fetchone()


async def _all(conn: AsyncConnection, sql: str, params: tuple = ()) -> list[Row]:
    cur = await conn.execute(sql, params)
    return await cur.fetchall()


# Creators, profiles, agents -------------------------------------------------------------


async def upsert_creator(
    conn: AsyncConnection, creator_id: str, display_name: str, data: dict[str, Any]
) -> Row:
    return await _one(
        conn,
        """
        INSERT INTO creators (id, display_name, marketplace_data) VALUES (%s, %s, %s)
        ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name,
            marketplace_data = excluded.marketplace_data, updated_at = now()
        RETURNING *, (xmax = 0) AS created""",
        (creator_id, display_name, Jsonb(data)),
    )


async def get_creator(conn: AsyncConnection, creator_id: str) -> Row | None:
    return await _one(conn, "SELECT * FROM creators WHERE id = %s", (creator_id,))


async def add_profile_version(
    conn: AsyncConnection,
    creator_id: str,
    profile: dict[str, Any],
    source: str,
    status: str = "approved",
    onboarding_id: str | None = None,
) -> int:
    """Store a new profile version; returns its number."""
    row = await _one(
        conn,
        """
        INSERT INTO creator_profiles (creator_id, version, profile, source, status, onboarding_id,
                                      approved_at)
        SELECT %s, COALESCE(MAX(version), 0) + 1, %s, %s, %s, %s,
               CASE WHEN %s = 'approved' THEN now() END
          FROM creator_profiles WHERE creator_id = %s
        RETURNING version""",
        (creator_id, Jsonb(profile), source, status, onboarding_id, status, creator_id),
    )
    return row["version"]


async def add_approved_profile(
    conn: AsyncConnection, creator_id: str, profile: dict[str, Any], source: str
) -> int:
    """Store an approved version unless it equals the latest approved one."""
    latest = await latest_profile(conn, creator_id)
    if latest is not None and latest["profile"] == profile:
        return latest["version"]
    return await add_profile_version(conn, creator_id, profile, source)


async def pending_profile(conn: AsyncConnection, creator_id: str) -> Row | None:
    return await _one(
        conn,
        """
        SELECT version, profile, source, onboarding_id, created_at FROM creator_profiles
         WHERE creator_id = %s AND status = 'pending_review' ORDER BY version DESC LIMIT 1""",
        (creator_id,),
    )


async def latest_profile(conn: AsyncConnection, creator_id: str) -> Row | None:
    return await _one(
        conn,
        """
        SELECT version, profile, source, approved_at FROM creator_profiles
         WHERE creator_id = %s AND status = 'approved' ORDER BY version DESC LIMIT 1""",
        (creator_id,),
    )


async def ensure_agent(conn: AsyncConnection, agent_id: str, creator_id: str) -> Row:
    """Deploy the creator's agent with default settings; deploying again changes nothing."""
    await conn.execute(
        """
        INSERT INTO agents (id, creator_id) VALUES (%s, %s) ON CONFLICT (creator_id) DO NOTHING""",
        (agent_id, creator_id),
    )
    return await get_agent_for_creator(conn, creator_id)


async def get_agent_for_creator(conn: AsyncConnection, creator_id: str) -> Row | None:
    return await _one(conn, "SELECT * FROM agents WHERE creator_id = %s", (creator_id,))


# Consumers -------------------------------------------------------------------------------


async def upsert_consumer(conn: AsyncConnection, consumer: dict[str, Any]) -> Row:
    return await _one(
        conn,
        """
        INSERT INTO consumers (id, name, whatsapp, email, timezone, consent)
        VALUES (%(id)s, %(name)s, %(whatsapp)s, %(email)s, %(timezone)s, %(consent)s)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, whatsapp = excluded.whatsapp,
            email = excluded.email, timezone = excluded.timezone, consent = excluded.consent,
            updated_at = now()
        RETURNING *, (xmax = 0) AS created""",
        {**consumer, "consent": Jsonb(consumer["consent"])},
    )


async def get_consumer(conn: AsyncConnection, consumer_id: str) -> Row | None:
    return await _one(conn, "SELECT * FROM consumers WHERE id = %s", (consumer_id,))


async def save_consumer_context(
    conn: AsyncConnection, creator_id: str, consumer_id: str, context: dict[str, Any]
) -> None:
    await conn.execute(
        """
        INSERT INTO consumer_context (creator_id, consumer_id, context) VALUES (%s, %s, %s)
        ON CONFLICT (creator_id, consumer_id) DO UPDATE SET context = excluded.context,
            updated_at = now()""",
        (creator_id, consumer_id, Jsonb(context)),
    )


async def get_consumer_context(
    conn: AsyncConnection, creator_id: str, consumer_id: str
) -> Row | None:
    return await _one(
        conn,
        """SELECT context, updated_at FROM consumer_context
                               WHERE creator_id = %s AND consumer_id = %s""",
        (creator_id, consumer_id),
    )


# Events ----------------------------------------------------------------------------------


async def insert_event(conn: AsyncConnection, event: dict[str, Any]) -> Row | None:
    """Insert the event; None when its id is already taken (the caller compares hashes)."""
    return await _one(
        conn,
        """
        INSERT INTO events (id, creator_id, consumer_id, thread_id, type, source, payload,
                            occurred_at, request_hash)
        VALUES (%(id)s, %(creator_id)s, %(consumer_id)s, %(thread_id)s, %(type)s, %(source)s,
                %(payload)s, %(occurred_at)s, %(request_hash)s)
        ON CONFLICT (id) DO NOTHING RETURNING *""",
        {**event, "payload": Jsonb(event["payload"])},
    )


async def get_event(conn: AsyncConnection, event_id: str) -> Row | None:
    return await _one(conn, "SELECT * FROM events WHERE id = %s", (event_id,))


async def finish_event(
    conn: AsyncConnection,
    event_id: str,
    status: str,
    decision: dict[str, Any] | None,
    error: str | None = None,
) -> None:
    await conn.execute(
        """
        UPDATE events SET status = %s, decision = %s, error = %s, processed_at = now()
         WHERE id = %s""",
        (status, Jsonb(decision) if decision else None, error, event_id),
    )


async def note_event_error(conn: AsyncConnection, event_id: str, error: str) -> None:
    await conn.execute("UPDATE events SET error = %s WHERE id = %s", (error, event_id))


# Approvals -------------------------------------------------------------------------------

APPROVAL_VIEW = """
    SELECT a.*, c.name AS consumer_name, c.whatsapp AS consumer_whatsapp,
           c.email AS consumer_email, c.timezone AS consumer_timezone,
           e.type AS event_type, e.payload AS event_payload, e.occurred_at AS event_occurred_at,
           e.decision AS event_decision, x.context AS consumer_context
      FROM approvals a
      LEFT JOIN consumers c ON c.id = a.consumer_id
      LEFT JOIN events e ON e.id = a.event_id
      LEFT JOIN consumer_context x ON x.creator_id = a.creator_id AND x.consumer_id = a.consumer_id
"""


async def list_approvals(
    conn: AsyncConnection, creator_id: str, status: str | None, kind: str | None, limit: int
) -> list[Row]:
    return await _all(
        conn,
        APPROVAL_VIEW
        + """
        WHERE a.creator_id = %s AND (%s::text IS NULL OR a.status = %s)
          AND (%s::text IS NULL OR a.kind = %s)
        ORDER BY a.created_at LIMIT %s""",
        (creator_id, status, status, kind, kind, limit),
    )


async def get_approval(conn: AsyncConnection, approval_id: str) -> Row | None:
    return await _one(conn, APPROVAL_VIEW + " WHERE a.id = %s", (approval_id,))


async def decide_approval(
    conn: AsyncConnection,
    approval_id: str,
    status: str,
    decision: dict[str, Any],
    status_reason: str | None = None,
) -> Row | None:
    """Compare-and-set: only a pending approval takes a decision. None if it was not pending."""
    return await _one(
        conn,
        """
        UPDATE approvals SET status = %s, decision = %s, status_reason = %s, decided_at = now()
         WHERE id = %s AND status = 'pending' RETURNING *""",
        (status, Jsonb(decision), status_reason, approval_id),
    )


# Messages, threads, audit ----------------------------------------------------------------


async def list_messages(
    conn: AsyncConnection,
    creator_id: str | None,
    consumer_id: str | None,
    status: str | None,
    limit: int,
) -> list[Row]:
    return await _all(
        conn,
        """
        SELECT * FROM messages
         WHERE (%s::text IS NULL OR creator_id = %s) AND (%s::text IS NULL OR consumer_id = %s)
           AND (%s::text IS NULL OR status = %s)
         ORDER BY created_at DESC LIMIT %s""",
        (creator_id, creator_id, consumer_id, consumer_id, status, status, limit),
    )


async def get_message(conn: AsyncConnection, message_id: str) -> Row | None:
    return await _one(conn, "SELECT * FROM messages WHERE id = %s", (message_id,))


# Messages waiting for a person: maybe sent, or certainly not sent after every attempt.
UNSETTLED = ["unconfirmed", "unsent"]


async def settle_message(conn: AsyncConnection, message_id: str, status: str) -> Row | None:
    """Compare-and-set: 'sent' (the provider did take it) or 'retry' (send it again) for an
    unsettled message only. None if it was not unsettled."""
    return await _one(
        conn,
        """
        UPDATE messages SET status = %s,
               error = CASE WHEN %s = 'sent' THEN NULL ELSE error END,
               sent_at = CASE WHEN %s = 'sent' THEN now() END
         WHERE id = %s AND status = ANY(%s) RETURNING *""",
        (status, status, status, message_id, UNSETTLED),
    )


async def thread_events(conn: AsyncConnection, thread_id: str, limit: int) -> list[Row]:
    return await _all(
        conn,
        """SELECT * FROM events WHERE thread_id = %s
                               ORDER BY occurred_at DESC, received_at DESC LIMIT %s""",
        (thread_id, limit),
    )


async def thread_approvals(conn: AsyncConnection, thread_id: str, limit: int) -> list[Row]:
    return await _all(
        conn,
        """SELECT * FROM approvals WHERE thread_id = %s
                               ORDER BY created_at DESC LIMIT %s""",
        (thread_id, limit),
    )


async def thread_messages(conn: AsyncConnection, thread_id: str, limit: int) -> list[Row]:
    return await _all(
        conn,
        """SELECT * FROM messages WHERE thread_id = %s
                               ORDER BY created_at DESC LIMIT %s""",
        (thread_id, limit),
    )


async def thread_audit(conn: AsyncConnection, thread_id: str, limit: int) -> list[Row]:
    return await _all(
        conn,
        """SELECT * FROM audit_log WHERE thread_id = %s
                               ORDER BY id DESC LIMIT %s""",
        (thread_id, limit),
    )


async def audit(
    conn: AsyncConnection, thread_id: str | None, actor: str, action: str, details: dict[str, Any]
) -> None:
    creator_id, consumer_id = sales_thread_parts(thread_id or "") or (None, None)
    await conn.execute(
        """
        INSERT INTO audit_log (thread_id, creator_id, consumer_id, actor, action, details)
        VALUES (%s, %s, %s, %s, %s, %s)""",
        (thread_id, creator_id, consumer_id, actor, action, Jsonb(details)),
    )


# Onboarding runs ---------------------------------------------------------------------------


async def create_onboarding(
    conn: AsyncConnection,
    onboarding_id: str,
    creator_id: str,
    data_source: str,
    raw_data: dict[str, Any] | None,
    timings: dict[str, int],
    problems: list[Any] | None = None,
) -> Row:
    """A queued run; `problems` are findings known at intake (domain.intake)."""
    return await _one(
        conn,
        """
        INSERT INTO onboardings (id, creator_id, data_source, raw_data, timings, problems)
        VALUES (%s, %s, %s, %s, %s, %s) RETURNING *""",
        (
            onboarding_id,
            creator_id,
            data_source,
            Jsonb(raw_data) if raw_data is not None else None,
            Jsonb(timings),
            Jsonb(problems or []),
        ),
    )


async def get_onboarding(conn: AsyncConnection, onboarding_id: str) -> Row | None:
    return await _one(conn, "SELECT * FROM onboardings WHERE id = %s", (onboarding_id,))


async def latest_onboarding(conn: AsyncConnection, creator_id: str) -> Row | None:
    return await _one(
        conn,
        """SELECT * FROM onboardings WHERE creator_id = %s
                               ORDER BY created_at DESC LIMIT 1""",
        (creator_id,),
    )


async def ensure_creator(
    conn: AsyncConnection, creator_id: str, display_name: str, data: dict[str, Any] | None
) -> None:
    """A creator row for onboarding to hang off; its data is refreshed when known."""
    await conn.execute(
        """
        INSERT INTO creators (id, display_name, marketplace_data) VALUES (%s, %s, %s)
        ON CONFLICT (id) DO UPDATE SET
            display_name = COALESCE(NULLIF(excluded.display_name, ''), creators.display_name),
            marketplace_data = CASE WHEN excluded.marketplace_data = '{}'::jsonb
                                    THEN creators.marketplace_data
                                    ELSE excluded.marketplace_data END,
            updated_at = now()""",
        (creator_id, display_name, Jsonb(data or {})),
    )


# Agents ----------------------------------------------------------------------------------


async def list_agents(conn: AsyncConnection, creator_id: str | None) -> list[Row]:
    return await _all(
        conn,
        """SELECT * FROM agents WHERE (%s::text IS NULL OR creator_id = %s)
                               ORDER BY created_at""",
        (creator_id, creator_id),
    )


async def get_agent(conn: AsyncConnection, agent_id: str) -> Row | None:
    return await _one(conn, "SELECT * FROM agents WHERE id = %s", (agent_id,))


async def update_agent(conn: AsyncConnection, agent_id: str, **changes: Any) -> Row | None:
    allowed = {"enabled", "approval_mode", "triggers"}
    sets = [f"{key} = %s" for key in changes if key in allowed]
    values = [Jsonb(v) if k == "triggers" else v for k, v in changes.items() if k in allowed]
    return await _one(
        conn,
        f"""UPDATE agents SET {", ".join(sets + ["updated_at = now()"])}
                                WHERE id = %s RETURNING *""",
        (*values, agent_id),
    )
