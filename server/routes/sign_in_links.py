from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status

from server import sign_in
from server.auth import AdminDep
from server.deps import ServicesDep
from server.responses.error_body import error_responses
from server.responses.sign_in_out import SignInLink
from server.store import audit_trail, creator_records
from server.store.rows import ALL_CREATORS

router = APIRouter(tags=["inbox"])


@router.post(
    "/creators/{creator_id}/sign-in-link",
    status_code=status.HTTP_201_CREATED,
    response_model=SignInLink,
    responses=error_responses(401, 403, 404, 422),
)
async def create_sign_in_link(
    creator_id: str, request: Request, services: ServicesDep, caller: AdminDep
) -> dict[str, Any]:
    """A one-time link that signs the creator in to their inbox (admin key). It works once,
    within SIGN_IN_LINK_MINUTES; only its hash is stored. Send it to the creator yourself."""
    async with services.pool.connection() as conn, conn.transaction():
        if await creator_records.get_creator(conn, ALL_CREATORS, creator_id) is None:
            raise HTTPException(404, f"creator {creator_id!r} not found")
        url, expires_at = await sign_in.issue_sign_in_link(
            conn, creator_id, services.settings, str(request.base_url)
        )
        await audit_trail.audit(
            conn,
            creator_id,
            caller.actor,
            "sign_in_link_issued",
            {"expires_at": expires_at.isoformat()},
        )
    return {"creator_id": creator_id, "url": url, "expires_at": expires_at}
