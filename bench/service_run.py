"""The service end to end: a real uvicorn server in a subprocess (`bench.serve`) with its
worker; `concurrency` HTTP clients each `POST /events` for their own leads and wait for the
event's status to leave `queued`, one event after another per lead."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from bench.lean_http import LeanHttp
from bench.measure import Sample, per_event
from bench.postgres import (
    checkpoint_bytes,
    live_checkpoint_bytes,
    postgres_cpu_s,
    process_cpu_s,
)
from bench.serve import COUNTERS_PATH
from bench.serve_worker import COUNTERS_EVERY_S
from bench.workload import CREATOR, BenchEvent, client_queues, lead_body, lead_ids
from server.retention import compact_checkpoints

ROOT = Path(__file__).resolve().parent.parent
ADMIN_KEY = "bench-admin-key-0123456789abcdef"
POLL_S = 0.01
WARM_UP_LEADS = 4
BURST_SIZE = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StatusWatch:
    """Waits for events to leave `queued`, for every waiting client with one query per tick
    on its own connection (rather than each client polling `GET /events/{id}`, which would
    add the polling to the service's figures)."""

    def __init__(self, conn: psycopg.AsyncConnection):
        self._conn = conn
        self._waiting: dict[str, asyncio.Future[None]] = {}

    async def finished(self, event_id: str) -> None:
        future = asyncio.get_running_loop().create_future()
        self._waiting[event_id] = future
        await future

    async def run(self) -> None:
        while True:
            if self._waiting:
                cur = await self._conn.execute(
                    "SELECT id, status FROM events WHERE id = ANY(%s) AND status <> 'queued'",
                    (list(self._waiting),),
                )
                for event_id, status in await cur.fetchall():
                    future = self._waiting.pop(event_id)
                    if status == "processed":
                        future.set_result(None)
                    else:
                        future.set_exception(RuntimeError(f"event {event_id} {status}"))
            await asyncio.sleep(POLL_S)


def _launch(args: list[str], log_path: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BENCH_", "DATABASE_URL"))}
    with log_path.open("w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _start(
    database_url: str, folder: Path, port: int, run_worker: bool, twilio: list[str]
) -> subprocess.Popen:
    args = ["bench.serve", database_url, str(port), str(folder), ADMIN_KEY, str(run_worker).lower()]
    return _launch(args + twilio, folder / f"service-{port}.log")


def _start_worker(database_url: str, counters: Path, twilio: list[str]) -> subprocess.Popen:
    return _launch(
        ["bench.serve_worker", database_url, str(counters), *twilio], counters.with_suffix(".log")
    )


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@dataclass
class RunningService:
    """The service's processes: the API (pid first) and its workers apart, if any."""

    pids: list[int]
    base_url: str
    worker_counters: list[Path]


@contextlib.asynccontextmanager
async def running_server(
    database_url: str, folder: Path, workers: int, twilio_url: str | None = None
) -> AsyncIterator[RunningService]:
    """The API in its own process with its worker inside (`workers` 0, as `make run`) or
    with `workers` worker processes apart (as docker-compose); WhatsApp through the Twilio
    stand-in at `twilio_url`, if given. Logs: folder/service-*.log."""
    port = _free_port()
    twilio = [twilio_url] if twilio_url else []
    procs = [_start(database_url, folder, port, workers == 0, twilio)]
    counters = [folder / f"worker-{port}-{n}.json" for n in range(workers)]
    procs += [_start_worker(database_url, path, twilio) for path in counters]
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(600):
                if any(proc.poll() is not None for proc in procs):
                    raise RuntimeError("a service process exited; see its log in " + str(folder))
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{base}/health/ready")).status_code == 200 and all(
                        path.exists() for path in counters
                    ):
                        break
                await asyncio.sleep(0.2)
            else:
                raise RuntimeError("the service did not get ready within two minutes")
        yield RunningService([proc.pid for proc in procs], base, counters)
    finally:
        for proc in procs:
            _stop(proc)


async def post_event(client: LeanHttp, body: dict[str, Any]) -> str:
    """`POST /events` through the lean client: httpx would spend about 3 ms of the cores the
    service shares per event (more than a quiet event's whole run), and the figures are the
    service's, not its load generator's."""
    status, answer = await client.send(client.request("/events", body))
    if status != 202:
        raise RuntimeError(f"POST /events answered {status}: {answer.decode()}")
    return json.loads(answer)["event_id"]


async def run_queue(client: LeanHttp, watch: StatusWatch, queue: list[BenchEvent]):
    for event in queue:
        await watch.finished(await post_event(client, event.body()))


async def create_creator(client: httpx.AsyncClient) -> None:
    data = json.loads((ROOT / "samples" / "creators" / f"{CREATOR}.json").read_text())
    answer = await client.post("/creators", json={"username": CREATOR, "marketplace_data": data})
    answer.raise_for_status()


async def add_leads(client: httpx.AsyncClient, bodies: list[dict[str, Any]]) -> None:
    limit = asyncio.Semaphore(8)

    async def add(body: dict[str, Any]) -> None:
        async with limit:
            (await client.post("/consumers", json=body)).raise_for_status()

    await asyncio.gather(*(add(body) for body in bodies))


async def _burst_latencies(
    client: LeanHttp, watch: StatusWatch, conn: psycopg.AsyncConnection, lead: str
) -> tuple[list[float], float]:
    """Three events for one lead's thread posted back to back: each one's ms from its arrival
    (`received_at`) to `processed` (`processed_at`), and the ms from the first's
    `processed_at` to the second's, by the database's clock."""
    # Page views (from seq 1): a booking (seq 0) runs on its own thread, not in this queue.
    bodies = [BenchEvent(lead, seq).body() for seq in range(1, BURST_SIZE + 1)]
    ids = [await post_event(client, body) for body in bodies]
    await asyncio.gather(*(watch.finished(event_id) for event_id in ids))
    cur = await conn.execute(
        "SELECT id, extract(epoch FROM processed_at - received_at) * 1000,"
        " extract(epoch FROM processed_at) * 1000 FROM events WHERE id = ANY(%s)",
        (ids,),
    )
    rows = {row[0]: (float(row[1]), float(row[2])) for row in await cur.fetchall()}
    latencies = [rows[event_id][0] for event_id in ids]
    return latencies, rows[ids[1]][1] - rows[ids[0]][1]


async def _sample(
    client: httpx.AsyncClient, service: RunningService, database_url: str, postmaster: int | None
) -> Sample:
    counts = [(await client.get(COUNTERS_PATH)).json()]
    if service.worker_counters:
        await asyncio.sleep(3 * COUNTERS_EVERY_S)  # the workers' files are that fresh
        counts += [json.loads(path.read_text()) for path in service.worker_counters]
    return Sample(
        wall_s=time.perf_counter(),
        python_cpu_s=sum(process_cpu_s(pid) for pid in service.pids),
        postgres_cpu_s=postgres_cpu_s(postmaster) if postmaster else None,
        round_trips=sum(c["round_trips"] for c in counts),
        statements=sum(c["statements"] for c in counts),
        checkpoint_bytes=checkpoint_bytes(database_url),
    )


async def _retention_per_event(database_url: str) -> tuple[float, float]:
    """Live checkpoint bytes per event of the round, before and after the service's
    retention with CHECKPOINT_KEEP_DAYS=0 (every thread keeps its latest checkpoint)."""
    with psycopg.connect(database_url) as conn:
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    before = live_checkpoint_bytes(database_url)
    pool = AsyncConnectionPool(
        database_url, kwargs={"autocommit": True, "row_factory": dict_row}, open=False
    )
    await pool.open()
    try:
        await compact_checkpoints(pool, keep_days=0)
    finally:
        await pool.close()
    return before / events, live_checkpoint_bytes(database_url) / events


async def run_service(
    database_url: str,
    postmaster: int | None,
    folder: Path,
    events: int,
    leads: int,
    concurrency: int,
    burst_leads: int,
    workers: int,
) -> tuple[dict[str, float | None], dict[str, Any]]:
    """One measured round on an empty database: per-event figures, and the bursts' latencies
    and the decisions' reasons."""
    lead_names = lead_ids("lead", leads)
    warm_names, burst_names = lead_ids("warm", WARM_UP_LEADS), lead_ids("burst", burst_leads)
    async with (
        running_server(database_url, folder, workers) as service,
        httpx.AsyncClient(
            base_url=service.base_url,
            headers={"Authorization": f"Bearer {ADMIN_KEY}"},
            limits=httpx.Limits(max_connections=concurrency + 4),
            timeout=60,
        ) as client,
        await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn,
    ):
        await create_creator(client)
        await add_leads(client, [lead_body(lead) for lead in lead_names + warm_names + burst_names])
        watch = StatusWatch(conn)
        watcher = asyncio.create_task(watch.run())
        lean = LeanHttp(service.base_url, {"Authorization": f"Bearer {ADMIN_KEY}"})
        try:
            warm_up = client_queues(warm_names, 2 * WARM_UP_LEADS, concurrency)
            await asyncio.gather(*(run_queue(lean, watch, q) for q in warm_up))

            queues = client_queues(lead_names, events, concurrency)
            before = await _sample(client, service, database_url, postmaster)
            await asyncio.gather(*(run_queue(lean, watch, q) for q in queues))
            after = await _sample(client, service, database_url, postmaster)
            cur = await conn.execute(
                "SELECT decision->>'reason', count(*) FROM events"
                " WHERE consumer_id LIKE 'lead-%%' GROUP BY 1"
            )
            reasons = dict(await cur.fetchall())
            bursts = [await _burst_latencies(lean, watch, conn, lead) for lead in burst_names]
        finally:
            await lean.close()
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
    before_retention, after_retention = await _retention_per_event(database_url)
    extra = {
        "checkpoint_live_bytes_before_retention": before_retention,
        "checkpoint_live_bytes_after_retention": after_retention,
        "burst_second_ms": statistics.median(b[1] for b, _gap in bursts) if bursts else None,
        "burst_third_ms": statistics.median(b[2] for b, _gap in bursts) if bursts else None,
        "burst_second_after_first_ms": (
            statistics.median(gap for _b, gap in bursts) if bursts else None
        ),
        "reasons": reasons,
    }
    return per_event(before, after, events), extra
