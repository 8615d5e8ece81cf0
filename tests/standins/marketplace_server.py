"""A local server playing the marketplace API (fetchByUsernameAdditionalDetails)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.standins.http import QuietHandler, StandIn


class MarketplaceStandIn(StandIn):
    """`creators` maps a username to a list of scripted answers, taken in turn (the last
    repeats): a dict is served as JSON, {"status": n} fails, {"sleep": s, ...} waits first."""

    def __init__(self, creators: dict[str, list[dict[str, Any]]]):
        super().__init__(_Handler)
        self.creators = creators
        self.calls: dict[str, int] = {}
        self._lock = threading.Lock()

    def answer(self, username: str) -> dict[str, Any] | None:
        with self._lock:
            script = self.creators.get(username)
            if script is None:
                return None
            n = self.calls.get(username, 0)
            self.calls[username] = n + 1
            return script[min(n, len(script) - 1)]


class _Handler(QuietHandler):
    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path.rstrip("/") != "/fetchByUsernameAdditionalDetails":
            self.send_json(404, b'{"error": "no such endpoint"}')
            return
        username = parse_qs(url.query).get("username", [""])[0]
        step = self.server.standin.answer(username)  # type: ignore[attr-defined]
        if step is None:
            self.send_json(404, b'{"error": "creator not found"}')
            return
        if "sleep" in step:
            time.sleep(step["sleep"])
        if "status" in step:
            self.send_json(step["status"], b'{"error": "scripted failure"}')
            return
        self.send_json(200, json.dumps(step.get("body", step)).encode())
