"""The api_keys table. Only the key's sha256 is stored: keys are 256 random bits, so a fast
hash is as safe as a slow one and costs one index lookup per request."""

from __future__ import annotations

from psycopg import AsyncConnection

from server.store.pages import Cursor, Page, keyset, keyset_params, to_page
from server.store.rows import Row, all_rows, one

KEY_COLUMNS = "id, scope, creator_id, name, created_at, revoked_at"


async def insert_key(
    conn: AsyncConnection,
    key_id: str,
    scope: str,
    creator_id: str | None,
    key_hash: str,
    name: str | None,
) -> Row:
    return await one(
        conn,
        f"""INSERT INTO api_keys (id, scope, creator_id, key_hash, name)
            VALUES (%s, %s, %s, %s, %s) RETURNING {KEY_COLUMNS}""",
        (key_id, scope, creator_id, key_hash, name),
    )


async def active_key_by_hash(conn: AsyncConnection, key_hash: str) -> Row | None:
    return await one(
        conn,
        f"SELECT {KEY_COLUMNS} FROM api_keys WHERE key_hash = %s AND revoked_at IS NULL",
        (key_hash,),
    )


async def key_by_hash(conn: AsyncConnection, key_hash: str) -> Row | None:
    """The key with this hash, revoked or not."""
    return await one(conn, f"SELECT {KEY_COLUMNS} FROM api_keys WHERE key_hash = %s", (key_hash,))


async def has_active_admin_key(conn: AsyncConnection) -> bool:
    row = await one(
        conn, "SELECT 1 AS found FROM api_keys WHERE scope = 'admin' AND revoked_at IS NULL"
    )
    return row is not None


async def revoke_key(conn: AsyncConnection, key_id: str) -> Row | None:
    """Revoke at once; revoking again keeps the first time. None for an unknown key; the
    row's `newly_revoked` says whether this call revoked it."""
    return await one(
        conn,
        f"""WITH before AS (SELECT id, revoked_at FROM api_keys WHERE id = %s FOR UPDATE)
            UPDATE api_keys k SET revoked_at = COALESCE(k.revoked_at, now())
              FROM before WHERE k.id = before.id
            RETURNING {", ".join("k." + c.strip() for c in KEY_COLUMNS.split(","))},
                      before.revoked_at IS NULL AS newly_revoked""",
        (key_id,),
    )


async def list_keys(
    conn: AsyncConnection, creator_id: str | None, after: Cursor | None, limit: int
) -> Page:
    where, order = keyset("newest_first", "created_at", "id")
    rows = await all_rows(
        conn,
        f"""SELECT {KEY_COLUMNS} FROM api_keys WHERE (%s::text IS NULL OR creator_id = %s)
               AND {where} {order} LIMIT %s""",
        (creator_id, creator_id, *keyset_params(after), limit + 1),
    )
    return to_page(rows, limit)
