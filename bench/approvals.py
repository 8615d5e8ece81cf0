"""Approve to provider call: the service sends WhatsApp through the project's Twilio stand-in
(tests/standins/twilio_server.py), run in this process with each message's arrival stamped;
the bench approves pending drafts at a fixed rate, open loop (each `POST
/approvals/{id}/decision` goes out at its time, whatever the earlier ones are doing), and
measures from issuing the POST to the stand-in taking the message. The POSTs go through
bench/lean_http.py, so the bench's own CPU barely competes with the service's."""

from __future__ import annotations

import asyncio
import time

from bench.lean_http import LeanHttp
from bench.measure import offered_rate, percentile
from tests.standins.twilio_server import TwilioStandIn

APPROVE = {"decisions": [{"type": "approve"}]}
SEND_WAIT_S = 30.0  # after the last approval, how long the sends may take to arrive
POLL_S = 0.05


class TimedTwilioStandIn(TwilioStandIn):
    """The Twilio stand-in, with the `perf_counter()` at which each message arrived, by its
    `To` (a message is stamped once its form is read, before the stand-in answers)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: dict[str, float] = {}

    def record(self, account_sid: str, form: dict[str, str]) -> tuple[dict, float]:
        self.arrived.setdefault(form["To"], time.perf_counter())
        return super().record(account_sid, form)


async def approve_at_rate(
    client: LeanHttp,
    twilio: TimedTwilioStandIn,
    approvals: list[tuple[str, str]],
    rate: float,
) -> dict[str, float | None]:
    """Approve each (approval id, lead's WhatsApp number) at `rate` per second; the latency
    of each from its POST to its message at the stand-in (p50, p99, max in ms)."""
    issued: dict[str, float] = {}

    async def approve(approval_id: str, to: str, request: bytes) -> None:
        issued[f"whatsapp:{to}"] = time.perf_counter()
        status, body = await client.send(request)
        if status != 200:
            raise RuntimeError(f"approving {approval_id}: {status} {body.decode()}")

    requests = [client.request(f"/approvals/{a}/decision", APPROVE) for a, _to in approvals]
    started = time.perf_counter()
    posts = []
    for n, ((approval_id, to), request) in enumerate(zip(approvals, requests, strict=True)):
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        posts.append(asyncio.create_task(approve(approval_id, to, request)))
    await asyncio.gather(*posts)
    for _ in range(round(SEND_WAIT_S / POLL_S)):  # the stand-in records on its own threads
        if all(to in twilio.arrived for to in issued):
            break
        await asyncio.sleep(POLL_S)
    arrived = dict(twilio.arrived)
    latencies = [(arrived[to] - at) * 1000 for to, at in issued.items() if to in arrived]
    return {
        "approvals": float(len(approvals)),
        "approvals_sent": float(len(latencies)),
        "approval_rate": offered_rate(list(issued.values())),
        "approval_p50_ms": percentile(latencies, 50) if latencies else None,
        "approval_p99_ms": percentile(latencies, 99) if latencies else None,
        "approval_max_ms": max(latencies) if latencies else None,
    }
