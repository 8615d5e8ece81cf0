from __future__ import annotations

import asyncio
import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, status

from domain.findings import Finding
from domain.intake import intake_findings
from domain.marketplace import MarketplaceCreator
from domain.profile_writing import build_profile
from server.auth import AdminDep, CallerDep
from server.deps import ServicesDep
from server.listing import CursorQuery, LimitQuery
from server.responses.creator_out import CreatorDetail, CreatorList, CreatorSaved
from server.responses.error_body import error_responses
from server.schemas import CreatorIn
from server.store import agent_settings, audit_trail, creator_profiles, creator_records

router = APIRouter(tags=["creators"])


def _profile_and_findings(data: MarketplaceCreator) -> tuple[dict[str, Any], list[Finding]]:
    return build_profile(data), intake_findings(data)


@router.post(
    "/creators",
    status_code=status.HTTP_201_CREATED,
    response_model=CreatorSaved,
    responses=error_responses(401, 403, 413, 422),
)
async def create_creator(
    body: CreatorIn, services: ServicesDep, caller: AdminDep
) -> dict[str, Any]:
    """Create (or refresh) a creator from marketplace data, build its sales profile and
    deploy its sales agent with default settings. `findings` lists names and titles that
    carry an offer, a price, a link or contact details, for the creator to fix."""
    data = body.marketplace_data
    # Up to MAX_SERVICES services to check: CPU work, kept off the event loop.
    profile, findings = await asyncio.to_thread(_profile_and_findings, data)
    async with services.pool.connection() as conn, conn.transaction():
        creator = await creator_records.upsert_creator(
            conn, body.username, data.user.display_name, data.model_dump(mode="json")
        )
        version = await creator_profiles.add_approved_profile(
            conn, body.username, profile, profile["source"]
        )
        agent = await agent_settings.ensure_agent(
            conn, uuid.uuid4().hex, body.username, services.settings.agent_defaults
        )
        await audit_trail.audit(
            conn, body.username, caller.actor, "creator_saved", {"profile_version": version}
        )
    return {
        "creator_id": body.username,
        "created": creator["created"],
        "profile_version": version,
        "agent": agent,
        "profile": profile,
        "findings": findings,
    }


@router.get("/creators", response_model=CreatorList, responses=error_responses(401, 403, 422))
async def list_creators(
    services: ServicesDep, caller: AdminDep, cursor: CursorQuery, limit: LimitQuery = 100
) -> dict[str, Any]:
    """Every creator, newest first (admin key)."""
    async with services.pool.connection() as conn:
        page = await creator_records.list_creators(conn, caller.scope, cursor, limit)
    creators = [{"creator_id": r.pop("id"), **r} for r in page.rows]
    return {"creators": creators, "next_cursor": page.next_cursor}


@router.get(
    "/creators/{creator_id}", response_model=CreatorDetail, responses=error_responses(401, 404, 422)
)
async def get_creator(creator_id: str, services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    async with services.pool.connection() as conn:
        creator = await creator_records.get_creator(conn, caller.scope, creator_id)
        if creator is None:
            raise HTTPException(404, f"creator {creator_id!r} not found")
        profile = await creator_profiles.latest_profile(conn, creator_id)
        agent = await agent_settings.agent_of_creator(conn, creator_id)
    return {
        "creator_id": creator_id,
        "display_name": creator["display_name"],
        "profile_version": profile["version"] if profile else None,
        "profile": profile["profile"] if profile else None,
        "agent": agent,
    }
