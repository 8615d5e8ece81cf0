"""Delivery reports on sent messages (Twilio status callbacks, SES notifications) and the
webhook receipts that make each notification count once."""

from __future__ import annotations

from psycopg import AsyncConnection

from server.store.rows import Row, one

# A status only moves to a higher rank: repeats and late, out-of-order reports change nothing.
DELIVERY_RANK = {
    "accepted": 0,
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
    "bounced": 3,
    "complained": 4,
    "read": 4,
}


async def first_receipt(conn: AsyncConnection, provider: str, receipt_id: str) -> bool:
    """True the first time this notification is seen, False for a repeat."""
    cur = await conn.execute(
        "INSERT INTO webhook_receipts (provider, receipt_id) VALUES (%s, %s)"
        " ON CONFLICT DO NOTHING",
        (provider, receipt_id),
    )
    return cur.rowcount == 1


async def advance_delivery(
    conn: AsyncConnection,
    transport: str,
    provider_message_id: str,
    status: str,
    error_code: str | None = None,
) -> Row | None:
    """Record the provider's report when it moves the message forward; the message row
    (with creator, lead and address) when it did, else None (unknown, or not newer)."""
    rank = DELIVERY_RANK.get(status)
    if rank is None:
        return None
    ranks = "CASE delivery_status " + " ".join(
        f"WHEN '{name}' THEN {value}" for name, value in DELIVERY_RANK.items()
    )
    return await one(
        conn,
        f"""
        UPDATE messages SET delivery_status = %(status)s,
               delivery_error_code = coalesce(%(code)s, delivery_error_code),
               delivery_updated_at = now()
         WHERE transport = %(transport)s AND provider_message_id = %(id)s
           AND (delivery_status IS NULL OR {ranks} ELSE -1 END < %(rank)s)
        RETURNING id, creator_id, consumer_id, thread_id, channel, to_address,
                  delivery_status, delivery_error_code""",
        {
            "status": status,
            "code": error_code,
            "transport": transport,
            "id": provider_message_id,
            "rank": rank,
        },
    )
