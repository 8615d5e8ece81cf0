"""The agents table: each creator's deployed agent and its settings."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from server.store.pages import Cursor, Page, keyset, keyset_params, to_page
from server.store.rows import IN_SCOPE, Row, Scope, all_rows, one

EDITABLE = {
    "enabled",
    "approval_mode",
    "approval_threshold",
    "draft_ttl_hours",
    "triggers",
    "quiet_hours_start",
    "quiet_hours_end",
    "max_per_lead_per_day",
    "max_per_lead_per_week",
    "max_per_creator_per_day",
    "whatsapp_template_sid",
    "whatsapp_template_variables",
    "postal_address",
    "reminder_hours_before",
    "follow_up_after_hours",
    "max_follow_ups",
    "takeover_hours",
}
JSON_SETTINGS = {"triggers", "whatsapp_template_variables"}


# The sending rules a new agent may be deployed with (Settings.agent_defaults).
DEPLOY_DEFAULTS = (
    "quiet_hours_start",
    "quiet_hours_end",
    "max_per_lead_per_day",
    "max_per_lead_per_week",
    "max_per_creator_per_day",
)


async def ensure_agent(
    conn: AsyncConnection, agent_id: str, creator_id: str, defaults: dict[str, Any] | None = None
) -> Row:
    """Deploy the creator's agent with default settings (`defaults` for its sending rules,
    else the table's); deploying again changes nothing."""
    given = {k: v for k, v in (defaults or {}).items() if k in DEPLOY_DEFAULTS}
    columns = ", ".join(["id", "creator_id", *given])
    slots = ", ".join(["%s"] * (2 + len(given)))
    await conn.execute(
        f"INSERT INTO agents ({columns}) VALUES ({slots}) ON CONFLICT (creator_id) DO NOTHING",
        (agent_id, creator_id, *given.values()),
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
    values = [Jsonb(v) if k in JSON_SETTINGS and v is not None else v for k, v in changes.items()]
    return await one(
        conn,
        f"""UPDATE agents SET {", ".join(sets + ["updated_at = now()"])}
             WHERE id = %s AND {IN_SCOPE} RETURNING *""",
        (*values, agent_id, scope, scope),
    )


async def whatsapp_template(conn: AsyncConnection, creator_id: str) -> Row | None:
    """The creator's WhatsApp template settings and name (for its variables)."""
    return await one(
        conn,
        """SELECT a.whatsapp_template_sid, a.whatsapp_template_variables,
                  c.display_name AS creator_name
             FROM creators c LEFT JOIN agents a ON a.creator_id = c.id WHERE c.id = %s""",
        (creator_id,),
    )
