from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, status
from pydantic import ConfigDict, Field

from domain.intake import intake_findings
from domain.marketplace import MarketplaceCreator
from domain.plain_json import PlainJsonModel
from domain.thread_ids import onboarding_thread_id
from server.auth import AdminDep, CallerDep
from server.deps import ServicesDep
from server.errors import ApiError
from server.responses.agent_out import AgentOut, CreatorAgents
from server.responses.error_body import error_responses
from server.responses.onboarding_out import OnboardingRun, OnboardingStarted, ProfileStatus
from server.schemas import ID_PATTERN
from server.services import Services
from server.store import (
    agent_settings,
    approval_queue,
    creator_profiles,
    creator_records,
    onboarding_runs,
)
from server.store.rows import ALL_CREATORS
from tools.creator_source import (
    CreatorDataInvalid,
    CreatorNotFound,
    CreatorSourceUnavailable,
    parse_creator,
)

router = APIRouter(tags=["onboarding"])


class OnboardingIn(PlainJsonModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=ID_PATTERN, description="The creator's marketplace username")
    marketplace_data: dict[str, Any] | None = Field(
        None, description="The creator's data inline, instead of fetching it from the marketplace"
    )


class SyncIn(PlainJsonModel):
    model_config = ConfigDict(extra="forbid")

    creator_id: str = Field(pattern=ID_PATTERN)
    marketplace_data: dict[str, Any] | None = None


async def _creator_data(
    services: Services, username: str, inline: dict[str, Any] | None
) -> tuple[MarketplaceCreator, str, dict[str, int]]:
    """The creator's data (inline or from the marketplace) and the fetch's timing, or the
    4xx/5xx that says why not."""
    timings: dict[str, int] = {}
    try:
        if inline is not None:
            creator, data_source = parse_creator(inline), "inline"
        elif services.creator_source is None:
            raise HTTPException(
                422,
                "no marketplace API is configured (CREATOR_API_BASE_URL); "
                "pass the creator's data as marketplace_data",
            )
        else:
            started = time.perf_counter()
            creator = await services.creator_source.fetch(username)
            data_source = "marketplace"
            timings["fetch_ms"] = round((time.perf_counter() - started) * 1000)
    except CreatorNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except CreatorDataInvalid as exc:
        # Inline data is the client's to fix; the marketplace's is not.
        place = ["body", "marketplace_data"] if inline is not None else ["marketplace"]
        raise ApiError(
            422,
            f"the creator data is missing or has wrong fields: {'; '.join(exc.problems[:3])}",
            [{"loc": place, "msg": problem} for problem in exc.problems],
        ) from None
    except CreatorSourceUnavailable as exc:
        raise HTTPException(502, f"{exc}; try again later") from None
    if creator.user.username != username:
        raise HTTPException(
            422, f"marketplace_data.user.username is {creator.user.username!r}, not {username!r}"
        )
    return creator, data_source, timings


async def _start(services: Services, username: str, inline: dict[str, Any] | None):
    creator, data_source, timings = await _creator_data(services, username, inline)
    onboarding_id = uuid.uuid4().hex
    raw = creator.model_dump(mode="json")
    # Names and titles that carry an offer, price, link or contact: the run's first findings.
    findings = await asyncio.to_thread(intake_findings, creator)
    async with services.pool.connection() as conn, conn.transaction():
        await creator_records.ensure_creator(conn, username, creator.user.display_name, raw)
        await onboarding_runs.create_onboarding(
            conn, onboarding_id, username, data_source, raw, timings, findings
        )
        await services.jobs.enqueue_onboarding(conn, onboarding_id)
    return {
        "onboarding_id": onboarding_id,
        "creator_id": username,
        "status": "queued",
        "data_source": data_source,
        "findings": findings,
    }


START_ERRORS = error_responses(401, 403, 404, 413, 422, 502)


@router.post(
    "/onboarding/",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=OnboardingStarted,
    responses=START_ERRORS,
)
@router.post(
    "/onboarding",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=OnboardingStarted,
    include_in_schema=False,
)
async def start_onboarding(
    body: OnboardingIn, services: ServicesDep, caller: AdminDep
) -> dict[str, Any]:
    """Onboard a creator: their data becomes a model-written sales profile for them to
    review (through the approvals endpoints), then their sales agent. Runs in the
    background; follow it with GET /onboarding/{onboarding_id}."""
    return await _start(services, body.username, body.marketplace_data)


@router.post(
    "/onboarding/sync",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=OnboardingStarted,
    responses=START_ERRORS,
)
async def sync_onboarding(body: SyncIn, services: ServicesDep, caller: AdminDep) -> dict[str, Any]:
    """Fetch the creator's data again and start a new review; the agent keeps the
    approved profile until the new one is approved."""
    async with services.pool.connection() as conn:
        if await creator_records.get_creator(conn, ALL_CREATORS, body.creator_id) is None:
            raise HTTPException(
                404, f"creator {body.creator_id!r} not found; onboard them with POST /onboarding/"
            )
    return await _start(services, body.creator_id, body.marketplace_data)


@router.get(
    "/onboarding/profile/{creator_id}",
    response_model=ProfileStatus,
    responses=error_responses(401, 404, 422),
)
async def get_profile(creator_id: str, services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """The approved profile the agent uses, and the version waiting for review, if any."""
    async with services.pool.connection() as conn:
        if await creator_records.get_creator(conn, caller.scope, creator_id) is None:
            raise HTTPException(404, f"creator {creator_id!r} not found")
        approved = await creator_profiles.latest_profile(conn, creator_id)
        pending = await creator_profiles.pending_profile(conn, creator_id)
    return {"creator_id": creator_id, "approved": approved, "pending_review": pending}


@router.post(
    "/onboarding/deploy-agent/{creator_id}",
    response_model=AgentOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def deploy_agent(creator_id: str, services: ServicesDep, caller: AdminDep) -> dict[str, Any]:
    """Deploy the creator's sales agent; deploying again returns the same agent."""
    async with services.pool.connection() as conn, conn.transaction():
        if await creator_records.get_creator(conn, ALL_CREATORS, creator_id) is None:
            raise HTTPException(404, f"creator {creator_id!r} not found")
        if await creator_profiles.latest_profile(conn, creator_id) is None:
            raise HTTPException(
                409, "the creator has no approved profile yet; approve the onboarding review first"
            )
        agent = await agent_settings.ensure_agent(
            conn, uuid.uuid4().hex, creator_id, services.settings.agent_defaults
        )
    return agent


@router.get(
    "/onboarding/agents/{creator_id}",
    response_model=CreatorAgents,
    responses=error_responses(401, 404, 422),
)
async def creator_agents(
    creator_id: str, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    caller.read(creator_id, f"creator {creator_id!r} not found")
    async with services.pool.connection() as conn:
        page = await agent_settings.list_agents(conn, caller.scope, creator_id)
    return {"agents": page.rows}


@router.get(
    "/onboarding/{onboarding_id}",
    response_model=OnboardingRun,
    responses=error_responses(401, 404, 422),
)
async def get_onboarding(
    onboarding_id: str, services: ServicesDep, caller: CallerDep, include_log: bool = False
) -> dict[str, Any]:
    """Status (queued, fetching, drafting, awaiting_review, approved, rejected, failed),
    timings, errors and the review's approval id; `include_log=true` adds the raw data and
    the model's answer."""
    async with services.pool.connection() as conn:
        run = await onboarding_runs.get_onboarding(conn, caller.scope, onboarding_id)
        if run is None:
            raise HTTPException(404, f"onboarding {onboarding_id!r} not found")
        reviews = await approval_queue.thread_approvals(
            conn, onboarding_thread_id(onboarding_id), 10
        )
    if not include_log:
        run.pop("raw_data")
        run.pop("model_answer")
    pending = [r["id"] for r in reviews if r["status"] == "pending"]
    return {
        **run,
        "approval_id": pending[0] if pending else None,
        "reviews": [
            {"approval_id": r["id"], "status": r["status"], "profile_version": r["profile_version"]}
            for r in reviews
        ],
    }
