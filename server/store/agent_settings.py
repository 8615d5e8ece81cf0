"""The agents table: each creator's deployed agent and its settings."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from server.store.pages import Cursor, Page, keyset, keyset_params, to_page
from server.store.rows import IN_SCOPE, Row, Scope, all_rows, one

EDITABLE = {"enabled", "approval_mode", "approval_threshold", "draft_ttl_hours", "triggers"}


async def ensure_agent(conn: AsyncConnection, agent_id: str, creator_id: str) -> Row:
    """Deploy the creator's agent with default settings; deploying again changes nothing."""
    await conn.execute(
        "INSERT INTO agents (id, creator_id) VALUES (%s, %s) ON CONFLICT (creator_id) DO NOTHING",
        (agent_id, creator_id),
    )
    return await agent_of_creator(conn, creator_id)


async def agent_of_creator(conn: AsyncConnection, creator_id: str) -> Row | None:
    return await one(conn, "SELECT * FROM agents WHERE creator_id = %s", (creator_id,))


async def list_agents(
    conn: AsyncConnection,
    scope: Scope,
    creator_id: str | None,
    after: Cursor | None = None,
    limit: int = 100,
) -> Page:
    where, order = keyset("oldest_first", "created_at", "id")
    rows = await all_rows(
        conn,
        f"""SELECT * FROM agents WHERE {IN_SCOPE}
               AND (%s::text IS NULL OR creator_id = %s) AND {where} {order} LIMIT %s""",
        (scope, scope, creator_id, creator_id, *keyset_params(after), limit + 1),
    )
    return to_page(rows, limit)


async def get_agent(conn: AsyncConnection, scope: Scope, agent_id: str) -> Row | None:
    return await one(
        conn, f"SELECT * FROM agents WHERE id = %s AND {IN_SCOPE}", (agent_id, scope, scope)
    )


async def update_agent(
    conn: AsyncConnection, scope: Scope, agent_id: str, **changes: Any
) -> Row | None:
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"not an agent setting: {sorted(unknown)}")
    sets = [f"{key} = %s" for key in changes]
    values = [Jsonb(v) if k == "triggers" else v for k, v in changes.items()]
    return await one(
        conn,
        f"""UPDATE agents SET {", ".join(sets + ["updated_at = now()"])}
             WHERE id = %s AND {IN_SCOPE} RETURNING *""",
        (*values, agent_id, scope, scope),
    )
