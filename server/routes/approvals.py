from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query

from domain.approval_states import ApprovalStatus
from domain.review import ReviewResponse
from server import decisions
from server.auth import CallerDep
from server.deps import ServicesDep
from server.listing import CursorQuery, LimitQuery
from server.responses.approval_out import ApprovalList, ApprovalOut, Cancelled, DecisionTaken
from server.responses.error_body import error_responses
from server.schemas import ApprovalKind
from server.store import approval_queue

router = APIRouter(tags=["approvals"])


@router.get("/approvals", response_model=ApprovalList, responses=error_responses(401, 404, 422))
async def list_approvals(
    services: ServicesDep,
    caller: CallerDep,
    cursor: CursorQuery,
    creator_id: str | None = Query(None, description="Whose drafts; a creator key lists its own"),
    status: ApprovalStatus | None = "pending",
    kind: ApprovalKind | None = None,
    limit: LimitQuery = 100,
) -> dict[str, Any]:
    """Drafts waiting for the creator (by default) oldest first, decided ones newest first,
    with the lead's context and, once sent, the message and its delivery status.

    `kind` is `message` for a sales draft and `profile` for a sales profile to review."""
    creator = caller.listing(creator_id)
    async with services.pool.connection() as conn:
        page = await approval_queue.list_approvals(
            conn, caller.scope, creator, status, kind, cursor, limit
        )
    return {"approvals": page.rows, "next_cursor": page.next_cursor}


@router.get(
    "/approvals/{approval_id}", response_model=ApprovalOut, responses=error_responses(401, 404, 422)
)
async def get_approval(
    approval_id: str, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    async with services.pool.connection() as conn:
        row = await approval_queue.get_approval(conn, caller.scope, approval_id)
    if row is None:
        raise HTTPException(404, f"approval {approval_id!r} not found")
    return row


@router.post(
    "/approvals/{approval_id}/decision",
    response_model=DecisionTaken,
    responses=error_responses(401, 403, 404, 409, 413, 422),
)
async def decide(
    approval_id: str, body: ReviewResponse, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Approve, edit or reject a draft (`{"decisions": [{"type": "approve"}]}`).

    An edited message is checked as sent (domain.human_check): with findings it gets 409
    listing them, unless the edit carries `"confirm": true`. Only the first decision
    counts: a second one gets 409 and sends nothing. A draft older than the agent's
    draft_ttl_hours has expired: 409 too.
    """
    decision = body.decisions[0].model_dump(exclude_none=True)
    return await decisions.decide(services, caller, approval_id, decision)


@router.post(
    "/approvals/{approval_id}/cancel",
    response_model=Cancelled,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def cancel(approval_id: str, services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Cancel a message the agent approved (approval modes semi_auto and auto) while it waits
    out its undo window (`send_after`): nothing is sent. Once sent, 409."""
    return await decisions.cancel(services, caller, approval_id)
