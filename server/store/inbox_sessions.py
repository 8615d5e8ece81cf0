"""The inbox_sign_in_links and inbox_sessions tables: how a creator's browser signs in.

Rows are keyed by the sha256 of their token; the token itself lives only in the link and in
the browser's cookie."""

from __future__ import annotations

from datetime import datetime

from psycopg import AsyncConnection

from server.store.rows import Row, one


async def insert_link(
    conn: AsyncConnection, token_hash: str, creator_id: str, expires_at: datetime
) -> None:
    # Links nobody used and that can no longer be used are dropped as new ones are made.
    await conn.execute(
        "DELETE FROM inbox_sign_in_links WHERE creator_id = %s AND expires_at < now()",
        (creator_id,),
    )
    await conn.execute(
        """INSERT INTO inbox_sign_in_links (token_hash, creator_id, expires_at)
           VALUES (%s, %s, %s)""",
        (token_hash, creator_id, expires_at),
    )


async def link_creator(conn: AsyncConnection, token_hash: str) -> str | None:
    """The creator of a link that can still be used (to show before it is used)."""
    row = await one(
        conn,
        """SELECT creator_id FROM inbox_sign_in_links
            WHERE token_hash = %s AND used_at IS NULL AND expires_at > now()""",
        (token_hash,),
    )
    return row["creator_id"] if row else None


async def use_link(conn: AsyncConnection, token_hash: str) -> str | None:
    """Compare-and-set: mark the link used and return its creator, or None when it is
    unknown, used already or expired. Two browsers racing on one link: one wins."""
    row = await one(
        conn,
        """UPDATE inbox_sign_in_links SET used_at = now()
            WHERE token_hash = %s AND used_at IS NULL AND expires_at > now()
        RETURNING creator_id""",
        (token_hash,),
    )
    return row["creator_id"] if row else None


async def insert_session(
    conn: AsyncConnection,
    token_hash: str,
    creator_id: str,
    api_key_id: str | None,
    expires_at: datetime,
) -> None:
    await conn.execute(
        "DELETE FROM inbox_sessions WHERE creator_id = %s AND expires_at < now()", (creator_id,)
    )
    await conn.execute(
        """INSERT INTO inbox_sessions (token_hash, creator_id, api_key_id, expires_at)
           VALUES (%s, %s, %s, %s)""",
        (token_hash, creator_id, api_key_id, expires_at),
    )


async def active_session(conn: AsyncConnection, token_hash: str) -> Row | None:
    """A session that is neither expired, signed out, nor opened with a revoked key."""
    return await one(
        conn,
        """SELECT s.creator_id, s.expires_at FROM inbox_sessions s
             LEFT JOIN api_keys k ON k.id = s.api_key_id
            WHERE s.token_hash = %s AND s.ended_at IS NULL AND s.expires_at > now()
              AND (s.api_key_id IS NULL OR k.revoked_at IS NULL)""",
        (token_hash,),
    )


async def end_session(conn: AsyncConnection, token_hash: str) -> None:
    await conn.execute(
        "UPDATE inbox_sessions SET ended_at = now() WHERE token_hash = %s AND ended_at IS NULL",
        (token_hash,),
    )
