"""Approved sales profiles, kept in memory by version.

An approved version does not change (a re-sync or an edit makes a new one), so a profile
cached under (creator, version, approved_at) is never stale: a run that finds a newer
version in the database reads that one. Bounded, least recently used out first.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection

from server.store import creator_profiles

MAX_PROFILES = 2_000

ProfileKey = tuple[str, int, datetime | None]


class ProfileCache:
    def __init__(self, max_profiles: int = MAX_PROFILES):
        self._profiles: OrderedDict[ProfileKey, dict[str, Any]] = OrderedDict()
        self._max = max_profiles

    async def get(
        self,
        conn: AsyncConnection,
        creator_id: str,
        version: int,
        approved_at: datetime | None,
    ) -> dict[str, Any]:
        """The approved profile of this version; none (version 0) before one is approved."""
        if not version:
            return {}
        key = (creator_id, version, approved_at)
        if key in self._profiles:
            self._profiles.move_to_end(key)
            return self._profiles[key]
        row = await creator_profiles.profile_version(conn, creator_id, version)
        profile = row["profile"] if row else {}
        self._profiles[key] = profile
        if len(self._profiles) > self._max:
            self._profiles.popitem(last=False)
        return profile
