"""docs/benchmarks.md's targets: issue 10's figures, each beside its target, said met or not,
and the figures behind them round by round."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Figure = Callable[[Any], float | None]  # a RoundResult's value of the figure, or None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


@dataclass(frozen=True)
class Target:
    label: str
    unit: str
    bound: float
    at_least: bool  # True: the figure must be >= bound; False: <= bound
    figure: Figure

    def met(self, value: float) -> bool:
        return value >= self.bound if self.at_least else value <= self.bound

    def wording(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{'≥' if self.at_least else '≤'} {self.bound:,g}{unit}"


TARGETS = (
    Target(
        "quiet-event throughput, service / baseline",
        "x",
        2.0,
        True,
        lambda r: _ratio(r.service.get("events_per_s"), r.baseline.get("events_per_s")),
    ),
    Target(
        "new-lead (draft + interrupt) throughput, service / baseline",
        "x",
        1.5,
        True,
        lambda r: _ratio(
            r.targets.get("new_lead_events_per_s"), r.targets.get("baseline_new_lead_events_per_s")
        ),
    ),
    Target(
        "approve-to-provider-call p99 at 20 approvals/s",
        "ms",
        50,
        False,
        lambda r: r.targets.get("approval_p99_ms"),
    ),
    Target(
        "second event of a pair for one lead, processed after the first",
        "ms",
        100,
        False,
        lambda r: r.extra.get("burst_second_after_first_ms"),
    ),
    Target(
        "one thread: latency of its last events / its first (median of 10 each)",
        "x",
        1.2,
        False,
        lambda r: r.targets.get("thread_last_over_first"),
    ),
    Target(
        "stored checkpoint bytes per event after retention",
        "B",
        1000,
        False,
        lambda r: r.extra.get("checkpoint_live_bytes_after_retention"),
    ),
    Target(
        "ingest acknowledgement p99 at 100 events/s offered",
        "ms",
        20,
        False,
        lambda r: r.targets.get("ingest_p99_ms"),
    ),
)

# Figures behind the targets, per round: (key in RoundResult.targets, column heading).
DETAILS = (
    ("baseline_new_lead_cold_events_per_s", "cold new leads/s, baseline"),
    ("new_lead_cold_events_per_s", "cold new leads/s, service"),
    ("baseline_new_lead_events_per_s", "new leads/s, baseline"),
    ("new_lead_events_per_s", "new leads/s, service"),
    ("approvals_sent", "approvals sent"),
    ("approval_rate", "approvals/s offered"),
    ("approval_p50_ms", "approval p50 ms"),
    ("approval_p99_ms", "approval p99 ms"),
    ("approval_max_ms", "approval max ms"),
    ("thread_events", "thread events"),
    ("thread_first_ms", "thread first 10 ms"),
    ("thread_last_ms", "thread last 10 ms"),
    ("ingest_rate", "ingest/s offered"),
    ("ingest_p50_ms", "ingest p50 ms"),
    ("ingest_p99_ms", "ingest p99 ms"),
    ("ingest_max_ms", "ingest max ms"),
)


def _fmt(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"


def _spread(values: list[float]) -> str:
    return " / ".join(_fmt(v) for v in (min(values), statistics.median(values), max(values)))


def verdict(target: Target, values: list[float]) -> str:
    if not values:
        return "not measured"
    if all(target.met(v) for v in values):
        return "**met**"
    if target.met(statistics.median(values)):
        return "met by the median, not by every round"
    return "**not met**"


def targets_table(rounds: list[Any]) -> list[str]:
    lines = [
        "| figure | min / median / max | target | |",
        "| --- | --- | --- | --- |",
    ]
    for target in TARGETS:
        values = [v for v in (target.figure(r) for r in rounds) if v is not None]
        spread = _spread(values) if values else "n/a"
        unit = f" {target.unit}" if target.unit else ""
        lines.append(
            f"| {target.label} | {spread}{unit} | {target.wording()} | {verdict(target, values)} |"
        )
    return lines


def cold_start_line(rounds: list[Any], warm_up: int) -> str:
    """The new-lead ratio over the warm-up leads, which a fresh service runs cold."""
    values = [
        v
        for v in (
            _ratio(
                r.targets.get("new_lead_cold_events_per_s"),
                r.targets.get("baseline_new_lead_cold_events_per_s"),
            )
            for r in rounds
        )
        if v is not None
    ]
    if not values:
        return "Cold start: not measured."
    spread = _spread(values)
    return (
        f"Cold start, not a target: over the {warm_up} new leads each side runs first, on a "
        f"fresh service, the new-lead ratio is {spread} x (min / median / max). The target's "
        "figure is over the leads that follow them (bench/config.py says why)."
    )


def details_table(rounds: list[Any]) -> list[str]:
    head = "| round | " + " | ".join(label for _key, label in DETAILS) + " |"
    lines = [head, "|" + " --- |" * (len(DETAILS) + 1)]
    for n, r in enumerate(rounds, 1):
        cells = [_fmt(r.targets.get(key)) for key, _label in DETAILS]
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    return lines
