from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from domain.auto_approval import ApprovalMode
from domain.plain_json import PlainJsonModel
from server.agent_changes import change_agent
from server.auth import CallerDep
from server.deps import ServicesDep
from server.listing import CursorQuery, LimitQuery
from server.responses.agent_out import AgentList, AgentOut
from server.responses.error_body import error_responses
from server.schemas import EventType
from server.store import agent_settings

router = APIRouter(tags=["agents"])

ShortText = Annotated[str, Field(max_length=200)]
# A month: a draft older than that is stale for any lead.
MAX_DRAFT_TTL_HOURS = 720
CHANGE_ERRORS = (401, 403, 404, 422)


class Trigger(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_type: EventType
    filter: dict[ShortText, ShortText | int | bool] | None = Field(
        None,
        max_length=10,
        description='Payload values the event must have, e.g. {"service_id": 103}',
    )


class AgentUpdate(PlainJsonModel):
    model_config = ConfigDict(extra="forbid")

    approval_mode: ApprovalMode | None = Field(
        None,
        description="manual: every draft waits for the creator; semi_auto: the agent approves "
        "a model's draft that passed every check with a confidence of at least "
        "approval_threshold (template drafts, drafts with findings, first messages and replies "
        "to a lead's message wait); auto: the agent approves every draft that passed every "
        "check (template drafts and drafts with findings wait). The agent's approvals are sent "
        "after an undo window (AUTO_SEND_DELAY_S) in which the creator can cancel them.",
    )
    approval_threshold: float | None = Field(
        None, ge=0, le=1, description="semi_auto: the least model confidence the agent approves"
    )
    draft_ttl_hours: int | None = Field(
        None, ge=1, le=MAX_DRAFT_TTL_HOURS, description="A draft nobody decides on expires then"
    )
    triggers: list[Trigger] | None = Field(None, max_length=50)


def _not_found(agent_id: str) -> HTTPException:
    return HTTPException(404, f"agent {agent_id!r} not found")


@router.get("/agents", response_model=AgentList, responses=error_responses(401, 404, 422))
async def list_agents(
    services: ServicesDep,
    caller: CallerDep,
    cursor: CursorQuery,
    creator_id: str | None = Query(None, description="Whose agent; a creator key lists its own"),
    limit: LimitQuery = 100,
) -> dict[str, Any]:
    creator = caller.listing(creator_id)
    async with services.pool.connection() as conn:
        page = await agent_settings.list_agents(conn, caller.scope, creator, cursor, limit)
    return {"agents": page.rows, "next_cursor": page.next_cursor}


@router.get("/agents/{agent_id}", response_model=AgentOut, responses=error_responses(401, 404, 422))
async def get_agent(agent_id: str, services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    async with services.pool.connection() as conn:
        agent = await agent_settings.get_agent(conn, caller.scope, agent_id)
    if agent is None:
        raise _not_found(agent_id)
    return agent


@router.post(
    "/agents/{agent_id}/enable", response_model=AgentOut, responses=error_responses(*CHANGE_ERRORS)
)
async def enable(agent_id: str, services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    return await change_agent(services, caller, agent_id, enabled=True)


@router.post(
    "/agents/{agent_id}/disable", response_model=AgentOut, responses=error_responses(*CHANGE_ERRORS)
)
async def disable(agent_id: str, services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """A disabled agent keeps reading events (context stays current) but never drafts."""
    return await change_agent(services, caller, agent_id, enabled=False)


@router.patch(
    "/agents/{agent_id}", response_model=AgentOut, responses=error_responses(*CHANGE_ERRORS, 413)
)
async def update(
    agent_id: str, body: AgentUpdate, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    changes = body.model_dump(exclude_none=True)
    if not changes:
        raise HTTPException(
            422,
            "nothing to change: send approval_mode, approval_threshold, draft_ttl_hours "
            "or triggers",
        )
    return await change_agent(services, caller, agent_id, **changes)
