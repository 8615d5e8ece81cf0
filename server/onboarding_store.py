"""Postgres implementation of the onboarding graph's store (tools.onboarding_store)."""

from __future__ import annotations

import uuid
from typing import Any

from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from domain.threads import onboarding_thread_id
from server import repository

_JSON_COLUMNS = {"raw_data", "model_answer"}
_COLUMNS = {"status", "error", "profile_version", *_JSON_COLUMNS}


class PostgresOnboardingStore:
    def __init__(self, pool: AsyncConnectionPool):
        self._pool = pool

    async def update_run(self, onboarding_id: str, **changes: Any) -> None:
        sets, params = ["updated_at = now()"], []
        if timing := changes.pop("timing", None):
            sets.append("timings = timings || %s")
            params.append(Jsonb({timing[0]: timing[1]}))
        if problems := changes.pop("problems", None):
            sets.append("problems = problems || %s")
            params.append(Jsonb(problems))
        for column, value in changes.items():
            if column not in _COLUMNS:
                raise ValueError(f"unknown onboarding column {column}")
            sets.append(f"{column} = %s")
            params.append(Jsonb(value) if column in _JSON_COLUMNS and value is not None else value)
        async with self._pool.connection() as conn:
            await conn.execute(
                f"UPDATE onboardings SET {', '.join(sets)} WHERE id = %s",
                (*params, onboarding_id),
            )

    async def save_review(
        self,
        approval_id: str,
        onboarding_id: str,
        creator_id: str,
        profile: dict[str, Any],
        source: str,
    ) -> int:
        async with self._pool.connection() as conn, conn.transaction():
            existing = await repository.get_approval(conn, approval_id)
            if existing is not None:
                return existing["profile_version"]
            version = await repository.add_profile_version(
                conn,
                creator_id,
                profile,
                source,
                status="pending_review",
                onboarding_id=onboarding_id,
            )
            await conn.execute(
                """INSERT INTO approvals (id, kind, thread_id, creator_id, draft, profile_version)
                   VALUES (%s, 'profile', %s, %s, %s, %s)""",
                (
                    approval_id,
                    onboarding_thread_id(onboarding_id),
                    creator_id,
                    Jsonb(profile),
                    version,
                ),
            )
            await repository.audit(
                conn,
                onboarding_thread_id(onboarding_id),
                "agent",
                "profile_drafted",
                {"version": version, "source": source},
            )
        return version

    async def approve_profile(self, creator_id: str, version: int, profile: dict[str, Any]) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                """UPDATE creator_profiles SET status = 'approved', profile = %s,
                          approved_at = now()
                   WHERE creator_id = %s AND version = %s""",
                (Jsonb(profile), creator_id, version),
            )

    async def reject_profile(self, creator_id: str, version: int) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                """UPDATE creator_profiles SET status = 'rejected'
                   WHERE creator_id = %s AND version = %s AND status = 'pending_review'""",
                (creator_id, version),
            )

    async def deploy_agent(self, creator_id: str) -> str:
        async with self._pool.connection() as conn:
            agent = await repository.ensure_agent(conn, uuid.uuid4().hex, creator_id)
        return agent["id"]
