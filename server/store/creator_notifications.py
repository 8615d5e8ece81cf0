"""The creator_notifications table: where a creator wants to hear that drafts wait."""

from __future__ import annotations

from psycopg import AsyncConnection

from server.store.rows import IN_SCOPE, Row, Scope, one


async def get_notifications(conn: AsyncConnection, scope: Scope, creator_id: str) -> Row | None:
    return await one(
        conn,
        f"SELECT * FROM creator_notifications WHERE creator_id = %s AND {IN_SCOPE}",
        (creator_id, scope, scope),
    )


async def set_notifications(
    conn: AsyncConnection, creator_id: str, enabled: bool, channel: str, address: str
) -> Row:
    """The caller has checked the creator may be changed by whoever asks."""
    row = await one(
        conn,
        """
        INSERT INTO creator_notifications (creator_id, enabled, channel, address)
        VALUES (%s, %s, %s, %s)
        ON CONFLICT (creator_id) DO UPDATE SET enabled = excluded.enabled,
            channel = excluded.channel, address = excluded.address, updated_at = now()
        RETURNING *""",
        (creator_id, enabled, channel, address),
    )
    assert row is not None
    return row


async def lock_notifications(conn: AsyncConnection, creator_id: str) -> Row | None:
    """The creator's row, locked until the transaction ends: one digest decision at a time."""
    return await one(
        conn,
        "SELECT * FROM creator_notifications WHERE creator_id = %s AND enabled FOR UPDATE",
        (creator_id,),
    )
