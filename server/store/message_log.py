"""The messages table: the outbox. One row per message the agent sends, claimed before the
provider is called so that a retried job never sends twice."""

from __future__ import annotations

from psycopg import AsyncConnection

from server.store.pages import Cursor, Page, keyset, keyset_params, to_page
from server.store.rows import IN_SCOPE, Row, Scope, all_rows, one

# Messages waiting for a person: maybe sent, or certainly not sent after every attempt.
UNSETTLED = ["unconfirmed", "unsent"]
CLAIM_COLUMNS = "id, status, transport, provider_message_id, error, claim_token"


async def claim_new_or_reclaimable(
    conn: AsyncConnection, row: dict, reclaimable: list[str]
) -> Row | None:
    """Insert the message 'claimed', or take over a row whose last attempt is known not to
    have sent. None when the key's row exists and is not reclaimable."""
    return await one(
        conn,
        f"""INSERT INTO messages (id, idempotency_key, approval_id, thread_id, creator_id,
                consumer_id, channel, transport, to_address, subject, body, status, claim_token,
                purpose)
            VALUES (%(id)s, %(idempotency_key)s, %(approval_id)s, %(thread_id)s, %(creator_id)s,
                    %(consumer_id)s, %(channel)s, %(transport)s, %(to_address)s, %(subject)s,
                    %(body)s, 'claimed', %(claim_token)s, %(purpose)s)
            ON CONFLICT (idempotency_key) DO UPDATE SET status = 'claimed', error = NULL,
                claim_token = excluded.claim_token
                WHERE messages.status = ANY(%(reclaimable)s)
            RETURNING {CLAIM_COLUMNS}""",
        {**row, "reclaimable": reclaimable},
    )


async def by_idempotency_key(conn: AsyncConnection, key: str) -> Row | None:
    return await one(
        conn, f"SELECT {CLAIM_COLUMNS} FROM messages WHERE idempotency_key = %s", (key,)
    )


async def reclaim(
    conn: AsyncConnection, message_id: str, claim_token: str, reclaimable: list[str]
) -> Row | None:
    return await one(
        conn,
        f"""UPDATE messages SET status = 'claimed', claim_token = %s, error = NULL
             WHERE id = %s AND status = ANY(%s) RETURNING {CLAIM_COLUMNS}""",
        (claim_token, message_id, reclaimable),
    )


async def start_send(conn: AsyncConnection, message_id: str, claim_token: str) -> bool:
    cur = await conn.execute(
        """UPDATE messages SET status = 'sending'
            WHERE id = %s AND status = 'claimed' AND claim_token = %s""",
        (message_id, claim_token),
    )
    return cur.rowcount == 1


async def finish_send(
    conn: AsyncConnection,
    message_id: str,
    status: str,
    provider_message_id: str | None,
    error: str | None,
) -> None:
    await conn.execute(
        """UPDATE messages SET status = %s, provider_message_id = %s, error = %s,
                  sent_at = CASE WHEN %s IN ('sent', 'recorded') THEN now() END
            WHERE id = %s""",
        (status, provider_message_id, error, status, message_id),
    )


async def list_messages(
    conn: AsyncConnection,
    scope: Scope,
    creator_id: str | None,
    consumer_id: str | None,
    status: str | None,
    after: Cursor | None,
    limit: int,
) -> Page:
    where, order = keyset("newest_first", "created_at", "id")
    rows = await all_rows(
        conn,
        f"""SELECT * FROM messages
             WHERE {IN_SCOPE} AND (%s::text IS NULL OR creator_id = %s)
               AND (%s::text IS NULL OR consumer_id = %s) AND (%s::text IS NULL OR status = %s)
               AND {where} {order} LIMIT %s""",
        (
            scope,
            scope,
            creator_id,
            creator_id,
            consumer_id,
            consumer_id,
            status,
            status,
            *keyset_params(after),
            limit + 1,
        ),
    )
    return to_page(rows, limit)


async def get_message(conn: AsyncConnection, scope: Scope, message_id: str) -> Row | None:
    return await one(
        conn, f"SELECT * FROM messages WHERE id = %s AND {IN_SCOPE}", (message_id, scope, scope)
    )


async def settle_message(conn: AsyncConnection, message_id: str, status: str) -> Row | None:
    """Compare-and-set: 'sent' (the provider did take it) or 'retry' (send it again) for an
    unsettled message only. None if it was not unsettled."""
    return await one(
        conn,
        """
        UPDATE messages SET status = %s,
               error = CASE WHEN %s = 'sent' THEN NULL ELSE error END,
               sent_at = CASE WHEN %s = 'sent' THEN now() END
         WHERE id = %s AND status = ANY(%s) RETURNING *""",
        (status, status, status, message_id, UNSETTLED),
    )


async def thread_messages(conn: AsyncConnection, thread_id: str, limit: int) -> list[Row]:
    return await all_rows(
        conn,
        "SELECT * FROM messages WHERE thread_id = %s ORDER BY created_at DESC LIMIT %s",
        (thread_id, limit),
    )


async def lead_messages(conn: AsyncConnection, creator_id: str, lead_id: str) -> list[Row]:
    return await all_rows(
        conn,
        "SELECT * FROM messages WHERE creator_id = %s AND consumer_id = %s ORDER BY created_at",
        (creator_id, lead_id),
    )


async def delete_lead_messages(conn: AsyncConnection, creator_id: str, lead_id: str) -> int:
    cur = await conn.execute(
        "DELETE FROM messages WHERE creator_id = %s AND consumer_id = %s", (creator_id, lead_id)
    )
    return cur.rowcount
