from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from server import repository
from server.deps import ServicesDep

router = APIRouter(tags=["messages"])


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
