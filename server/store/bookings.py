"""The bookings table: each booking a lead made, as the marketplace's events told it.

Written when a booking event is accepted (in the same transaction), so the sales graph's
next run already knows what the lead booked. A cancelled booking stays cancelled, whatever
order its events arrive in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import AsyncConnection

from domain.booking_payload import parse_instant
from server.store.rows import Row, all_rows, one

# What each event does to the booking's status (None: leaves it as it is).
STATUS_AFTER = {
    "booking_created": "booked",
    "booking_cancelled": "cancelled",
    "session_completed": "completed",
    "payment_completed": None,
}


def _instant(payload: dict[str, Any], key: str) -> Any:
    value = payload.get(key)
    return parse_instant(value) if isinstance(value, str) else None


async def record_booking_event(
    conn: AsyncConnection,
    creator_id: str,
    consumer_id: str,
    thread_id: str,
    event_type: str,
    payload: dict[str, Any],
    occurred_at: datetime,
) -> None:
    """Fold one accepted booking event into its booking's row."""
    await conn.execute(
        """
        INSERT INTO bookings (creator_id, consumer_id, booking_id, service_id, thread_id, status,
                              starts_at, ends_at, paid, booked_at)
        VALUES (%(creator_id)s, %(consumer_id)s, %(booking_id)s, %(service_id)s, %(thread_id)s,
                coalesce(%(status)s, 'booked'), %(starts_at)s, %(ends_at)s, %(paid)s,
                %(booked_at)s)
        ON CONFLICT (creator_id, consumer_id, booking_id) DO UPDATE SET
            service_id = coalesce(excluded.service_id, bookings.service_id),
            starts_at = coalesce(excluded.starts_at, bookings.starts_at),
            ends_at = coalesce(excluded.ends_at, bookings.ends_at),
            paid = bookings.paid OR excluded.paid,
            booked_at = coalesce(bookings.booked_at, excluded.booked_at),
            status = CASE
                WHEN bookings.status = 'cancelled' OR %(status)s IS NULL THEN bookings.status
                WHEN bookings.status = 'completed' AND %(status)s = 'booked' THEN 'completed'
                ELSE %(status)s END,
            updated_at = now()""",
        {
            "creator_id": creator_id,
            "consumer_id": consumer_id,
            "booking_id": payload["booking_id"],
            "service_id": payload.get("service_id"),
            "thread_id": thread_id,
            "status": STATUS_AFTER[event_type],
            "starts_at": _instant(payload, "starts_at"),
            "ends_at": _instant(payload, "ends_at"),
            "paid": event_type == "payment_completed",
            "booked_at": occurred_at if event_type == "booking_created" else None,
        },
    )


async def get_booking(
    conn: AsyncConnection, creator_id: str, consumer_id: str, booking_id: str
) -> Row | None:
    return await one(
        conn,
        """SELECT * FROM bookings
            WHERE creator_id = %s AND consumer_id = %s AND booking_id = %s""",
        (creator_id, consumer_id, booking_id),
    )


async def lead_bookings(conn: AsyncConnection, creator_id: str, consumer_id: str) -> list[Row]:
    return await all_rows(
        conn,
        """SELECT booking_id, service_id, thread_id, status, starts_at, ends_at, paid,
                  created_at, updated_at
             FROM bookings WHERE creator_id = %s AND consumer_id = %s
            ORDER BY created_at DESC LIMIT 100""",
        (creator_id, consumer_id),
    )


async def delete_lead_bookings(conn: AsyncConnection, creator_id: str, consumer_id: str) -> int:
    cur = await conn.execute(
        "DELETE FROM bookings WHERE creator_id = %s AND consumer_id = %s", (creator_id, consumer_id)
    )
    return cur.rowcount
