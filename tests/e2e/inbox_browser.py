"""The service as a user starts it (`python -m server` on a real port and real Postgres),
Debian's chromium driven by Playwright, and the API calls that set the scene."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from tests.conftest import ADMIN_HEADERS, ADMIN_KEY, load_creator
from tests.e2e.processes import free_port, service_env, stop, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BROWSERS = ("chromium", "chromium-browser")


def chromium_path() -> str:
    """Debian's chromium (no browser is ever downloaded). Missing, the tests fail: `make
    test` installs it (apt-get install -y chromium), CHROMIUM_PATH points at another."""
    configured = os.environ.get("CHROMIUM_PATH")
    found = configured or next((p for p in map(shutil.which, BROWSERS) if p), None)
    if not found or not Path(found).exists():
        pytest.fail(
            "the inbox's browser tests need Debian's chromium: run `make test` (it installs "
            "it as root) or `apt-get install -y chromium`, or set CHROMIUM_PATH",
            pytrace=False,
        )
    return found


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database. Synchronous: Playwright's sync API keeps an event loop running
    in the test's thread, where the async `database_url` fixture cannot start another."""
    name = f"inbox_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_conninfo(server_url, dbname=name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Service:
    base: str
    api: httpx.Client  # holds the admin key

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


@contextmanager
def running_service(database_url: str, **env: str) -> Iterator[Service]:
    """`python -m server` (API and worker) on a free port; stopped at the end."""
    port = free_port()
    full_env = service_env(
        DATABASE_URL=database_url,
        ADMIN_API_KEY=ADMIN_KEY,
        PORT=str(port),
        LOG_LEVEL="warning",
        DRAFT_JUDGE="off",
        **env,
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "server"], cwd=ROOT, env=full_env, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(proc, f"{base}/health/ready")
        with httpx.Client(base_url=base, headers=ADMIN_HEADERS, timeout=30) as api:
            yield Service(base, api)
    finally:
        stop(proc)


def wait_until(check, within: float = 30.0, interval: float = 0.2):
    deadline = time.monotonic() + within
    while not (result := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {check.__name__}"
        time.sleep(interval)
    return result


def ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, f"{response.request.url}: {response.text}"
    return response.json()


def add_creator(service: Service, username: str) -> str:
    """A creator with an approved profile and an agent; returns their creator key."""
    ok(
        service.api.post(
            "/creators", json={"username": username, "marketplace_data": load_creator(username)}
        )
    )
    return creator_key(service, username)


def creator_key(service: Service, username: str) -> str:
    return ok(service.api.post("/keys", json={"creator_id": username}))["key"]


def lead(external_id: str, name: str, phone: str) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "name": name,
        "whatsapp": phone,
        "timezone": "Asia/Kolkata",
        "consent": {"whatsapp": True},
    }


def draft_for(
    service: Service, creator: str, consumer: dict[str, Any], event: dict[str, Any]
) -> str:
    """Post the lead and the event; wait for the agent's draft and return its approval id."""
    ok(service.api.post("/consumers", json={"creator_id": creator, **consumer}))
    event_id = ok(
        service.api.post(
            "/events",
            json={"creator_id": creator, "consumer_id": consumer["external_id"], **event},
        )
    )["event_id"]

    def processed():
        body = ok(service.api.get(f"/events/{event_id}"))
        return body if body["status"] != "queued" else None

    decision = wait_until(processed)["decision"]
    assert decision["act"] and decision["approval_id"], decision
    return decision["approval_id"]


def message_of(service: Service, approval_id: str) -> dict[str, Any]:
    """The message sent for a draft, once the worker has sent (or recorded) it."""

    def sent():
        messages = ok(service.api.get("/messages"))["messages"]
        done = [m for m in messages if m["approval_id"] == approval_id]
        return done if done and done[0]["status"] not in ("claimed", "sending") else None

    [message] = wait_until(sent)
    return message


def sign_in_with_key(page, service: Service, key: str) -> None:
    page.goto(service.url("/inbox"))
    # Signed out, the inbox sends the browser to its sign-in form.
    assert page.url.endswith("/inbox/sign-in")
    page.get_by_label("Creator key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(service.url("/inbox"))


def screenshot_dir(basetemp: Path) -> Path:
    """Where the tests leave their screenshots: INBOX_SCREENSHOTS_DIR, else the pytest
    basetemp's inbox-screenshots folder."""
    configured = os.environ.get("INBOX_SCREENSHOTS_DIR")
    folder = Path(configured) if configured else basetemp / "inbox-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshots(page, folder: Path, name: str) -> list[Path]:
    """The page at desktop and phone widths, full length; the viewport is restored."""
    saved = []
    original = page.viewport_size
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        path = folder / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        saved.append(path)
    page.set_viewport_size(original)
    return saved
