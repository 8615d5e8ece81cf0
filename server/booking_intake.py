"""A booking event accepted by the API, in the caller's transaction: the booking's row, and
the sales drafts that pitch what the lead just booked taken back (the customer onboarding
agent speaks to them about it from now on), their thread's wait ended by a queued resume."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from psycopg import AsyncConnection

from domain.thread_ids import sales_thread_id
from server.store import approval_queue, audit_trail, bookings

ALREADY_ENROLLED = "already_enrolled"
# Waiting, or decided and not sent yet (tools.sales_store.Withdrawal's decided drafts).
UNSENT = ["pending", "agent_approved", "approved", "edited", "held"]


class ResumeQueue(Protocol):
    async def enqueue_resume(self, conn: AsyncConnection, approval: dict) -> int: ...


async def take_in_booking_event(
    conn: AsyncConnection,
    jobs: ResumeQueue,
    creator_id: str,
    consumer_id: str,
    thread_id: str,
    event_type: str,
    payload: dict[str, Any],
    occurred_at: datetime,
) -> None:
    await bookings.record_booking_event(
        conn, creator_id, consumer_id, thread_id, event_type, payload, occurred_at
    )
    if event_type != "booking_created":
        return
    sales_thread = sales_thread_id(creator_id, consumer_id)
    withdrawn = await approval_queue.withdraw_pitches_of_service(
        conn, creator_id, consumer_id, sales_thread, payload["service_id"], ALREADY_ENROLLED, UNSENT
    )
    for draft in withdrawn:
        await audit_trail.audit_thread(
            conn,
            sales_thread,
            "system",
            "draft_withdrawn",
            {"approval_id": draft["id"], "reason": ALREADY_ENROLLED, "booking_thread": thread_id},
        )
        await jobs.enqueue_resume(conn, draft)
