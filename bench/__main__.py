"""`python -m bench` (`make bench`): the rounds, interleaved, then docs/benchmarks.md."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("LANGGRAPH_STRICT_MSGPACK", "true")  # as the service runs

from bench.baseline import run_baseline  # noqa: E402
from bench.baseline_new_leads import run_new_lead_baseline  # noqa: E402
from bench.config import BenchConfig  # noqa: E402
from bench.postgres import (  # noqa: E402
    create_database,
    drop_database,
    postgres_server,
    postmaster_pid,
    server_version,
)
from bench.report import RoundResult, render, write_report  # noqa: E402
from bench.service_run import run_service  # noqa: E402
from bench.service_targets import run_service_targets  # noqa: E402


def _line(side: str, figures: dict) -> str:
    return f"  {side:8} " + ", ".join(
        f"{k} {v:.2f}" for k, v in figures.items() if isinstance(v, float)
    )


async def _run_targets(config: BenchConfig, server_url: str, folder: Path) -> dict:
    """New leads on the bare loop, then the service's target figures, each on a fresh
    database, right after the quiet rounds' pair so both sides share the load."""
    base_db = create_database(server_url, "bench_new_leads")
    try:
        base_cold, base_rate = await run_new_lead_baseline(
            base_db, config.new_leads, config.concurrency, config.new_lead_warm_up
        )
    finally:
        drop_database(server_url, base_db)
    service_db = create_database(server_url, "bench_targets")
    try:
        figures = await run_service_targets(service_db, folder, config)
    finally:
        drop_database(server_url, service_db)
    return {
        "baseline_new_lead_cold_events_per_s": base_cold,
        "baseline_new_lead_events_per_s": base_rate,
        **figures,
    }


async def run_rounds(config: BenchConfig, server_url: str, folder: Path) -> list[RoundResult]:
    postmaster = postmaster_pid(server_url)
    rounds: list[RoundResult] = []
    for n in range(1, config.rounds + 1):
        print(f"round {n} of {config.rounds}", flush=True)
        base_db = create_database(server_url, "bench_baseline")
        try:
            baseline = await run_baseline(
                base_db, postmaster, config.events, config.leads, config.concurrency
            )
        finally:
            drop_database(server_url, base_db)
        print(_line("baseline", baseline), flush=True)
        service_db = create_database(server_url, "bench_service")
        try:
            service, extra = await run_service(
                service_db,
                postmaster,
                folder,
                config.events,
                config.leads,
                config.concurrency,
                config.burst_leads,
                config.workers,
            )
        finally:
            drop_database(server_url, service_db)
        print(_line("service", {**service, **extra}), flush=True)
        targets = await _run_targets(config, server_url, folder)
        print(_line("targets", targets), flush=True)
        rounds.append(RoundResult(baseline, service, extra, targets))
    return rounds


def run(config: BenchConfig) -> list[RoundResult]:
    """Every round, then the report at `config.report_path`."""
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="bench-") as tmp,
        postgres_server(config.database_url, Path(tmp)) as server_url,
    ):
        version = server_version(server_url)
        rounds = asyncio.run(run_rounds(config, server_url, Path(tmp)))
    where = "BENCH_DATABASE_URL" if config.database_url else "embedded (pgserver), fresh"
    minutes = (time.monotonic() - started) / 60
    write_report(config.report_path, render(config, rounds, version, where, minutes))
    return rounds


if __name__ == "__main__":
    settings = BenchConfig.from_env()
    run(settings)
    print(f"wrote {settings.report_path}")
