"""Two API replicas and two workers against one Postgres, as docs/scaling.md describes:
events posted to either replica are each processed once, a lead's in order, and drafts
approved through either replica are sent once."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import psycopg

from tests.conftest import ADMIN_HEADERS, ADMIN_KEY, load_creator
from tests.e2e.processes import free_port, service_env, stop, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
LEADS = [
    {
        "creator_id": "ajay_shenoy",
        "external_id": f"scale-{i}",
        "name": f"Lead {i}",
        "whatsapp": f"+9198000004{i:02d}",
        "consent": {"whatsapp": True},
    }
    for i in range(6)
]
VIEWS = 5
START = datetime(2026, 11, 2, 5, 30)


def launch(module: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", module], cwd=ROOT, env=env, start_new_session=True
    )


def wait_until(check, within: float = 90.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"{check.__name__} not true within {within}s"
        time.sleep(0.3)


def test_two_api_replicas_and_two_workers_process_each_event_once_in_order(database_url, tmp_path):
    common = service_env(DATABASE_URL=database_url, LOG_LEVEL="warning", ADMIN_API_KEY=ADMIN_KEY)
    ports = [free_port(), free_port()]
    apis = [launch("server", {**common, "PORT": str(p), "RUN_WORKER": "false"}) for p in ports]
    workers = [
        launch("server.worker", {**common, "WORKER_ID_FILE": str(tmp_path / f"w{i}.id")})
        for i in range(2)
    ]
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    try:
        for api, base in zip(apis, bases, strict=True):
            wait_until_answering(api, f"{base}/health/ready")
        clients = [httpx.Client(base_url=b, headers=ADMIN_HEADERS, timeout=30) for b in bases]
        creator = {"username": "ajay_shenoy", "marketplace_data": load_creator("ajay_shenoy")}
        assert clients[0].post("/creators", json=creator).status_code == 201
        for lead in LEADS:
            assert clients[1].post("/consumers", json=lead).status_code in (200, 201)

        def post(n: int, lead: dict) -> str:
            # A lead's views alternate between the replicas, in order.
            answer = clients[n % 2].post(
                "/events",
                json={
                    "creator_id": "ajay_shenoy",
                    "consumer_id": lead["external_id"],
                    "type": "page_view",
                    "payload": {},
                    "occurred_at": (START + timedelta(minutes=n)).isoformat() + "Z",
                },
            )
            assert answer.status_code == 202, answer.text
            return answer.json()["event_id"]

        def post_all(lead: dict) -> list[str]:
            return [post(n, lead) for n in range(VIEWS)]

        with ThreadPoolExecutor(len(LEADS)) as pool:
            posted = list(pool.map(post_all, LEADS))

        def all_processed() -> bool:
            with psycopg.connect(database_url) as conn:
                return (
                    conn.execute(
                        "SELECT count(*) FROM events WHERE status = 'processed'"
                    ).fetchone()[0]
                    == len(LEADS) * VIEWS
                )

        wait_until(all_processed)
        approvals = []
        for lead, event_ids in zip(LEADS, posted, strict=True):
            thread = clients[0].get(f"/threads/ajay_shenoy/{lead['external_id']}").json()
            assert thread["context"]["page_views"] == VIEWS  # no view lost or counted twice
            by_processing = sorted(thread["events"], key=lambda e: e["processed_at"])
            assert [e["id"] for e in by_processing] == event_ids  # in the order posted
            assert [e["decision"]["reason"] for e in by_processing] == ["new_lead"] + [
                "pending_approval"
            ] * (VIEWS - 1)
            [approval] = thread["approvals"]
            approvals.append(approval["id"])

        # Each draft approved on both replicas at once is sent once.
        def approve_on_both(approval_id: str) -> None:
            for client in clients:
                client.post(
                    f"/approvals/{approval_id}/decision", json={"decisions": [{"type": "approve"}]}
                )

        with ThreadPoolExecutor(len(approvals)) as pool:
            list(pool.map(approve_on_both, approvals))

        def all_sent() -> bool:
            with psycopg.connect(database_url) as conn:
                return conn.execute(
                    "SELECT count(*) FROM messages WHERE status = 'recorded'"
                ).fetchone()[0] >= len(approvals)

        wait_until(all_sent)
        with psycopg.connect(database_url) as conn:
            sends = conn.execute(
                "SELECT approval_id, count(*) FROM messages GROUP BY approval_id"
            ).fetchall()
        assert sorted(sends) == sorted((a, 1) for a in approvals)
    finally:
        for proc in apis + workers:
            stop(proc)
