from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response, status

from server import repository
from server.deps import ServicesDep
from server.schemas import ConsumerIn

router = APIRouter(tags=["consumers"])


@router.post("/consumers", status_code=status.HTTP_201_CREATED)
async def upsert_consumer(
    body: ConsumerIn, response: Response, services: ServicesDep
) -> dict[str, Any]:
    """Create a consumer (lead), or update its contact details and consent."""
    consumer = body.model_dump()
    consumer["id"] = consumer.pop("external_id")
    async with services.pool.connection() as conn:
        row = await repository.upsert_consumer(conn, consumer)
    if not row.pop("created"):
        response.status_code = status.HTTP_200_OK
    return {"consumer_id": row["id"], **row}


@router.get("/consumers/{consumer_id}")
async def get_consumer(consumer_id: str, services: ServicesDep) -> dict[str, Any]:
    async with services.pool.connection() as conn:
        row = await repository.get_consumer(conn, consumer_id)
    if row is None:
        raise HTTPException(404, f"consumer {consumer_id!r} not found")
    return row
