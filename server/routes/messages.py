from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query

from server.auth import CallerDep
from server.deps import ServicesDep
from server.listing import CursorQuery, LimitQuery
from server.schemas import MessageResolutionIn, MessageStatus
from server.store import audit_trail, message_log
from server.store.rows import ALL_CREATORS

router = APIRouter(tags=["messages"])

# What each resolution makes of the message: 'retry' is claimed and sent by the resend job.
STATUS_OF_RESOLUTION = {"sent": "sent", "resend": "retry"}


@router.get("/messages")
async def list_messages(
    services: ServicesDep,
    caller: CallerDep,
    cursor: CursorQuery,
    creator_id: str | None = Query(None, description="Whose; a creator key lists its own"),
    consumer_id: str | None = None,
    status: MessageStatus | None = None,
    limit: LimitQuery = 100,
) -> dict[str, Any]:
    """Messages sent or recorded in the outbox, newest first."""
    creator = caller.listing(creator_id)
    async with services.pool.connection() as conn:
        page = await message_log.list_messages(
            conn, caller.scope, creator, consumer_id, status, cursor, limit
        )
    return {"messages": page.rows, "next_cursor": page.next_cursor}


@router.post("/messages/{message_id}/resolve")
async def resolve_message(
    message_id: str, body: MessageResolutionIn, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Settle an `unconfirmed` message (the provider may or may not have taken it) or an
    `unsent` one (the provider could not be reached in any of the job's attempts).

    `sent`: the provider did take it (e.g. it shows in the Twilio console). `resend`: send it
    again, exactly once. Only those two can be resolved; a second resolve gets 409.
    """
    async with services.pool.connection() as conn, conn.transaction():
        message = await message_log.get_message(conn, ALL_CREATORS, message_id)
        if message is None:
            raise HTTPException(404, f"message {message_id!r} not found")
        caller.write(message["creator_id"])
        settled = await message_log.settle_message(
            conn, message_id, STATUS_OF_RESOLUTION[body.resolution]
        )
        if settled is None:
            current = await message_log.get_message(conn, ALL_CREATORS, message_id)
            if current is None:  # erased with its lead while this request waited for it
                raise HTTPException(404, f"message {message_id!r} not found")
            raise HTTPException(
                409,
                f"message {message_id!r} is {current['status']}; "
                "only an unconfirmed or unsent message can be resolved",
            )
        await audit_trail.audit_thread(
            conn,
            message["thread_id"],
            caller.actor,
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
