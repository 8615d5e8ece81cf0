"""Delivery reports on sent messages (Twilio status callbacks, SES notifications) and the
webhook receipts that make each notification count once."""

from __future__ import annotations

from psycopg import AsyncConnection

from domain.twilio_forms import ERROR_MEANINGS
from server.store import audit_trail
from server.store.rows import Row, all_rows, one

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
# Twilio's last word on a message that did not arrive: nothing moves it afterwards.
FINAL_STATUSES = ("failed", "undelivered")
_RANKS = "CASE delivery_status " + " ".join(
    f"WHEN '{name}' THEN {value}" for name, value in DELIVERY_RANK.items()
)
_MOVES_FORWARD = (
    f"(delivery_status IS NULL OR ({_RANKS} ELSE -1 END < %(rank)s"
    f" AND delivery_status NOT IN {FINAL_STATUSES!r}))"
)


async def first_receipt(conn: AsyncConnection, provider: str, receipt_id: str) -> bool:
    """True the first time this notification is seen, False for a repeat."""
    cur = await conn.execute(
        "INSERT INTO webhook_receipts (provider, receipt_id) VALUES (%s, %s)"
        " ON CONFLICT DO NOTHING",
        (provider, receipt_id),
    )
    return cur.rowcount == 1


async def lock_provider_message(conn: AsyncConnection, sid: str) -> None:
    """Until the transaction ends, one writer per provider message: the send writing its SID
    and a report arriving for it meet in one order, so no early report is lost."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"delivery:{sid}",)
    )


async def advance_delivery(
    conn: AsyncConnection,
    transport: str,
    provider_message_id: str,
    status: str,
    error_code: str | None = None,
) -> Row | None:
    """Record the provider's report when it moves the message forward; the message row
    (with creator, lead and address) when it did, else None (unknown, or not newer).
    A report on a SID no message has yet is kept (early_delivery_reports) for
    apply_early_reports; call lock_provider_message first."""
    rank = DELIVERY_RANK.get(status)
    if rank is None:
        return None
    return await one(
        conn,
        f"""
        WITH moved AS (
            UPDATE messages SET delivery_status = %(status)s,
                   delivery_error_code = coalesce(%(code)s, delivery_error_code),
                   delivery_updated_at = now()
             WHERE transport = %(transport)s AND provider_message_id = %(id)s
               AND {_MOVES_FORWARD}
            RETURNING id, creator_id, consumer_id, thread_id, channel, to_address,
                      delivery_status, delivery_error_code),
        kept AS (
            INSERT INTO early_delivery_reports (transport, provider_message_id, status,
                                                error_code)
            SELECT %(transport)s, %(id)s, %(status)s, %(code)s
             WHERE NOT EXISTS (SELECT 1 FROM messages WHERE transport = %(transport)s
                                                        AND provider_message_id = %(id)s)
            ON CONFLICT DO NOTHING)
        SELECT * FROM moved""",
        {
            "status": status,
            "code": error_code,
            "transport": transport,
            "id": provider_message_id,
            "rank": rank,
        },
    )


async def apply_early_reports(conn: AsyncConnection, provider_message_id: str) -> Row | None:
    """The reports that came before the message's SID was written, applied now in rank
    order (and dropped); the message row when one moved it, as advance_delivery. One round
    trip when there are none (the usual case)."""
    reports = await all_rows(
        conn,
        """DELETE FROM early_delivery_reports WHERE provider_message_id = %s
           RETURNING transport, status, error_code""",
        (provider_message_id,),
    )
    moved = None
    for report in sorted(reports, key=lambda r: DELIVERY_RANK.get(r["status"], -1)):
        moved = (
            await advance_delivery(
                conn,
                report["transport"],
                provider_message_id,
                report["status"],
                report["error_code"],
            )
            or moved
        )
    return moved


async def audit_not_delivered(conn: AsyncConnection, moved: Row) -> None:
    """When a report moved the message to a final failure: an entry on the lead's thread
    saying so, with the provider's error code and what it means."""
    if moved["delivery_status"] not in FINAL_STATUSES:
        return
    code = moved["delivery_error_code"]
    await audit_trail.audit_thread(
        conn,
        moved["thread_id"],
        "system",
        "message_not_delivered",
        {
            "message_id": moved["id"],
            "status": moved["delivery_status"],
            "error_code": code,
            "meaning": ERROR_MEANINGS.get(code or ""),
        },
    )


async def drop_old_early_reports(conn: AsyncConnection, older_than_hours: float) -> int:
    """Reports whose SID never became a lead's message (a creator's digest, say)."""
    cur = await conn.execute(
        "DELETE FROM early_delivery_reports WHERE received_at < now() - make_interval(secs => %s)",
        (older_than_hours * 3600,),
    )
    return cur.rowcount
