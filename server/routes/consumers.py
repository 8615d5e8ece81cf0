"""A creator's leads: created and changed by the marketplace (admin key) or the creator,
listed, exported and erased on request."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Response, status

from server import lead_data
from server.auth import CallerDep
from server.deps import ServicesDep
from server.listing import CursorQuery, LimitQuery
from server.responses.error_body import error_responses
from server.responses.lead_out import Erasure, LeadExport, LeadList, LeadOut
from server.schemas import ConsumerIn, ConsumerPatch
from server.store import consent_ledger, leads

router = APIRouter(tags=["consumers"])


def _lead_not_found(creator_id: str, external_id: str) -> str:
    return f"lead {external_id!r} of creator {creator_id!r} not found"


@router.post(
    "/consumers",
    status_code=status.HTTP_201_CREATED,
    response_model=LeadOut,
    responses={200: {"model": LeadOut, "description": "An existing lead, replaced"}}
    | error_responses(401, 403, 404, 413, 422),
)
async def upsert_consumer(
    body: ConsumerIn, response: Response, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Create a creator's lead (201), or update an existing one (200): only the fields the
    request sends change, and `consent` only the channels it names, so posting a lead again
    never wipes what an earlier post set. Send null to clear whatsapp, email or timezone. A
    creator key implies `creator_id`."""
    creator_id = caller.creator_for(body.creator_id, "a lead")
    fields = body.model_dump(exclude={"creator_id", "external_id"})
    given = body.model_dump(exclude_unset=True, exclude={"creator_id", "external_id"})
    if "consent" in given:
        given["consent"] = body.consent.model_dump(exclude_unset=True)
    async with services.pool.connection() as conn, conn.transaction():
        await lead_data.require_creator(conn, caller, creator_id)
        before = await leads.get_lead(conn, creator_id, body.external_id)
        row = await leads.upsert_lead(conn, creator_id, body.external_id, fields, given)
        await consent_ledger.record_changes(
            conn,
            creator_id,
            body.external_id,
            before["consent"] if before else None,
            row["consent"],
            source="api",
            given_by=caller.actor,
        )
    if not row.pop("created"):
        response.status_code = status.HTTP_200_OK
    return lead_data.lead_view(row)


@router.get("/consumers", response_model=LeadList, responses=error_responses(401, 404, 422))
async def list_consumers(
    services: ServicesDep,
    caller: CallerDep,
    cursor: CursorQuery,
    creator_id: str | None = Query(None, description="Whose leads; a creator key lists its own"),
    limit: LimitQuery = 100,
) -> dict[str, Any]:
    """Leads, newest first."""
    creator = caller.listing(creator_id)
    async with services.pool.connection() as conn:
        page = await leads.list_leads(conn, caller.scope, creator, cursor, limit)
    return {
        "consumers": [lead_data.lead_view(r) for r in page.rows],
        "next_cursor": page.next_cursor,
    }


@router.get(
    "/consumers/{creator_id}/{external_id}",
    response_model=LeadOut,
    responses=error_responses(401, 404, 422),
)
async def get_consumer(
    creator_id: str, external_id: str, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    caller.read(creator_id, _lead_not_found(creator_id, external_id))
    async with services.pool.connection() as conn:
        row = await leads.get_lead(conn, creator_id, external_id)
    if row is None:
        raise HTTPException(404, _lead_not_found(creator_id, external_id))
    return lead_data.lead_view(row)


@router.patch(
    "/consumers/{creator_id}/{external_id}",
    response_model=LeadOut,
    responses=error_responses(401, 403, 404, 413, 422),
)
async def patch_consumer(
    creator_id: str,
    external_id: str,
    body: ConsumerPatch,
    services: ServicesDep,
    caller: CallerDep,
) -> dict[str, Any]:
    """Change only the fields given; `consent` changes only the channels it names. Send
    null to clear whatsapp, email or timezone."""
    caller.write(creator_id)
    changes = body.model_dump(exclude_unset=True)
    if "consent" in changes:
        # A channel sent as null keeps its value: consent is given or withdrawn, never unknown.
        changes["consent"] = body.consent.model_dump(exclude_unset=True, exclude_none=True)  # type: ignore[union-attr]
    if not changes:
        raise HTTPException(422, "nothing to change: send at least one field")
    async with services.pool.connection() as conn, conn.transaction():
        before = await leads.get_lead(conn, creator_id, external_id)
        row = await leads.patch_lead(conn, creator_id, external_id, changes)
        if row is not None and before is not None:
            await consent_ledger.record_changes(
                conn,
                creator_id,
                external_id,
                before["consent"],
                row["consent"],
                source="api",
                given_by=caller.actor,
            )
    if row is None:
        raise HTTPException(404, _lead_not_found(creator_id, external_id))
    return lead_data.lead_view(row)


@router.get(
    "/consumers/{creator_id}/{external_id}/export",
    response_model=LeadExport,
    responses=error_responses(401, 404, 422),
)
async def export_consumer(
    creator_id: str, external_id: str, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Everything stored about the lead: contact details and consent, context, events,
    drafts, messages and audit entries."""
    caller.read(creator_id, _lead_not_found(creator_id, external_id))
    async with services.pool.connection() as conn:
        export = await lead_data.export_lead(conn, creator_id, external_id)
    if export is None:
        raise HTTPException(404, _lead_not_found(creator_id, external_id))
    return export


@router.delete(
    "/consumers/{creator_id}/{external_id}",
    response_model=Erasure,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def erase_consumer(
    creator_id: str, external_id: str, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Erase the lead: pending drafts are withdrawn, then every row about them and their
    conversation's checkpoints are deleted. One audit entry records that an erasure
    happened, without the lead's id. 409 while a job of theirs is running: retry shortly."""
    caller.write(creator_id)
    return await lead_data.erase_lead(services, caller, creator_id, external_id)
