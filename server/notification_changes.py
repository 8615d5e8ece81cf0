"""Where a creator hears that drafts wait: read and change it, the same from the API and
from the inbox's settings page."""

from __future__ import annotations

import re
from typing import Any

from fastapi import HTTPException

from server.auth import Caller
from server.schemas import E164, EMAIL
from server.services import Services
from server.store import audit_trail, creator_notifications, creator_records, digest_log
from server.store.rows import ALL_CREATORS

RECENT_DIGESTS = 10
ADDRESS_PATTERNS = {"email": re.compile(EMAIL), "whatsapp": re.compile(E164)}
ADDRESS_HINTS = {
    "email": "an email address, e.g. maya@example.com",
    "whatsapp": "a WhatsApp number in E.164 form, e.g. +919876543210",
}


def address_problem(channel: str, address: str) -> str | None:
    """What is wrong with `address` for `channel`, in words a creator can act on."""
    if channel not in ADDRESS_PATTERNS:
        return "channel must be email or whatsapp"
    if len(address) > 254 or not ADDRESS_PATTERNS[channel].match(address):
        return f"to must be {ADDRESS_HINTS[channel]}"
    return None


def _view(creator_id: str, row: dict[str, Any] | None, services: Services) -> dict[str, Any]:
    return {
        "creator_id": creator_id,
        "enabled": bool(row and row["enabled"]),
        "channel": row["channel"] if row else None,
        "to": row["address"] if row else None,
        "every_min": services.settings.notify_every_min,
        "updated_at": row["updated_at"] if row else None,
    }


async def read_notifications(services: Services, caller: Caller, creator_id: str) -> dict[str, Any]:
    """The creator's choice and their latest digests; 404 for a creator the caller cannot see."""
    async with services.pool.connection() as conn:
        if await creator_records.get_creator(conn, caller.scope, creator_id) is None:
            raise HTTPException(404, f"creator {creator_id!r} not found")
        row = await creator_notifications.get_notifications(conn, caller.scope, creator_id)
        digests = await digest_log.recent_digests(conn, caller.scope, creator_id, RECENT_DIGESTS)
    recent = [{**d, "to": d.pop("address")} for d in digests]
    return {**_view(creator_id, row, services), "recent_digests": recent}


async def change_notifications(
    services: Services,
    caller: Caller,
    creator_id: str,
    enabled: bool,
    channel: str | None,
    address: str | None,
) -> dict[str, Any]:
    """Set where digests go; a channel or address left out keeps the current one. 404 for a
    creator the caller cannot see, 403 for one it cannot change, 422 for a bad address."""
    async with services.pool.connection() as conn, conn.transaction():
        if await creator_records.get_creator(conn, ALL_CREATORS, creator_id) is None:
            raise HTTPException(404, f"creator {creator_id!r} not found")
        caller.write(creator_id)
        current = await creator_notifications.get_notifications(conn, ALL_CREATORS, creator_id)
        channel = channel or (current["channel"] if current else None)
        address = address or (current["address"] if current else None)
        if channel is None or address is None:
            if not enabled and current is None:
                return _view(creator_id, None, services)  # off, and never set: nothing to keep
            raise HTTPException(422, "say where digests go: channel (email or whatsapp) and to")
        if problem := address_problem(channel, address):
            raise HTTPException(422, problem)
        row = await creator_notifications.set_notifications(
            conn, creator_id, enabled, channel, address
        )
        await audit_trail.audit(
            conn,
            creator_id,
            caller.actor,
            "notifications_changed",
            {"enabled": enabled, "channel": channel},
        )
    return _view(creator_id, row, services)
