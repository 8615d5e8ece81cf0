from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query

from domain.booking_payload import BOOKING_ID
from domain.thread_ids import customer_thread_id, sales_thread_id
from server.auth import CallerDep
from server.deps import ServicesDep
from server.lead_data import lead_view
from server.responses.error_body import error_responses
from server.responses.thread_out import ThreadOut
from server.store import (
    approval_queue,
    audit_trail,
    bookings,
    event_log,
    leads,
    message_log,
    thread_timers,
)

router = APIRouter(tags=["threads"])


@router.get(
    "/threads/{creator_id}/{consumer_id}",
    response_model=ThreadOut,
    responses=error_responses(401, 404, 422),
)
async def get_thread(
    creator_id: str,
    consumer_id: str,
    services: ServicesDep,
    caller: CallerDep,
    limit: int = Query(50, ge=1, le=500),
    booking_id: str | None = Query(
        None,
        pattern=BOOKING_ID.pattern,
        description="A booking of the lead's: its customer onboarding thread instead of sales",
    ),
) -> dict[str, Any]:
    """One lead's story with one creator: context, events, drafts, messages, audit trail,
    and whether the agent is waiting for the creator right now."""
    not_found = f"lead {consumer_id!r} of creator {creator_id!r} not found"
    caller.read(creator_id, not_found)
    async with services.pool.connection() as conn:
        consumer = await leads.get_lead(conn, creator_id, consumer_id)
        if consumer is None:
            raise HTTPException(404, not_found)
        # The lead exists, so both ids are plain (no ':'): a valid thread id.
        thread_id = (
            customer_thread_id(creator_id, consumer_id, booking_id)
            if booking_id
            else sales_thread_id(creator_id, consumer_id)
        )
        context = await leads.get_lead_context(conn, creator_id, consumer_id)
        events = await event_log.thread_events(conn, thread_id, limit)
        approvals = await approval_queue.thread_approvals(conn, thread_id, limit)
        messages = await message_log.thread_messages(conn, thread_id, limit)
        audit = await audit_trail.thread_audit(conn, thread_id, limit)
        scheduled = await thread_timers.lead_timers(conn, creator_id, consumer_id)
        booked = await bookings.lead_bookings(conn, creator_id, consumer_id)
    graph = services.runner.graph_for(thread_id)
    snapshot = await graph.aget_state({"configurable": {"thread_id": thread_id}})
    return {
        "thread_id": thread_id,
        "consumer": lead_view(consumer),
        "context": context["context"] if context else None,
        "awaiting_approval": bool(snapshot.interrupts),
        "pending_interrupts": [{"id": i.id, "value": i.value} for i in snapshot.interrupts],
        "events": events,
        "approvals": approvals,
        "messages": messages,
        "audit_log": audit,
        "scheduled": scheduled,
        "bookings": booked,
    }
