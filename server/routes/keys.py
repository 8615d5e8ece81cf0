"""API keys: the admin key issues creator keys and revokes any key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import ConfigDict, Field

from domain.plain_json import PlainJsonModel
from server.auth import AdminDep, issue_key
from server.deps import ServicesDep
from server.listing import CursorQuery, LimitQuery
from server.schemas import ID_PATTERN
from server.store import api_keys, audit_trail, creator_records
from server.store.rows import ALL_CREATORS

router = APIRouter(tags=["keys"])


class KeyIn(PlainJsonModel):
    model_config = ConfigDict(extra="forbid")

    creator_id: str = Field(pattern=ID_PATTERN, description="The creator this key acts for")
    name: str | None = Field(None, max_length=200, description="What the key is for")


def _about(key: dict[str, Any]) -> dict[str, Any]:
    return {"key_id": key["id"], "name": key["name"]}


@router.post("/keys", status_code=status.HTTP_201_CREATED)
async def create_key(body: KeyIn, services: ServicesDep, caller: AdminDep) -> dict[str, Any]:
    """Issue a key scoped to one creator. The key is in this answer only: store it now."""
    async with services.pool.connection() as conn, conn.transaction():
        if await creator_records.get_creator(conn, ALL_CREATORS, body.creator_id) is None:
            raise HTTPException(404, f"creator {body.creator_id!r} not found")
        row, key = await issue_key(conn, body.creator_id, body.name)
        await audit_trail.audit(conn, body.creator_id, caller.actor, "key_issued", _about(row))
    return {**row, "key": key}


@router.get("/keys")
async def list_keys(
    services: ServicesDep,
    caller: AdminDep,
    cursor: CursorQuery,
    creator_id: str | None = Query(None, description="Only this creator's keys"),
    limit: LimitQuery = 100,
) -> dict[str, Any]:
    """Keys, newest first, without their secret."""
    async with services.pool.connection() as conn:
        page = await api_keys.list_keys(conn, creator_id, cursor, limit)
    return {"keys": page.rows, "next_cursor": page.next_cursor}


@router.delete("/keys/{key_id}")
async def revoke_key(key_id: str, services: ServicesDep, caller: AdminDep) -> dict[str, Any]:
    """Revoke a key: its next request is refused."""
    async with services.pool.connection() as conn, conn.transaction():
        row = await api_keys.revoke_key(conn, key_id)
        if row is None:
            raise HTTPException(404, f"key {key_id!r} not found")
        if row.pop("newly_revoked") and row["creator_id"] is not None:
            await audit_trail.audit(
                conn, row["creator_id"], caller.actor, "key_revoked", _about(row)
            )
    return row
