from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query

from server import repository
from server.deps import ServicesDep
from server.schemas import MessageResolutionIn

router = APIRouter(tags=["messages"])

# What each resolution makes of the message: 'retry' is claimed and sent by the resend job.
STATUS_OF_RESOLUTION = {"sent": "sent", "resend": "retry"}


@router.get("/messages")
async def list_messages(
    services: ServicesDep,
    creator_id: str | None = None,
    consumer_id: str | None = None,
    status: str | None = Query(None, description="sent, recorded, failed, unconfirmed, ..."),
    limit: int = Query(100, ge=1, le=500),
) -> dict[str, Any]:
    """Messages sent or recorded in the outbox, newest first."""
    async with services.pool.connection() as conn:
        rows = await repository.list_messages(conn, creator_id, consumer_id, status, limit)
    return {"messages": rows}


@router.post("/messages/{message_id}/resolve")
async def resolve_message(
    message_id: str, body: MessageResolutionIn, services: ServicesDep
) -> dict[str, Any]:
    """Settle an `unconfirmed` message (the provider may or may not have taken it) or an
    `unsent` one (the provider could not be reached in any of the job's attempts).

    `sent`: the provider did take it (e.g. it shows in the Twilio console). `resend`: send it
    again, exactly once. Only those two can be resolved; a second resolve gets 409.
    """
    async with services.pool.connection() as conn, conn.transaction():
        message = await repository.get_message(conn, message_id)
        if message is None:
            raise HTTPException(404, f"message {message_id!r} not found")
        settled = await repository.settle_message(
            conn, message_id, STATUS_OF_RESOLUTION[body.resolution]
        )
        if settled is None:
            current = await repository.get_message(conn, message_id)
            raise HTTPException(
                409,
                f"message {message_id!r} is {current['status']}; "
                "only an unconfirmed or unsent message can be resolved",
            )
        await repository.audit(
            conn,
            message["thread_id"],
            body.actor,
            "message_resolved",
            {
                "message_id": message_id,
                "resolution": body.resolution,
                "note": body.note,
                "status_was": message["status"],
                "because": message["error"],
            },
        )
        if body.resolution == "resend":
            await services.jobs.enqueue_resend(conn, settled)
    return {"message_id": message_id, "resolution": body.resolution, "status": settled["status"]}
