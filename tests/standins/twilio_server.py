"""A server that speaks Twilio's Messages API (the part the SDK's messages.create uses)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from urllib.parse import parse_qs

from tests.standins.http import QuietHandler, StandIn


class TwilioStandIn(StandIn):
    def __init__(self, hang_first_s: float = 0.0, delay_s: float = 0.0):
        super().__init__(_Handler)
        self.messages: list[dict[str, str]] = []
        self.hang_first_s = hang_first_s  # simulate a provider call that never returns in time
        self.delay_s = delay_s  # every answer takes this long, so sends are often in flight
        self._lock = threading.Lock()

    def record(self, account_sid: str, form: dict[str, str]) -> tuple[dict, float]:
        with self._lock:
            message = {"sid": f"SM{uuid.uuid4().hex}", "account_sid": account_sid, **form}
            self.messages.append(message)
            hang = self.hang_first_s if len(self.messages) == 1 else self.delay_s
            return message, hang


class _Handler(QuietHandler):
    def do_POST(self) -> None:
        parts = self.path.strip("/").split("/")
        # /2010-04-01/Accounts/{AccountSid}/Messages.json
        if len(parts) != 4 or parts[1] != "Accounts" or parts[3] != "Messages.json":
            self.send_json(404, b'{"code": 20404, "message": "not found", "status": 404}')
            return
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if not form.get("To", "").startswith("whatsapp:+") or not form.get("From"):
            body = {"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}
            self.send_json(400, json.dumps(body).encode())
            return
        message, hang = self.server.standin.record(parts[2], form)  # type: ignore[attr-defined]
        if hang:
            time.sleep(hang)
        body = {
            "sid": message["sid"],
            "account_sid": parts[2],
            "status": "queued",
            "to": form["To"],
            "from": form["From"],
            "body": form.get("Body"),
            "direction": "outbound-api",
            "num_segments": "1",
        }
        self.send_json(201, json.dumps(body).encode())
