"""The service as users start it (`python -m server`, `python -m server.worker`), killed
and restarted: a paused draft survives, and an approved draft is sent exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.conftest import ADMIN_HEADERS, ADMIN_KEY, NEHA, load_creator
from tests.e2e.processes import RULES_OFF, free_port, wait_until_answering
from tests.standins.twilio_server import TwilioStandIn

ROOT = Path(__file__).resolve().parents[2]
# A loaded machine can take seconds to answer (the first POST /creators builds a profile):
# these tests wait for outcomes, never for speed, so no answer here is too slow.
HTTP_TIMEOUT_S = 60


def post(url: str, **kwargs) -> httpx.Response:
    return httpx.post(url, timeout=HTTP_TIMEOUT_S, **kwargs)


def get(url: str, **kwargs) -> httpx.Response:
    return httpx.get(url, timeout=HTTP_TIMEOUT_S, **kwargs)


@contextmanager
def service(module: str, env: dict[str, str], port: int | None = None):
    """Start `python -m module`; wait until it answers (API) or a moment (worker)."""
    full_env = {**os.environ, **RULES_OFF, **env, "LOG_LEVEL": "warning"}
    if port:
        full_env["PORT"] = str(port)
    for key in ("OPENAI_API_KEY", "SES_FROM_EMAIL"):
        full_env.pop(key, None)
    proc = subprocess.Popen([sys.executable, "-m", module], cwd=ROOT, env=full_env)
    try:
        if port:
            wait_until_answering(proc, f"http://127.0.0.1:{port}/health/ready")
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_until(check, timeout=40.0):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {check.__name__}"
        time.sleep(0.2)
    return result


def pending_approval(base: str) -> dict:
    post(
        f"{base}/creators",
        json={"username": "ajay_shenoy", "marketplace_data": load_creator("ajay_shenoy")},
        headers=ADMIN_HEADERS,
    )
    post(f"{base}/consumers", json={"creator_id": "ajay_shenoy", **NEHA}, headers=ADMIN_HEADERS)
    event_id = post(
        f"{base}/events",
        headers=ADMIN_HEADERS,
        json={
            "creator_id": "ajay_shenoy",
            "consumer_id": "c-1001",
            # The lead writes now: WhatsApp's 24-hour window is open, so the approved reply
            # goes out as free text.
            "type": "inbound_message",
            "occurred_at": datetime.now(UTC).isoformat(),
            "payload": {"text": "Is the strategy call recorded?"},
        },
    ).json()["event_id"]

    def processed():
        body = get(f"{base}/events/{event_id}", headers=ADMIN_HEADERS).json()
        return body if body["status"] == "processed" else None

    decision = wait_until(processed)["decision"]
    return get(f"{base}/approvals/{decision['approval_id']}", headers=ADMIN_HEADERS).json()


def messages(database_url: str) -> list[tuple]:
    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT status, provider_message_id FROM messages").fetchall()


@pytest.fixture
def env(database_url):
    with TwilioStandIn(hang_first_s=0) as twilio:
        yield (
            twilio,
            {
                "DATABASE_URL": database_url,
                "ADMIN_API_KEY": ADMIN_KEY,
                "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
                "TWILIO_AUTH_TOKEN": "token",
                "TWILIO_WHATSAPP_FROM": "whatsapp:+14155238886",
                "TWILIO_API_BASE_URL": twilio.url,
                "WORKER_STALLED_AFTER_S": "2",
            },
        )


def test_a_draft_paused_in_one_process_is_approved_from_another_and_sent_once(env, database_url):
    twilio, base_env = env
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with service("server", base_env, port) as first:
        approval = pending_approval(base)
        first.kill()  # no goodbye: the draft lives only in Postgres now
    with service("server", {**base_env, "RUN_WORKER": "false"}, port):
        answer = post(
            f"{base}/approvals/{approval['id']}/decision",
            json={"decisions": [{"type": "approve"}]},
            headers=ADMIN_HEADERS,
        )
        assert answer.status_code == 200, answer.text
        time.sleep(1)
        assert twilio.messages == []  # no worker runs in this process
    with service("server.worker", base_env):
        wait_until(lambda: twilio.messages)
        wait_until(lambda: messages(database_url) and messages(database_url)[0][0] == "sent")
        time.sleep(1)
    assert len(twilio.messages) == 1
    assert twilio.messages[0]["Body"] == approval["draft"]["body"]


def test_a_worker_killed_during_the_send_never_sends_twice(env, database_url):
    twilio, base_env = env
    twilio.hang_first_s = 30  # the provider takes the message but does not answer in time
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with service("server", base_env, port) as first:
        approval = pending_approval(base)
        post(
            f"{base}/approvals/{approval['id']}/decision",
            json={"decisions": [{"type": "approve"}]},
            headers=ADMIN_HEADERS,
        )
        wait_until(lambda: twilio.messages)
        first.kill()
    with service("server", base_env, port):
        # The stalled job is retried; the claimed outbox row stops a second provider call.
        wait_until(lambda: messages(database_url)[0][0] == "unconfirmed")
        time.sleep(1)
    assert len(twilio.messages) == 1


LEADS = 50


def fifty_pending_approvals(base: str) -> list[str]:
    event_ids = []
    with httpx.Client(base_url=base, headers=ADMIN_HEADERS, timeout=HTTP_TIMEOUT_S) as client:
        client.post(
            "/creators",
            json={"username": "ajay_shenoy", "marketplace_data": load_creator("ajay_shenoy")},
        )
        for n in range(LEADS):
            lead = {
                "creator_id": "ajay_shenoy",
                "external_id": f"lead-{n}",
                "name": f"Lead {n}",
                "whatsapp": f"+9198{n:08d}",
                "consent": {"whatsapp": True},
            }
            assert client.post("/consumers", json=lead).status_code in (200, 201)
            posted = client.post(
                "/events",
                json={
                    "creator_id": "ajay_shenoy",
                    "consumer_id": lead["external_id"],
                    "type": "page_view",
                    "occurred_at": "2026-11-08T06:00:00Z",
                },
            )
            event_ids.append(posted.json()["event_id"])

        def all_drafted():
            events = [client.get(f"/events/{e}").json() for e in event_ids]
            if any(e["status"] == "queued" for e in events):
                return None
            return [e["decision"]["approval_id"] for e in events]

        return wait_until(all_drafted, timeout=120)


def outbox(database_url: str) -> list[tuple]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT approval_id, status, provider_message_id, to_address FROM messages"
        ).fetchall()


@pytest.mark.parametrize("run", range(5))
def test_killing_the_service_during_fifty_sends_loses_none_and_sends_none_twice(
    env, database_url, run
):
    twilio, base_env = env
    twilio.delay_s = 0.3  # each provider call takes a while: some are in flight at the kill
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with service("server", base_env, port) as first:
        approvals = fifty_pending_approvals(base)
        assert len(set(approvals)) == LEADS and all(approvals)
        for approval_id in approvals:
            answer = post(
                f"{base}/approvals/{approval_id}/decision",
                json={"decisions": [{"type": "approve"}]},
                headers=ADMIN_HEADERS,
            )
            assert answer.status_code == 200, answer.text
        wait_until(lambda: len(twilio.messages) >= 5 + 5 * run)
        first.kill()
    with service("server", base_env, port):
        final = ("sent", "unconfirmed")

        def settled():
            rows = outbox(database_url)
            return rows if len(rows) == LEADS and all(r[1] in final for r in rows) else None

        rows = wait_until(settled, timeout=120)
    assert sorted(r[0] for r in rows) == sorted(approvals)  # every approval has its message
    per_number: dict[str, int] = {}
    for message in twilio.messages:
        per_number[message["To"]] = per_number.get(message["To"], 0) + 1
    assert max(per_number.values()) == 1, "a lead got the same message twice"
    provider_ids = {m["sid"] for m in twilio.messages}
    sent = [r for r in rows if r[1] == "sent"]
    assert all(r[2] in provider_ids for r in sent)
    # Only sends that were in flight when the process died may be left for a human.
    assert len(rows) - len(sent) <= 8
