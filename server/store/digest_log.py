"""The creator_digests table: every digest telling a creator that drafts wait.

A creator is due a digest when notifications are on, something waits for them (a pending
message draft or profile review) that is newer than what their last digest announced, and
their last digest is at least `every_min` minutes old.
"""

from __future__ import annotations

from datetime import datetime

from psycopg import AsyncConnection

from server.store.rows import IN_SCOPE, Row, Scope, all_rows, one

# What waits for one creator, and when their last digest went, for the due check.
_WAITING = """
    SELECT n.creator_id, n.channel, n.address, c.display_name,
           count(*) FILTER (WHERE a.kind = 'message') AS drafts_waiting,
           count(*) FILTER (WHERE a.kind = 'profile') AS profiles_waiting,
           min(a.created_at) AS oldest_waiting_at,
           max(a.created_at) AS newest_waiting_at,
           last.created_at AS last_digest_at,
           last.newest_waiting_at AS last_announced_at
      FROM creator_notifications n
      JOIN creators c ON c.id = n.creator_id
      JOIN approvals a ON a.creator_id = n.creator_id AND a.status = 'pending'
      LEFT JOIN LATERAL (
            SELECT d.created_at, d.newest_waiting_at FROM creator_digests d
             WHERE d.creator_id = n.creator_id ORDER BY d.created_at DESC LIMIT 1
      ) last ON true
     WHERE n.enabled AND {creator}
     GROUP BY n.creator_id, n.channel, n.address, c.display_name,
              last.created_at, last.newest_waiting_at
    HAVING (last.created_at IS NULL OR last.created_at <= now() - make_interval(secs => %s * 60))
       AND (last.newest_waiting_at IS NULL OR max(a.created_at) > last.newest_waiting_at)
"""


async def due_creators(conn: AsyncConnection, every_min: float, limit: int) -> list[str]:
    rows = await all_rows(
        conn,
        _WAITING.format(creator="true") + " ORDER BY n.creator_id LIMIT %s",
        (every_min, limit),
    )
    return [row["creator_id"] for row in rows]


async def waiting_if_due(conn: AsyncConnection, creator_id: str, every_min: float) -> Row | None:
    """What waits for the creator, if they are due a digest now (else None)."""
    return await one(conn, _WAITING.format(creator="n.creator_id = %s"), (creator_id, every_min))


async def start_digest(
    conn: AsyncConnection, digest_id: str, waiting: Row, newest_waiting_at: datetime, body: str
) -> None:
    await conn.execute(
        """
        INSERT INTO creator_digests (id, creator_id, channel, address, drafts_waiting,
                                     profiles_waiting, newest_waiting_at, body)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s)""",
        (
            digest_id,
            waiting["creator_id"],
            waiting["channel"],
            waiting["address"],
            waiting["drafts_waiting"],
            waiting["profiles_waiting"],
            newest_waiting_at,
            body,
        ),
    )


async def finish_digest(
    conn: AsyncConnection,
    digest_id: str,
    status: str,
    transport: str,
    provider_message_id: str | None = None,
    error: str | None = None,
) -> None:
    await conn.execute(
        """
        UPDATE creator_digests SET status = %s, transport = %s, provider_message_id = %s,
               error = %s, finished_at = now()
         WHERE id = %s AND status = 'sending'""",
        (status, transport, provider_message_id, error, digest_id),
    )


async def recent_digests(
    conn: AsyncConnection, scope: Scope, creator_id: str, limit: int
) -> list[Row]:
    return await all_rows(
        conn,
        f"""SELECT * FROM creator_digests WHERE creator_id = %s AND {IN_SCOPE}
             ORDER BY created_at DESC LIMIT %s""",
        (creator_id, scope, scope, limit),
    )
