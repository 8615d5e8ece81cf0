"""A change to a creator's agent settings, the same from the API and from the inbox."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException

from server.auth import Caller
from server.services import Services
from server.store import agent_settings, audit_trail
from server.store.rows import ALL_CREATORS


async def change_agent(
    services: Services, caller: Caller, agent_id: str, **changes: Any
) -> dict[str, Any]:
    """Apply `changes` (validated by the caller) and audit them; 404 for an agent the
    caller cannot see, 403 for one it cannot change."""
    async with services.pool.connection() as conn, conn.transaction():
        agent = await agent_settings.get_agent(conn, ALL_CREATORS, agent_id)
        if agent is None:
            raise HTTPException(404, f"agent {agent_id!r} not found")
        caller.write(agent["creator_id"])
        agent = await agent_settings.update_agent(conn, caller.scope, agent_id, **changes)
        await audit_trail.audit(
            conn,
            agent["creator_id"],
            caller.actor,
            "agent_updated",
            {"agent_id": agent_id, **changes},
        )
    return agent
