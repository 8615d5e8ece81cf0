"""What every store module shares: the scope type and two fetch helpers."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection

Row = dict[str, Any]
# A creator id, or ALL_CREATORS: the admin key, and the service's own jobs.
Scope = str | None
ALL_CREATORS: Scope = None

# `creator_id` of the queried table within the scope; takes (scope, scope).
IN_SCOPE = "(%s::text IS NULL OR creator_id = %s)"


async def one(conn: AsyncConnection, sql: str, params: tuple | dict = ()) -> Row | None:
    cur = await conn.execute(sql, params)
    return await cur.fetchone()


async def all_rows(conn: AsyncConnection, sql: str, params: tuple | dict = ()) -> list[Row]:
    cur = await conn.execute(sql, params)
    return await cur.fetchall()
