"""What a bench run does, from BENCH_* environment variables (sizes, rounds, database)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPORT_PATH = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


@dataclass(frozen=True)
class BenchConfig:
    # Events per round and side (48 per lead by default: a booking, then 47 page views);
    # both sides run the same events on the same threads. Mostly quiet: the booking, one event
    # in 48, drafts a welcome on the service's side (with 12 per lead, one in twelve drafted).
    events: int = 3072
    rounds: int = 3
    # Threads (leads); a lead's events follow one another, as the job queue keeps them in order.
    leads: int = 64
    # Runs in flight at once: the baseline's asyncio tasks, the service's HTTP clients.
    concurrency: int = 32
    # Leads given three events posted together, per round (the burst latency).
    burst_leads: int = 5
    # New leads per round and side (their first page view drafts and waits for approval);
    # the service's drafts are then approved at `approval_rate` per second.
    new_leads: int = 200
    # New leads per side drafted before the measured ones: by then every pooled connection
    # of the service has run its statements ten times or so. Postgres plans the first five
    # executions of a prepared statement for their parameters, and psycopg prepares a
    # statement on its fifth use, so a fresh connection plans each statement about ten
    # times (the heaviest, a run's event read, 0.9 ms a time) before reusing one plan. Two
    # workers hold 20 connections: a cold service spends its first 200 new leads there.
    # Their own rate is reported too (cold).
    new_lead_warm_up: int = 200
    approval_rate: float = 20.0
    # Quiet events on one thread, one after another (its first ten against its last ten).
    thread_events: int = 1000
    # Events posted at a fixed rate for the ingest acknowledgement, for this many seconds.
    ingest_rate: float = 100.0
    ingest_seconds: float = 10.0
    # Worker processes apart from the API, as docker-compose runs the service (2, as
    # `docker compose up --scale worker=2` on a 2-core box: one worker process is a single
    # core's Python, the drafting runs' bottleneck); 0 runs the worker inside the API
    # process, as `make run` does.
    workers: int = 2
    # An existing Postgres (the bench creates and drops its own databases there);
    # unset = an embedded one in a temporary folder.
    database_url: str | None = None
    report_path: Path = REPORT_PATH

    @classmethod
    def from_env(cls) -> BenchConfig:
        return cls(
            events=_int("BENCH_EVENTS", cls.events),
            rounds=_int("BENCH_ROUNDS", cls.rounds),
            leads=_int("BENCH_LEADS", cls.leads),
            concurrency=_int("BENCH_CONCURRENCY", cls.concurrency),
            burst_leads=_int("BENCH_BURST_LEADS", cls.burst_leads),
            new_leads=_int("BENCH_NEW_LEADS", cls.new_leads),
            new_lead_warm_up=_int("BENCH_NEW_LEAD_WARM_UP", cls.new_lead_warm_up),
            approval_rate=_float("BENCH_APPROVAL_RATE", cls.approval_rate),
            thread_events=_int("BENCH_THREAD_EVENTS", cls.thread_events),
            ingest_rate=_float("BENCH_INGEST_RATE", cls.ingest_rate),
            ingest_seconds=_float("BENCH_INGEST_SECONDS", cls.ingest_seconds),
            workers=int(os.environ.get("BENCH_WORKERS") or cls.workers),
            database_url=os.environ.get("BENCH_DATABASE_URL") or None,
            report_path=Path(os.environ.get("BENCH_REPORT") or REPORT_PATH),
        )
