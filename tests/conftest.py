"""Shared test fixtures: a real Postgres (embedded, or TEST_DATABASE_URL), a fresh database
per test, the service running in-process with its worker, and the copied data fixtures."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("LANGGRAPH_STRICT_MSGPACK", "true")

import httpx  # noqa: E402
import psycopg  # noqa: E402
import pytest  # noqa: E402
from psycopg.conninfo import make_conninfo  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
# A WhatsApp-only lead of ajay_shenoy's, used across tests.
NEHA = {
    "external_id": "c-1001",
    "name": "Neha Kulkarni",
    "whatsapp": "+919876543210",
    "timezone": "Asia/Kolkata",
    "consent": {"whatsapp": True},
}
# The admin key every in-process service is started with (ADMIN_API_KEY).
ADMIN_KEY = "test-admin-key-0123456789abcdef"
ADMIN_HEADERS = {"Authorization": f"Bearer {ADMIN_KEY}"}
NO_CREDENTIALS: dict[str, Any] = {
    "openai_api_key": None,
    "twilio_account_sid": None,
    "twilio_auth_token": None,
    "twilio_whatsapp_from": None,
    "ses_from_email": None,
}


def load_creator(username: str) -> dict[str, Any]:
    return json.loads((FIXTURES / "creators" / f"{username}.json").read_text())


def load_scenarios() -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted((FIXTURES / "scenarios").glob("*.json"))]


@pytest.fixture(scope="session")
def pg_server_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if url := os.environ.get("TEST_DATABASE_URL"):
        return url
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("pgdata"), cleanup_mode="stop")
    return server.get_uri()


@pytest.fixture
async def database_url(pg_server_url: str) -> AsyncIterator[str]:
    """A brand-new, empty database for this test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    async with await psycopg.AsyncConnection.connect(pg_server_url, autocommit=True) as conn:
        await conn.execute(f'CREATE DATABASE "{name}"')
    yield make_conninfo(pg_server_url, dbname=name)
    async with await psycopg.AsyncConnection.connect(pg_server_url, autocommit=True) as conn:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_settings(database_url: str, **overrides: Any):
    from server.settings import Settings

    values = {
        **NO_CREDENTIALS,
        "database_url": database_url,
        "worker_concurrency": 4,
        "admin_api_key": ADMIN_KEY,
        # Tests about something else send at any hour, uncapped (test_compliance sets them).
        "default_quiet_hours": "off",
        "default_max_per_lead_per_day": 1000,
        "default_max_per_lead_per_week": 1000,
        "default_max_per_creator_per_day": 1000,
        **overrides,
    }
    return Settings(_env_file=None, **values)


@asynccontextmanager
async def running_service(database_url: str, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan (pool, migrations, worker), driven over HTTP in-process by
    a client holding the admin key."""
    from server.app import create_app

    app = create_app(make_settings(database_url, **overrides))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://service", headers=ADMIN_HEADERS
        ) as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


@asynccontextmanager
async def service_on_port(database_url: str, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app served by uvicorn on a free local port (for callers outside the test, such as
    the Twilio stand-in's callbacks), PUBLIC_BASE_URL set to it; a client holding the admin
    key. `client.base_url` is the service's address."""
    import socket

    import uvicorn

    from server.app import create_app

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    app = create_app(make_settings(database_url, public_base_url=base_url, **overrides))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[listener]))

    async def started() -> bool:
        if serving.done():
            serving.result()  # raises what stopped it
            raise AssertionError("the service stopped while starting")
        return server.started

    try:
        await wait_for(started, within=60)
        async with httpx.AsyncClient(
            base_url=base_url, headers=ADMIN_HEADERS, timeout=30
        ) as client:
            client.app = app  # type: ignore[attr-defined]
            yield client
    finally:
        server.should_exit = True
        await serving
        listener.close()


async def create_creator(client: httpx.AsyncClient, username: str) -> dict[str, Any]:
    response = await client.post(
        "/creators", json={"username": username, "marketplace_data": load_creator(username)}
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


async def create_consumer(
    client: httpx.AsyncClient, consumer: dict[str, Any], creator_id: str = "ajay_shenoy"
) -> None:
    """A lead of `creator_id` (ajay_shenoy's unless the body names its creator)."""
    response = await client.post("/consumers", json={"creator_id": creator_id, **consumer})
    assert response.status_code in (200, 201), response.text


async def post_page_view(
    client: httpx.AsyncClient, consumer_id: str, occurred_at: str = "2026-11-02T05:30:00Z"
) -> str:
    """A lead of ajay_shenoy's views the creator's page: the queued event's id."""
    answer = await client.post(
        "/events",
        json={
            "creator_id": "ajay_shenoy",
            "consumer_id": consumer_id,
            "type": "page_view",
            "occurred_at": occurred_at,
            "payload": {},
        },
    )
    assert answer.status_code == 202, answer.text
    return answer.json()["event_id"]


async def wait_for(check, within: float = 30.0, interval: float = 0.05):
    """Poll `check()` (async) until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {check.__name__}")
        await asyncio.sleep(interval)


async def wait_for_event(client: httpx.AsyncClient, event_id: str) -> dict[str, Any]:
    async def processed():
        body = (await client.get(f"/events/{event_id}")).json()
        return body if body["status"] != "queued" else None

    return await wait_for(processed)


async def wait_for_message(client: httpx.AsyncClient, approval_id: str) -> dict[str, Any]:
    async def sent():
        messages = (await client.get("/messages")).json()["messages"]
        return next(
            (
                m
                for m in messages
                if m["approval_id"] == approval_id
                and m["status"] not in ("claimed", "sending", "retry")
            ),
            None,
        )

    return await wait_for(sent)
