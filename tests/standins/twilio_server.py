"""A server that speaks Twilio's Messages API (the part the SDK's messages.create uses), and
calls back as Twilio does: signed status callbacks to each message's StatusCallback URL, and
(`send_inbound`) signed inbound WhatsApp messages to the service's webhook."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from urllib.parse import parse_qs

import httpx
from twilio.request_validator import RequestValidator

from tests.standins.http import QuietHandler, StandIn

# What Twilio reports on a message that arrives and is read, as it may reach the service:
# out of order and repeated. The service must end at "read".
DELIVERED_AND_READ = [
    ("sent", None),
    ("queued", None),
    ("delivered", None),
    ("sent", None),
    ("read", None),
    ("delivered", None),
    ("read", None),
]


def failing(status: str, code: str) -> list[tuple[str, str | None]]:
    """A message Twilio gives up on, reported late and twice. The service must end at
    `status` with `code`."""
    return [("queued", None), (status, code), ("sent", None), (status, code)]


def sign(auth_token: str, url: str, form: dict[str, str]) -> str:
    return RequestValidator(auth_token).compute_signature(url, form)


def new_sid() -> str:
    return f"SM{uuid.uuid4().hex}"


class TwilioStandIn(StandIn):
    """`messages` is what Twilio took. Modes, changeable while it runs:
    - `hang_first_s`: answer the first message only after this long;
    - `start_holding()`: take each message but answer only after `release()` (a provider
      that never answers);
    - `fail_next(status, code)`: answer the next request with that error, taking nothing;
    - `listening=False`: refuse connections until `start_listening()`.

    A message with a StatusCallback gets the callbacks of `next_reports()`: the ones queued
    with `report_next(...)`, else DELIVERED_AND_READ; signed with `auth_token`, each
    `callback_gap_s` after the one before, from a thread of their own (with
    `early_callbacks`, all of them before the message's answer, as a fast Twilio may).
    `callbacks` lists what was posted: (sid, status, error code, the service's HTTP status).
    """

    def __init__(
        self,
        hang_first_s: float = 0.0,
        listening: bool = True,
        delay_s: float = 0.0,
        auth_token: str = "token",
        callback_gap_s: float = 0.02,
        early_callbacks: bool = False,
    ):
        super().__init__(_Handler, listening=listening)
        self.auth_token = auth_token
        self.callback_gap_s = callback_gap_s
        self.early_callbacks = early_callbacks
        self.callbacks: list[tuple[str, str, str | None, int]] = []
        self._reports: list[list[tuple[str, str | None]]] = []
        self._callback_threads: list[threading.Thread] = []
        self.messages: list[dict[str, str]] = []
        self.hang_first_s = hang_first_s  # simulate a provider call that never returns in time
        self.delay_s = delay_s  # every answer takes this long, so sends are often in flight
        self.holding = False
        self.held = 0  # requests taken and not answered yet
        self._released = threading.Event()
        self._failures: list[tuple[int, int]] = []
        self._lock = threading.Lock()

    def report_next(self, reports: list[tuple[str, str | None]]) -> None:
        """The callbacks of the next message taken (DELIVERED_AND_READ after that)."""
        with self._lock:
            self._reports.append(reports)

    def next_reports(self) -> list[tuple[str, str | None]]:
        with self._lock:
            return self._reports.pop(0) if self._reports else list(DELIVERED_AND_READ)

    def call_back(self, message: dict[str, str]) -> None:
        """Post the message's status callbacks, signed, one after the other."""
        url = message.get("StatusCallback")
        if not url:
            return
        reports = self.next_reports()

        def post_all() -> None:
            with httpx.Client(timeout=30) as client:
                for status, code in reports:
                    time.sleep(self.callback_gap_s)
                    form = {
                        "MessageSid": message["sid"],
                        "SmsSid": message["sid"],
                        "AccountSid": message["account_sid"],
                        "From": message["From"],
                        "To": message["To"],
                        "MessageStatus": status,
                        "SmsStatus": status,
                        "ApiVersion": "2010-04-01",
                        "ChannelPrefix": "whatsapp",
                    }
                    if code:
                        form["ErrorCode"] = code
                    try:
                        answered = client.post(
                            url,
                            data=form,
                            headers={"X-Twilio-Signature": sign(self.auth_token, url, form)},
                        ).status_code
                    except httpx.HTTPError:
                        answered = 0  # the service is gone (the test ended): Twilio gives up
                    with self._lock:
                        self.callbacks.append((message["sid"], status, code, answered))

        if self.early_callbacks:
            post_all()
            return
        thread = threading.Thread(target=post_all, daemon=True)
        self._callback_threads.append(thread)
        thread.start()

    async def wait_for_callbacks(self, timeout_s: float = 30.0) -> None:
        """Until every callback was answered (off the event loop: the service may be on it)."""
        for thread in list(self._callback_threads):
            await asyncio.to_thread(thread.join, timeout_s)

    def record(self, account_sid: str, form: dict[str, str]) -> tuple[dict, float]:
        with self._lock:
            message = {"sid": new_sid(), "account_sid": account_sid, **form}
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
        if standin.early_callbacks:
            standin.call_back(message)
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
        if not standin.early_callbacks:
            standin.call_back(message)


async def send_inbound(
    service_url: str,
    from_number: str,
    body: str,
    *,
    to: str = "whatsapp:+14155238886",
    auth_token: str = "token",
    account_sid: str = "AC" + "0" * 32,
    sid: str | None = None,
    signature: str | None = None,
) -> httpx.Response:
    """Post a lead's WhatsApp message to the service's inbound webhook as Twilio does,
    signed with `auth_token` (or with `signature` as given: a forgery)."""
    url = service_url.rstrip("/") + "/webhooks/twilio/whatsapp"
    sid = sid or new_sid()
    form = {
        "MessageSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": account_sid,
        "From": f"whatsapp:{from_number}",
        "To": to,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "ProfileName": "Lead",
        "WaId": from_number.lstrip("+"),
        "ApiVersion": "2010-04-01",
    }
    if signature is None:
        signature = sign(auth_token, url, form)
    async with httpx.AsyncClient(timeout=30) as client:
        return await client.post(url, data=form, headers={"X-Twilio-Signature": signature})
