"""The consumers and consumer_context tables: a creator's leads, identified by
(creator_id, external id), and what the sales agent has learnt about each."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from server.store.pages import Cursor, Page, keyset, keyset_params, to_page
from server.store.rows import IN_SCOPE, Row, Scope, all_rows, one

CONTACT_FIELDS = ("name", "whatsapp", "email", "timezone", "consent")


async def upsert_lead(
    conn: AsyncConnection,
    creator_id: str,
    lead_id: str,
    fields: dict[str, Any],
    given: dict[str, Any],
) -> Row:
    """Create the lead with `fields`, or change only the `given` fields of an existing one
    (`consent` channel by channel). The row has `created`: whether it is new."""
    unknown = set(fields) - set(CONTACT_FIELDS) | set(given) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not a lead field: {sorted(unknown)}")
    sets = ["updated_at = now()"]
    for column in given:
        if column == "consent":
            sets.append("consent = consumers.consent || %(given_consent)s")
        else:
            sets.append(f"{column} = excluded.{column}")
    return await one(
        conn,
        f"""
        INSERT INTO consumers (creator_id, id, name, whatsapp, email, timezone, consent)
        VALUES (%(creator_id)s, %(id)s, %(name)s, %(whatsapp)s, %(email)s, %(timezone)s,
                %(consent)s)
        ON CONFLICT (creator_id, id) DO UPDATE SET {", ".join(sets)}
        RETURNING *, (xmax = 0) AS created""",
        {
            **fields,
            "creator_id": creator_id,
            "id": lead_id,
            "consent": Jsonb(fields["consent"]),
            "given_consent": Jsonb(given.get("consent") or {}),
        },
    )


async def patch_lead(
    conn: AsyncConnection, creator_id: str, lead_id: str, changes: dict[str, Any]
) -> Row | None:
    """Change only the given fields; consent is merged channel by channel."""
    sets, params = ["updated_at = now()"], []
    for column, value in changes.items():
        if column not in CONTACT_FIELDS:
            raise ValueError(f"not a lead field: {column}")
        if column == "consent":
            sets.append("consent = consent || %s")
            params.append(Jsonb(value))
        else:
            sets.append(f"{column} = %s")
            params.append(value)
    return await one(
        conn,
        f"UPDATE consumers SET {', '.join(sets)} WHERE creator_id = %s AND id = %s RETURNING *",
        (*params, creator_id, lead_id),
    )


async def get_lead(conn: AsyncConnection, creator_id: str, lead_id: str) -> Row | None:
    return await one(
        conn, "SELECT * FROM consumers WHERE creator_id = %s AND id = %s", (creator_id, lead_id)
    )


async def lock_lead(conn: AsyncConnection, creator_id: str, lead_id: str) -> bool:
    """Lock the lead's row for this transaction; False when there is no such lead."""
    row = await one(
        conn,
        "SELECT 1 AS found FROM consumers WHERE creator_id = %s AND id = %s FOR UPDATE",
        (creator_id, lead_id),
    )
    return row is not None


async def hold_lead(conn: AsyncConnection, creator_id: str, lead_id: str) -> bool:
    """Keep the lead from being erased until this transaction ends; False when there is no
    such lead (an erasure in progress is waited for, and then there is none)."""
    row = await one(
        conn,
        "SELECT 1 AS found FROM consumers WHERE creator_id = %s AND id = %s FOR KEY SHARE",
        (creator_id, lead_id),
    )
    return row is not None


async def list_leads(
    conn: AsyncConnection, scope: Scope, creator_id: str | None, after: Cursor | None, limit: int
) -> Page:
    where, order = keyset("newest_first", "created_at", "id")
    rows = await all_rows(
        conn,
        f"""SELECT * FROM consumers WHERE {IN_SCOPE}
               AND (%s::text IS NULL OR creator_id = %s) AND {where} {order} LIMIT %s""",
        (scope, scope, creator_id, creator_id, *keyset_params(after), limit + 1),
    )
    return to_page(rows, limit)


async def save_lead_context(
    conn: AsyncConnection, creator_id: str, lead_id: str, context: dict[str, Any], run_open: bool
) -> None:
    """The context a sales run ended with, and whether the graph still waits on the thread."""
    await conn.execute(
        """
        INSERT INTO consumer_context (creator_id, consumer_id, context, run_open)
        VALUES (%s, %s, %s, %s)
        ON CONFLICT (creator_id, consumer_id) DO UPDATE SET context = excluded.context,
            run_open = excluded.run_open, updated_at = now()""",
        (creator_id, lead_id, Jsonb(context), run_open),
    )


async def save_ended_run_context(
    conn: AsyncConnection, creator_id: str, lead_id: str, context: dict[str, Any], ended_at: str
) -> None:
    """The context of a sales run that ended at `ended_at` (its checkpoint's time), when the
    saved copy is older and the thread is still marked open: the run's own save did not
    land."""
    await conn.execute(
        """
        UPDATE consumer_context SET context = %s, run_open = false, updated_at = now()
         WHERE creator_id = %s AND consumer_id = %s AND run_open
           AND updated_at < %s::timestamptz""",
        (Jsonb(context), creator_id, lead_id, ended_at),
    )


async def open_sales_run(conn: AsyncConnection, creator_id: str, lead_id: str) -> None:
    """Before a sales graph run on a thread whose last run ended: until this run ends and
    says otherwise, the thread's events run the graph (a crash midway leaves it so)."""
    await conn.execute(
        "UPDATE consumer_context SET run_open = true WHERE creator_id = %s AND consumer_id = %s",
        (creator_id, lead_id),
    )


async def get_lead_context(conn: AsyncConnection, creator_id: str, lead_id: str) -> Row | None:
    return await one(
        conn,
        """SELECT context, updated_at FROM consumer_context
            WHERE creator_id = %s AND consumer_id = %s""",
        (creator_id, lead_id),
    )


async def delete_lead(conn: AsyncConnection, creator_id: str, lead_id: str) -> int:
    """The lead and its context; the caller has removed everything that refers to them."""
    await conn.execute(
        "DELETE FROM consumer_context WHERE creator_id = %s AND consumer_id = %s",
        (creator_id, lead_id),
    )
    cur = await conn.execute(
        "DELETE FROM consumers WHERE creator_id = %s AND id = %s", (creator_id, lead_id)
    )
    return cur.rowcount


async def lead_names(conn: AsyncConnection, creator_id: str, lead_ids: list[str]) -> dict[str, str]:
    rows = await all_rows(
        conn,
        "SELECT id, name FROM consumers WHERE creator_id = %s AND id = ANY(%s)",
        (creator_id, lead_ids),
    )
    return {row["id"]: row["name"] for row in rows}
