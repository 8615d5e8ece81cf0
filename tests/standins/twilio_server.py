"""A server that speaks Twilio's Messages API (the part the SDK's messages.create uses)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from urllib.parse import parse_qs

from tests.standins.http import QuietHandler, StandIn


class TwilioStandIn(StandIn):
    """`messages` is what Twilio took. Modes, changeable while it runs:
    - `hang_first_s`: answer the first message only after this long;
    - `start_holding()`: take each message but answer only after `release()` (a provider
      that never answers);
    - `fail_next(status, code)`: answer the next request with that error, taking nothing;
    - `listening=False`: refuse connections until `start_listening()`.
    """

    def __init__(self, hang_first_s: float = 0.0, listening: bool = True, delay_s: float = 0.0):
        super().__init__(_Handler, listening=listening)
        self.messages: list[dict[str, str]] = []
        self.hang_first_s = hang_first_s  # simulate a provider call that never returns in time
        self.delay_s = delay_s  # every answer takes this long, so sends are often in flight
        self.holding = False
        self.held = 0  # requests taken and not answered yet
        self._released = threading.Event()
        self._failures: list[tuple[int, int]] = []
        self._lock = threading.Lock()

    def record(self, account_sid: str, form: dict[str, str]) -> tuple[dict, float]:
        with self._lock:
            message = {"sid": f"SM{uuid.uuid4().hex}", "account_sid": account_sid, **form}
            self.messages.append(message)
            hang = self.hang_first_s if len(self.messages) == 1 else self.delay_s
            return message, hang

    def fail_next(self, status: int, code: int) -> None:
        with self._lock:
            self._failures.append((status, code))

    def next_failure(self) -> tuple[int, int] | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def hold(self) -> None:
        """Wait for release() before answering (the message is taken already)."""
        with self._lock:
            self.held += 1
        self._released.wait()
        with self._lock:
            self.held -= 1

    def start_holding(self) -> None:
        self._released.clear()
        self.holding = True

    def release(self) -> None:
        self.holding = False
        self._released.set()

    def __exit__(self, *exc) -> None:
        self.release()
        super().__exit__(*exc)


class _Handler(QuietHandler):
    def do_POST(self) -> None:
        standin: TwilioStandIn = self.server.standin  # type: ignore[attr-defined]
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
        if failure := standin.next_failure():
            status, code = failure
            body = {"code": code, "message": f"stand-in error {status}", "status": status}
            self.send_json(status, json.dumps(body).encode())
            return
        message, hang = standin.record(parts[2], form)
        if standin.holding:
            standin.hold()
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
