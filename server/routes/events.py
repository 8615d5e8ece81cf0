from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, Query, status

from domain.booking_payload import BOOKING_EVENTS
from domain.thread_ids import customer_thread_id, sales_thread_id
from server.auth import AdminDep, CallerDep
from server.booking_intake import take_in_booking_event
from server.deps import ServicesDep
from server.listing import CursorQuery, LimitQuery
from server.responses.error_body import error_responses
from server.responses.event_out import EventAccepted, EventList, EventOut
from server.schemas import EventIn
from server.store import creator_records, event_log, leads
from server.store.rows import ALL_CREATORS

router = APIRouter(tags=["events"])


@router.post(
    "/events",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=EventAccepted,
    responses=error_responses(401, 403, 409, 413, 422),
)
async def post_event(body: EventIn, services: ServicesDep, caller: AdminDep) -> dict[str, Any]:
    """Store the event and queue its run in one transaction. Nothing slow runs here.

    Posting the same `event_id` again returns the same answer and runs nothing new.
    A booking's events (`booking_created`, `booking_cancelled`, `payment_completed`,
    `session_completed`, each with `payload.booking_id`) run on the booking's own thread,
    the customer onboarding agent's; every other event on the lead's sales thread.
    """
    event_id = body.event_id or uuid.uuid4().hex
    thread_id = thread_of_event(body)
    request_hash = body.request_hash()
    event = {
        "id": event_id,
        "creator_id": body.creator_id,
        "consumer_id": body.consumer_id,
        "thread_id": thread_id,
        "type": body.type,
        "source": body.source,
        "payload": body.payload,
        "occurred_at": body.occurred_at,
        "request_hash": request_hash,
    }
    job = services.jobs.event_job(event_id, thread_id)
    async with services.pool.connection() as conn:
        if body.type in BOOKING_EVENTS:
            async with conn.transaction():  # the booking's row with its event
                row = await event_log.insert_queued_event(conn, event, job)
                if row is not None:
                    await take_in_booking_event(
                        conn,
                        services.jobs,
                        body.creator_id,
                        body.consumer_id,
                        thread_id,
                        body.type,
                        body.payload,
                        body.occurred_at,
                    )
        else:
            row = await event_log.insert_queued_event(conn, event, job)  # one statement
        duplicate = row is None
        if duplicate:
            await _no_such_lead_or_creator(conn, body.creator_id, body.consumer_id)
            existing = await event_log.get_event(conn, ALL_CREATORS, event_id)
            if existing["request_hash"] != request_hash:
                raise HTTPException(
                    409,
                    f"event_id {event_id!r} was already used for a "
                    "different event; send a new event_id",
                )
    return {
        "event_id": event_id,
        "thread_id": thread_id,
        "status": existing["status"] if duplicate else "queued",
        "duplicate": duplicate,
    }


def thread_of_event(body: EventIn) -> str:
    if body.type in BOOKING_EVENTS:
        return customer_thread_id(body.creator_id, body.consumer_id, body.payload["booking_id"])
    return sales_thread_id(body.creator_id, body.consumer_id)


async def _no_such_lead_or_creator(conn: Any, creator_id: str, consumer_id: str) -> None:
    """422 naming what is missing, when the event's lead (or creator) does not exist."""
    if await leads.hold_lead(conn, creator_id, consumer_id):
        return
    if await creator_records.get_creator(conn, ALL_CREATORS, creator_id) is None:
        raise HTTPException(
            422, f"creator_id {creator_id!r} does not exist; create it with POST /creators"
        )
    raise HTTPException(
        422,
        f"consumer_id {consumer_id!r} is not a lead of {creator_id!r}; "
        "create it with POST /consumers",
    )


@router.get("/events", response_model=EventList, responses=error_responses(401, 404, 422))
async def list_events(
    services: ServicesDep,
    caller: CallerDep,
    cursor: CursorQuery,
    creator_id: str | None = Query(None, description="Whose events; a creator key lists its own"),
    consumer_id: str | None = Query(None, description="One lead's timeline"),
    limit: LimitQuery = 100,
) -> dict[str, Any]:
    """Events, newest first, with each one's decision and the message it led to."""
    creator = caller.listing(creator_id)
    async with services.pool.connection() as conn:
        page = await event_log.list_events(conn, caller.scope, creator, consumer_id, cursor, limit)
    # EventOut leaves out the columns readers have no use for (request_hash).
    return {"events": page.rows, "next_cursor": page.next_cursor}


@router.get("/events/{event_id}", response_model=EventOut, responses=error_responses(401, 404, 422))
async def get_event(event_id: str, services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """The event's processing status and, once processed, the agent's decision and the
    message it produced (`message_id`)."""
    async with services.pool.connection() as conn:
        row = await event_log.get_event(conn, caller.scope, event_id)
    if row is None:
        raise HTTPException(404, f"event {event_id!r} not found")
    return row
