"""The service_secrets table: keys the service makes for itself, once, for every process."""

from __future__ import annotations

import secrets

from psycopg import AsyncConnection

SECRET_BYTES = 32


async def ensure_secret(conn: AsyncConnection, name: str) -> bytes:
    """The secret called `name`, made now if no process made it before. Processes starting
    together agree: the first insert wins and everyone reads what it wrote."""
    await conn.execute(
        "INSERT INTO service_secrets (name, secret) VALUES (%s, %s) ON CONFLICT DO NOTHING",
        (name, secrets.token_bytes(SECRET_BYTES)),
    )
    cur = await conn.execute("SELECT secret FROM service_secrets WHERE name = %s", (name,))
    row = await cur.fetchone()
    return bytes(row["secret"])
