"""Postgres implementation of the onboarding graph's store (tools.onboarding_store)."""

from __future__ import annotations

import uuid
from typing import Any

from psycopg_pool import AsyncConnectionPool

from domain.thread_ids import onboarding_thread_id
from server.store import (
    agent_settings,
    approval_queue,
    audit_trail,
    creator_profiles,
    onboarding_runs,
)
from server.store.rows import ALL_CREATORS


class PostgresOnboardingStore:
    def __init__(self, pool: AsyncConnectionPool, agent_defaults: dict[str, Any] | None = None):
        self._pool = pool
        self._agent_defaults = agent_defaults  # the sending rules a new agent starts with

    async def update_run(self, onboarding_id: str, **changes: Any) -> None:
        async with self._pool.connection() as conn:
            await onboarding_runs.update_run(conn, onboarding_id, **changes)

    async def save_review(
        self,
        approval_id: str,
        onboarding_id: str,
        creator_id: str,
        profile: dict[str, Any],
        source: str,
    ) -> int:
        thread_id = onboarding_thread_id(onboarding_id)
        async with self._pool.connection() as conn, conn.transaction():
            existing = await approval_queue.get_approval(conn, ALL_CREATORS, approval_id)
            if existing is not None:
                return existing["profile_version"]
            version = await creator_profiles.add_profile_version(
                conn,
                creator_id,
                profile,
                source,
                status="pending_review",
                onboarding_id=onboarding_id,
            )
            await approval_queue.insert_profile_review(
                conn, approval_id, thread_id, creator_id, profile, version
            )
            await audit_trail.audit(
                conn,
                creator_id,
                "agent",
                "profile_drafted",
                {"version": version, "source": source},
                thread_id=thread_id,
            )
        return version

    async def approve_profile(self, creator_id: str, version: int, profile: dict[str, Any]) -> None:
        async with self._pool.connection() as conn:
            await creator_profiles.approve_profile(conn, creator_id, version, profile)

    async def reject_profile(self, creator_id: str, version: int) -> None:
        async with self._pool.connection() as conn:
            await creator_profiles.reject_profile(conn, creator_id, version)

    async def deploy_agent(self, creator_id: str) -> str:
        async with self._pool.connection() as conn:
            agent = await agent_settings.ensure_agent(
                conn, uuid.uuid4().hex, creator_id, self._agent_defaults
            )
        return agent["id"]
