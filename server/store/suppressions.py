"""The suppressions table: addresses nothing is sent to, whichever creator asks (a permanent
bounce, a complaint, a STOP to a shared sender). Checked by every send."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from server.store.rows import Row, one


def normal_address(channel: str, address: str) -> str:
    return address.strip().lower() if channel == "email" else address.strip()


async def suppress(
    conn: AsyncConnection,
    channel: str,
    address: str,
    reason: str,
    source: str,
    details: dict[str, Any] | None = None,
) -> bool:
    """Add the address; True when it is new (a repeat keeps the first reason)."""
    cur = await conn.execute(
        """INSERT INTO suppressions (channel, address, reason, source, details)
           VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING""",
        (channel, normal_address(channel, address), reason, source, Jsonb(details or {})),
    )
    return cur.rowcount == 1


async def suppression_of(conn: AsyncConnection, channel: str, address: str | None) -> Row | None:
    if not address:
        return None
    return await one(
        conn,
        "SELECT reason, source, created_at FROM suppressions WHERE channel = %s AND address = %s",
        (channel, normal_address(channel, address)),
    )
