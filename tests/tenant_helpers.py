"""Helpers for tests that act as several callers of one running service: a client holding
another key, a creator key issued through the API, events and reviews run to their end, and
waiting for the worker to go idle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from tests.conftest import wait_for, wait_for_event

# Credentials for the Twilio stand-in (tests.standins.twilio_server).
TWILIO = {
    "twilio_account_sid": "AC" + "0" * 32,
    "twilio_auth_token": "token",
    "twilio_whatsapp_from": "whatsapp:+14155238886",
}


@asynccontextmanager
async def caller(client: httpx.AsyncClient, key: str | None) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the same app holding `key` (or no key at all)."""
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=client.app),  # type: ignore[attr-defined]
        base_url="http://service",
        headers=headers,
    ) as other:
        yield other


async def issue(client: httpx.AsyncClient, creator_id: str, name: str = "inbox") -> dict[str, Any]:
    """A creator key issued with the admin client: its row, and the key itself."""
    answer = await client.post("/keys", json={"creator_id": creator_id, "name": name})
    assert answer.status_code == 201, answer.text
    return answer.json()


async def wait_for_idle(client: httpx.AsyncClient) -> None:
    """Until no job is queued or running: whatever the worker would change has changed."""
    services = client.app.state.services  # type: ignore[attr-defined]

    async def idle():
        async with services.pool.connection() as conn:
            cur = await conn.execute(
                # Timers due later (a follow-up in 72 h) do not count: nothing runs them now.
                "SELECT count(*) AS n FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
                " AND (scheduled_at IS NULL OR scheduled_at <= now())"
            )
            return (await cur.fetchone())["n"] == 0

    await wait_for(idle)


async def page_view(
    client: httpx.AsyncClient, creator_id: str, lead_id: str, at: str
) -> dict[str, Any]:
    """A page view of the creator's lead, posted with the admin client: the processed event."""
    posted = await client.post(
        "/events",
        json={
            "creator_id": creator_id,
            "consumer_id": lead_id,
            "type": "page_view",
            "occurred_at": at,
            "payload": {},
        },
    )
    assert posted.status_code == 202, posted.text
    return await wait_for_event(client, posted.json()["event_id"])


async def wait_for_review(client: httpx.AsyncClient, onboarding_id: str) -> dict[str, Any]:
    """The onboarding run once its profile waits for review (never a failed one)."""

    async def awaiting():
        run = (await client.get(f"/onboarding/{onboarding_id}")).json()
        assert run["status"] != "failed", run
        return run if run["status"] == "awaiting_review" else None

    return await wait_for(awaiting)
