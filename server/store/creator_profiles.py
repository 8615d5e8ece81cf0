"""The creator_profiles table: versions of a creator's sales profile, reviewed or not."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from server.store.rows import Row, one

# The number and approval time of a creator's latest approved profile (the profile itself is
# cached by them: server.profile_cache), for a LATERAL join on `creator_id = {creator}`.
LATEST_APPROVED_VERSION = """
    SELECT version, approved_at FROM creator_profiles
     WHERE creator_id = {creator} AND status = 'approved' ORDER BY version DESC LIMIT 1"""


async def add_profile_version(
    conn: AsyncConnection,
    creator_id: str,
    profile: dict[str, Any],
    source: str,
    status: str = "approved",
    onboarding_id: str | None = None,
) -> int:
    """Store a new profile version; returns its number."""
    row = await one(
        conn,
        """
        INSERT INTO creator_profiles (creator_id, version, profile, source, status, onboarding_id,
                                      approved_at)
        SELECT %s, COALESCE(MAX(version), 0) + 1, %s, %s, %s, %s,
               CASE WHEN %s = 'approved' THEN now() END
          FROM creator_profiles WHERE creator_id = %s
        RETURNING version""",
        (creator_id, Jsonb(profile), source, status, onboarding_id, status, creator_id),
    )
    return row["version"]


async def add_approved_profile(
    conn: AsyncConnection, creator_id: str, profile: dict[str, Any], source: str
) -> int:
    """Store an approved version unless it equals the latest approved one."""
    latest = await latest_profile(conn, creator_id)
    if latest is not None and latest["profile"] == profile:
        return latest["version"]
    return await add_profile_version(conn, creator_id, profile, source)


async def pending_profile(conn: AsyncConnection, creator_id: str) -> Row | None:
    return await one(
        conn,
        """
        SELECT version, profile, source, onboarding_id, created_at FROM creator_profiles
         WHERE creator_id = %s AND status = 'pending_review' ORDER BY version DESC LIMIT 1""",
        (creator_id,),
    )


async def latest_profile(conn: AsyncConnection, creator_id: str) -> Row | None:
    return await one(
        conn,
        """
        SELECT version, profile, source, approved_at FROM creator_profiles
         WHERE creator_id = %s AND status = 'approved' ORDER BY version DESC LIMIT 1""",
        (creator_id,),
    )


async def approve_profile(
    conn: AsyncConnection, creator_id: str, version: int, profile: dict[str, Any]
) -> None:
    await conn.execute(
        """UPDATE creator_profiles SET status = 'approved', profile = %s, approved_at = now()
            WHERE creator_id = %s AND version = %s""",
        (Jsonb(profile), creator_id, version),
    )


async def reject_profile(conn: AsyncConnection, creator_id: str, version: int) -> None:
    await conn.execute(
        """UPDATE creator_profiles SET status = 'rejected'
            WHERE creator_id = %s AND version = %s AND status = 'pending_review'""",
        (creator_id, version),
    )


async def profile_version(conn: AsyncConnection, creator_id: str, version: int) -> Row | None:
    return await one(
        conn,
        "SELECT version, profile, approved_at FROM creator_profiles "
        "WHERE creator_id = %s AND version = %s",
        (creator_id, version),
    )
