from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from domain.plain_json import PlainJsonModel
from server import repository
from server.deps import ServicesDep
from server.schemas import EventType

router = APIRouter(tags=["agents"])

ShortText = Annotated[str, Field(max_length=200)]


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

    approval_mode: Literal["manual"] | None = Field(
        None, description="Only manual for now: every draft waits for the creator"
    )
    triggers: list[Trigger] | None = Field(None, max_length=50)


async def _get(services, agent_id: str) -> dict[str, Any]:
    async with services.pool.connection() as conn:
        agent = await repository.get_agent(conn, agent_id)
    if agent is None:
        raise HTTPException(404, f"agent {agent_id!r} not found")
    return agent


@router.get("/agents")
async def list_agents(services: ServicesDep, creator_id: str | None = None) -> dict[str, Any]:
    async with services.pool.connection() as conn:
        return {"agents": await repository.list_agents(conn, creator_id)}


@router.get("/agents/{agent_id}")
async def get_agent(agent_id: str, services: ServicesDep) -> dict[str, Any]:
    return await _get(services, agent_id)


async def _update(services, agent_id: str, **changes: Any) -> dict[str, Any]:
    await _get(services, agent_id)
    async with services.pool.connection() as conn:
        agent = await repository.update_agent(conn, agent_id, **changes)
        await repository.audit(
            conn, None, "api", "agent_updated", {"agent_id": agent_id, **changes}
        )
    return agent


@router.post("/agents/{agent_id}/enable")
async def enable(agent_id: str, services: ServicesDep) -> dict[str, Any]:
    return await _update(services, agent_id, enabled=True)


@router.post("/agents/{agent_id}/disable")
async def disable(agent_id: str, services: ServicesDep) -> dict[str, Any]:
    """A disabled agent keeps reading events (context stays current) but never drafts."""
    return await _update(services, agent_id, enabled=False)


@router.patch("/agents/{agent_id}")
async def update(agent_id: str, body: AgentUpdate, services: ServicesDep) -> dict[str, Any]:
    changes = body.model_dump(exclude_none=True)
    if not changes:
        raise HTTPException(422, "nothing to change: send approval_mode or triggers")
    return await _update(services, agent_id, **changes)
