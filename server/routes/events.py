from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, status

from domain.threads import sales_thread_id
from server import repository
from server.deps import ServicesDep
from server.schemas import EventIn

router = APIRouter(tags=["events"])


@router.post("/events", status_code=status.HTTP_202_ACCEPTED)
async def post_event(body: EventIn, services: ServicesDep) -> dict[str, Any]:
    """Store the event and queue its sales run in one transaction. Nothing slow runs here.

    Posting the same `event_id` again returns the same answer and runs nothing new.
    """
    event_id = body.event_id or uuid.uuid4().hex
    thread_id = sales_thread_id(body.creator_id, body.consumer_id)
    request_hash = body.request_hash()
    async with services.pool.connection() as conn, conn.transaction():
        if await repository.get_creator(conn, body.creator_id) is None:
            raise HTTPException(
                422, f"creator_id {body.creator_id!r} does not exist; create it with POST /creators"
            )
        if await repository.get_consumer(conn, body.consumer_id) is None:
            raise HTTPException(
                422,
                f"consumer_id {body.consumer_id!r} does not exist; create it with POST /consumers",
            )
        row = await repository.insert_event(
            conn,
            {
                "id": event_id,
                "creator_id": body.creator_id,
                "consumer_id": body.consumer_id,
                "thread_id": thread_id,
                "type": body.type,
                "source": body.source,
                "payload": body.payload,
                "occurred_at": body.occurred_at,
                "request_hash": request_hash,
            },
        )
        duplicate = row is None
        if duplicate:
            existing = await repository.get_event(conn, event_id)
            if existing["request_hash"] != request_hash:
                raise HTTPException(
                    409,
                    f"event_id {event_id!r} was already used for a "
                    "different event; send a new event_id",
                )
        else:
            await services.jobs.enqueue_event(conn, event_id, thread_id)
    return {
        "event_id": event_id,
        "thread_id": thread_id,
        "status": existing["status"] if duplicate else "queued",
        "duplicate": duplicate,
    }


@router.get("/events/{event_id}")
async def get_event(event_id: str, services: ServicesDep) -> dict[str, Any]:
    """The event's processing status and, once processed, the agent's decision."""
    async with services.pool.connection() as conn:
        row = await repository.get_event(conn, event_id)
    if row is None:
        raise HTTPException(404, f"event {event_id!r} not found")
    row.pop("request_hash")
    return row
