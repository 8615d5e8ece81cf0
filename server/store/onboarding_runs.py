"""The onboardings table: one row per onboarding run, with its status, timings and findings."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from server.store.rows import IN_SCOPE, Row, Scope, one

_JSON_COLUMNS = {"raw_data", "model_answer"}
_COLUMNS = {"status", "error", "profile_version", *_JSON_COLUMNS}


async def create_onboarding(
    conn: AsyncConnection,
    onboarding_id: str,
    creator_id: str,
    data_source: str,
    raw_data: dict[str, Any] | None,
    timings: dict[str, int],
    problems: list[Any] | None = None,
) -> Row:
    """A queued run; `problems` are findings known at intake (domain.intake)."""
    return await one(
        conn,
        """
        INSERT INTO onboardings (id, creator_id, data_source, raw_data, timings, problems)
        VALUES (%s, %s, %s, %s, %s, %s) RETURNING *""",
        (
            onboarding_id,
            creator_id,
            data_source,
            Jsonb(raw_data) if raw_data is not None else None,
            Jsonb(timings),
            Jsonb(problems or []),
        ),
    )


async def get_onboarding(conn: AsyncConnection, scope: Scope, onboarding_id: str) -> Row | None:
    return await one(
        conn,
        f"SELECT * FROM onboardings WHERE id = %s AND {IN_SCOPE}",
        (onboarding_id, scope, scope),
    )


async def update_run(conn: AsyncConnection, onboarding_id: str, **changes: Any) -> None:
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
    await conn.execute(
        f"UPDATE onboardings SET {', '.join(sets)} WHERE id = %s", (*params, onboarding_id)
    )


async def creator_of_run(conn: AsyncConnection, onboarding_id: str) -> str | None:
    row = await one(conn, "SELECT creator_id FROM onboardings WHERE id = %s", (onboarding_id,))
    return row["creator_id"] if row else None
