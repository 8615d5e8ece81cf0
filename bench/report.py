"""docs/benchmarks.md: min / median / max of each figure for both sides, and their ratio."""

from __future__ import annotations

import os
import platform
import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.config import BenchConfig
from bench.measure import METRICS
from bench.report_targets import cold_start_line, details_table, targets_table

COMMAND = "make bench"


@dataclass
class RoundResult:
    baseline: dict[str, float | None]
    service: dict[str, float | None]
    extra: dict[str, Any] = field(default_factory=dict)
    # The figures of bench/service_targets.py and the bare loop's new-lead throughput.
    targets: dict[str, float | None] = field(default_factory=dict)


def _spread(values: list[float | None]) -> tuple[float, float, float] | None:
    known = [v for v in values if v is not None]
    if not known:
        return None
    return min(known), statistics.median(known), max(known)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"


def _cell(spread: tuple[float, float, float] | None) -> str:
    return " / ".join(_fmt(v) for v in spread) if spread else "n/a"


def _ratios(rounds: list[RoundResult], key: str) -> list[float | None]:
    """service / baseline of each round (the rounds ran interleaved, so pairs share the load)."""
    out: list[float | None] = []
    for r in rounds:
        base, svc = r.baseline.get(key), r.service.get(key)
        out.append(svc / base if base and svc is not None else None)
    return out


def _rounds_table(rounds: list[RoundResult]) -> str:
    """Each round's medians as measured, for a look at the spread behind the summary."""
    keys = [key for key, _label, _unit in METRICS]
    head = "| round | side | " + " | ".join(label for _k, label, _u in METRICS) + " |"
    rows = [head, "|" + " --- |" * (len(keys) + 2)]
    for n, r in enumerate(rounds, 1):
        for side, figures in (("baseline", r.baseline), ("service", r.service)):
            cells = [_fmt(figures[k]) if figures.get(k) is not None else "n/a" for k in keys]
            rows.append(f"| {n} | {side} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def machine(postgres_version: str) -> str:
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({platform.machine()}, {platform.processor() or 'cpu'}), "
        f"Linux {platform.release()}, Python {platform.python_version()}, "
        f"Postgres {postgres_version}; load average at the end: {load}"
    )


def render(
    config: BenchConfig, rounds: list[RoundResult], postgres: str, where: str, minutes: float
) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `{COMMAND}` (`python -m bench`) on "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}, in {minutes:.1f} min.",
        "",
        f"- Machine: {machine(postgres)}.",
        f"- Postgres: {where}.",
        f"- Size: {len(rounds)} rounds, each the baseline then the service, "
        f"{config.events} quiet events per side and round over {config.leads} leads "
        f"({config.concurrency} at a time), {config.burst_leads} bursts of three per round "
        "(`BENCH_EVENTS`, `BENCH_ROUNDS`, `BENCH_LEADS`, `BENCH_CONCURRENCY`, "
        "`BENCH_BURST_LEADS`; `BENCH_DATABASE_URL` for an existing Postgres); then, per "
        f"round, {config.new_lead_warm_up} new leads per side to warm up and "
        f"{config.new_leads} measured, the measured ones' drafts approved at "
        f"{config.approval_rate:g}/s, {config.thread_events} events on one thread and "
        f"{config.ingest_seconds:g} s of events offered at {config.ingest_rate:g}/s "
        "(`BENCH_NEW_LEAD_WARM_UP`, `BENCH_NEW_LEADS`, `BENCH_APPROVAL_RATE`, "
        "`BENCH_THREAD_EVENTS`, "
        "`BENCH_INGEST_RATE`, `BENCH_INGEST_SECONDS`).",
        "- Service topology: "
        + (
            f"the API process and {config.workers} worker process(es) apart, as "
            "docker-compose runs it (`BENCH_WORKERS`; 0 runs the worker inside the API "
            "process, as `make run` does)."
            if config.workers
            else "one process, the API with its worker inside, as `make run` runs it "
            "(`BENCH_WORKERS=0`)."
        ),
        "",
        "## Issue 10's targets",
        "",
        "Each figure min / median / max over the rounds; met when every round meets it "
        "(how each is measured: below).",
        "",
        *targets_table(rounds),
        "",
        cold_start_line(rounds, config.new_lead_warm_up),
        "",
        "## Quiet events",
        "",
        "Each cell: min / median / max over the rounds. The ratio is service / baseline, "
        "round by round (for throughput higher is better, for the rest lower).",
        "",
        "| per event | baseline | service | service / baseline |",
        "| --- | --- | --- | --- |",
    ]
    for key, label, unit in METRICS:
        name = f"{label} ({unit})" if unit else label
        base = _spread([r.baseline.get(key) for r in rounds])
        svc = _spread([r.service.get(key) for r in rounds])
        lines.append(
            f"| {name} | {_cell(base)} | {_cell(svc)} | {_cell(_spread(_ratios(rounds, key)))} |"
        )
    second = _spread([r.extra.get("burst_second_ms") for r in rounds])
    gap = _spread([r.extra.get("burst_second_after_first_ms") for r in rounds])
    third = _spread([r.extra.get("burst_third_ms") for r in rounds])
    kept_before = _spread([r.extra.get("checkpoint_live_bytes_before_retention") for r in rounds])
    kept_after = _spread([r.extra.get("checkpoint_live_bytes_after_retention") for r in rounds])
    reasons: dict[str, int] = {}
    for r in rounds:
        for reason, count in (r.extra.get("reasons") or {}).items():
            reasons[str(reason)] = reasons.get(str(reason), 0) + count
    lines += [
        "",
        "Bursts (service only): three events for one lead posted back to back; each event's "
        "time from arrival (`received_at`) to `processed` (`processed_at`), median over the "
        "round's leads, then min / median / max over the rounds:",
        "",
        f"- 2nd event: {_cell(second)} ms",
        f"- 3rd event: {_cell(third)} ms",
        f"- 2nd event's `processed_at` after the 1st's: {_cell(gap)} ms (the target: at most "
        "100 ms)",
        "",
        "Retention (service only): live checkpoint rows per event of the round (every event "
        "the round posted), before and after the retention job with `CHECKPOINT_KEEP_DAYS=0` "
        "(each thread keeps its latest checkpoint; the target is at most 1,000 B):",
        "",
        f"- before retention: {_cell(kept_before)} B",
        f"- after retention: {_cell(kept_after)} B",
        "",
        "Decisions of the service's measured events, all rounds: "
        + ", ".join(f"`{k}` {v}" for k, v in sorted(reasons.items())),
        "",
        "## Rounds",
        "",
        _rounds_table(rounds),
        "",
        "Behind the targets (bench/service_targets.py), round by round:",
        "",
        *details_table(rounds),
        "",
        "## How it measures",
        "",
        "- **Workload** (`bench/workload.py`): one creator (the sample `ajay_shenoy`); each "
        "lead books a service, then views the page every minute (`seen_recently`: the sales "
        "graph's two-node path, `update_context -> should_act`). The booking runs on its own "
        "thread, where the customer onboarding agent drafts a welcome (`booking_welcome`, one "
        f"event in {config.events // config.leads}); the baseline's graph treats it as quiet, "
        "so this side does more work. A lead's events run one after another; leads run in "
        "parallel. The service decides a quiet event on a sales thread whose last run ended "
        "with the graph's own `update_context` and `should_act` and no graph run "
        "(`server/quiet_path.py`); the lead's first page view, and every event while a draft "
        "waits, runs the graph.",
        "- **Baseline** (`bench/baseline.py`): a bare LangGraph graph of that shape compiled "
        "with `AsyncPostgresSaver` (default durability, the saver's default lock, a pool of "
        "10 connections), run by asyncio tasks in the bench process on the same events and "
        "thread ids, on its own fresh database.",
        "- **Service** (`bench/service_run.py`, `bench/serve.py`, `bench/serve_worker.py`): "
        "the app in a uvicorn process, its worker inside it or in processes of its own (see "
        "the topology above; default settings, no model or provider credentials, access log "
        "off), on its own fresh database; HTTP clients `POST /events` "
        "and wait for the event to leave `queued` (one query per 10 ms tick for all waiting "
        "events, on the bench's own connection, so polling is not counted as the "
        "service's work; a client waits up to one tick longer than needed).",
        "- **Throughput**: events / wall time of the measured stretch (after a short warm-up).",
        "- **Python CPU**: user + system CPU of the processes doing the work (the bench "
        "process for the baseline; the service's API and worker processes for the service, "
        "HTTP handling included).",
        "- **Postgres CPU**: user + system CPU of the Postgres server's processes from "
        "`/proc` (postmaster, backends, background processes, and exited backends), so it "
        "includes the bench's status polling; n/a when the server is not on this machine.",
        "- **Round trips and statements**: counted on the client by `bench/db_counters.py` "
        "(the embedded Postgres has no `pg_stat_statements`): a round trip is each exchange a "
        "psycopg async connection waits on the server for outside pipeline mode (a query, "
        "BEGIN, COMMIT, a pool check), plus each pipeline Sync (an `executemany` outside a "
        "pipeline is one; LISTEN's notifications none); statements are each `execute`, "
        "each parameter set of an `executemany`, and each BEGIN / COMMIT / ROLLBACK / "
        "SAVEPOINT psycopg sends. Counted in the process doing the work, so the service's "
        "figures include its job queue (fetching and finishing jobs, heartbeats).",
        "- **Checkpoint bytes**: growth of `pg_total_relation_size` of `checkpoints`, "
        "`checkpoint_blobs` and `checkpoint_writes` over the measured stretch, per event.",
        "- **New leads** (`bench/new_leads.py`, `bench/baseline_new_leads.py`): each new "
        "lead's first page view, which drafts (the template drafter, no model) and stops at "
        "the approval interrupt; events / wall time over the leads, 32 at a time, after the "
        "warm-up leads, run the same way on both sides: a fresh service's pooled connections "
        "each plan a statement about ten times before they reuse one plan (Postgres plans a "
        "prepared statement's first five executions for their parameters; psycopg prepares "
        "on the fifth use), which its first 200 new leads pay (the cold start line above). "
        "The service: `POST /events` until the event leaves `queued` (its "
        "draft is pending then), on a second service of the same topology on its own fresh "
        "database. The baseline: a bare graph `update_context -> should_act -> draft -> save "
        "-> request_approval`, where `draft` fills a one-line template, `save` inserts the "
        "draft as one row of a `bench_drafts` table and `request_approval` calls "
        "`interrupt()`, on `AsyncPostgresSaver` as the quiet baseline.",
        "- **Approve to provider call** (`bench/approvals.py`): that second service sends "
        "WhatsApp through the project's Twilio stand-in (`tests/standins/twilio_server.py`, "
        "in the bench process, stamping each message's arrival); each new lead's draft is "
        "approved with `POST /approvals/{id}/decision`, open loop at the set rate (each "
        "request at its time, whatever the earlier ones are doing); latency from issuing "
        "the POST to the stand-in taking the message, p50 / p99 / max over the round's "
        "approvals (those sent within 30 s; the count sent is in the table above).",
        "- **One thread** (`bench/one_thread.py`): one lead's quiet events (a booking, then a "
        "page view a minute), each posted once the one before is processed; each event's "
        "`received_at` to `processed_at`, the median of the first ten against the median "
        "of the last ten.",
        "- **Ingest acknowledgement** (`bench/ingest.py`): quiet events over 64 leads of "
        "their own (each lead's booking and first view are posted and processed first, "
        "unmeasured: front-loaded, their 64 welcome drafts in 0.64 s overloaded the box "
        "and put acknowledgements up to 50 ms), `POST /events` open loop at the set rate; "
        "each request's time from "
        "being issued to its 202, p50 / p99 / max. Both open-loop figures send with "
        "`bench/lean_http.py`, a minimal HTTP/1.1 client over kept-alive connections (httpx "
        "spends about 3 ms of CPU a request, a third of a core at 100/s on this 2-core "
        "box). The worker processes them meanwhile (what it has not done when the offer "
        "ends is left). The offered rate in the table "
        "above is the rate the bench managed to issue them at.",
        "- **Second event after the first**: the bursts above, the 2nd event's "
        "`processed_at` less the 1st's, median over the round's bursts.",
        "- Other sessions may share this machine: compare the sides within a run (they are "
        "interleaved so both see the same load), not runs across days.",
        "",
    ]
    return "\n".join(lines)


def write_report(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
