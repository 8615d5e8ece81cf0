"""An OpenAI-compatible chat completions server that answers from a script."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from tests.standins.http import QuietHandler, StandIn


class ScriptedOpenAI(StandIn):
    """Each request takes the next scripted step; the last step repeats.

    Steps: {"json": {...}} answers with that object as the message content,
    {"content": "..."} with raw content, {"status": 500} fails, {"sleep": s, ...} waits first.
    """

    def __init__(self, steps: list[dict[str, Any]]):
        super().__init__(_Handler)
        self.steps = steps
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def next_step(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.requests.append(request)
            index = min(len(self.requests) - 1, len(self.steps) - 1)
            return self.steps[index]

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"


class _Handler(QuietHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        request = json.loads(self.rfile.read(length) or b"{}")
        step = self.server.standin.next_step(request)  # type: ignore[attr-defined]
        if "sleep" in step:
            time.sleep(step["sleep"])
        if "status" in step:
            body = json.dumps({"error": {"message": "scripted failure", "type": "server_error"}})
            self.send_json(step["status"], body.encode())
            return
        content = step["content"] if "content" in step else json.dumps(step["json"])
        body = {
            "id": "chatcmpl-standin",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model", "standin"),
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": content},
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }
        self.send_json(200, json.dumps(body).encode())
