"""The audit_log table: append-only (a database trigger refuses updates and deletes), every
entry naming its creator. Only a lead's erasure removes entries, the ones about that lead."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from domain.thread_ids import lead_of_thread, sales_thread_id
from server.store.rows import Row, all_rows


def consumer_of_thread(thread_id: str | None) -> str | None:
    """The lead an entry on this thread is about (None off a lead's thread)."""
    _, consumer_id = lead_of_thread(thread_id or "") or (None, None)
    return consumer_id


def audit_params(
    thread_id: str, actor: str, action: str, details: dict[str, Any]
) -> dict[str, Any]:
    """An entry on a lead's thread as the parameters of `audit_from`'s SQL."""
    return {
        "audit_consumer_id": consumer_of_thread(thread_id),
        "audit_actor": actor,
        "audit_action": action,
        "audit_details": Jsonb(details),
    }


def audit_from(source: str) -> str:
    """SQL writing the entry of `audit_params` for each row of `source` (a CTE returning
    thread_id and creator_id), for a statement that changes something and audits it at once:
    both or neither, in one round trip."""
    return f"""
        INSERT INTO audit_log (thread_id, creator_id, consumer_id, actor, action, details)
        SELECT thread_id, creator_id, %(audit_consumer_id)s, %(audit_actor)s,
               %(audit_action)s, %(audit_details)s
          FROM {source}"""


async def audit(
    conn: AsyncConnection,
    creator_id: str,
    actor: str,
    action: str,
    details: dict[str, Any],
    thread_id: str | None = None,
) -> None:
    consumer_id = consumer_of_thread(thread_id)
    await conn.execute(
        """
        INSERT INTO audit_log (thread_id, creator_id, consumer_id, actor, action, details)
        VALUES (%s, %s, %s, %s, %s, %s)""",
        (thread_id, creator_id, consumer_id, actor, action, Jsonb(details)),
    )


async def audit_thread(
    conn: AsyncConnection, thread_id: str, actor: str, action: str, details: dict[str, Any]
) -> None:
    """An entry on a lead's thread (sales or customer), whose id names the creator."""
    parts = lead_of_thread(thread_id)
    if parts is None:
        raise ValueError(f"{thread_id!r} is not a lead's thread; name the creator")
    await audit(conn, parts[0], actor, action, details, thread_id=thread_id)


async def thread_audit(conn: AsyncConnection, thread_id: str, limit: int) -> list[Row]:
    return await all_rows(
        conn,
        "SELECT * FROM audit_log WHERE thread_id = %s ORDER BY id DESC LIMIT %s",
        (thread_id, limit),
    )


# The entries about a lead: named by their columns, or on their sales thread (an entry
# written before leads had a creator may lack the columns, never the thread).
ABOUT_LEAD = "((creator_id = %s AND consumer_id = %s) OR thread_id = %s)"


async def lead_audit(conn: AsyncConnection, creator_id: str, lead_id: str) -> list[Row]:
    return await all_rows(
        conn,
        f"SELECT * FROM audit_log WHERE {ABOUT_LEAD} ORDER BY id",
        (creator_id, lead_id, sales_thread_id(creator_id, lead_id)),
    )


async def erase_lead_audit(conn: AsyncConnection, creator_id: str, lead_id: str) -> int:
    """The one delete the audit log allows: inside this transaction only."""
    await conn.execute("SET LOCAL creator_agents.erasure = 'on'")
    cur = await conn.execute(
        f"DELETE FROM audit_log WHERE {ABOUT_LEAD}",
        (creator_id, lead_id, sales_thread_id(creator_id, lead_id)),
    )
    await conn.execute("SET LOCAL creator_agents.erasure = 'off'")
    return cur.rowcount
