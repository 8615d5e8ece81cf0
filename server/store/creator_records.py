"""The creators table: who is onboarded, with the marketplace data they were built from."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from server.store.pages import Cursor, Page, keyset, keyset_params, to_page
from server.store.rows import IN_SCOPE, Row, Scope, all_rows, one


async def upsert_creator(
    conn: AsyncConnection, creator_id: str, display_name: str, data: dict[str, Any]
) -> Row:
    return await one(
        conn,
        """
        INSERT INTO creators (id, display_name, marketplace_data) VALUES (%s, %s, %s)
        ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name,
            marketplace_data = excluded.marketplace_data, updated_at = now()
        RETURNING *, (xmax = 0) AS created""",
        (creator_id, display_name, Jsonb(data)),
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


async def get_creator(conn: AsyncConnection, scope: Scope, creator_id: str) -> Row | None:
    return await one(
        conn,
        "SELECT * FROM creators WHERE id = %s AND (%s::text IS NULL OR id = %s)",
        (creator_id, scope, scope),
    )


async def list_creators(
    conn: AsyncConnection, scope: Scope, after: Cursor | None, limit: int
) -> Page:
    where, order = keyset("newest_first", "created_at", "id")
    rows = await all_rows(
        conn,
        f"""SELECT id, display_name, created_at, updated_at FROM creators
             WHERE {IN_SCOPE.replace("creator_id", "id")} AND {where} {order} LIMIT %s""",
        (scope, scope, *keyset_params(after), limit + 1),
    )
    return to_page(rows, limit)
