"""What one side spends over a measured stretch, and the same per event."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

# The per-event figures of a round, in the report's order: (key, label, unit).
METRICS = (
    ("events_per_s", "throughput", "events/s"),
    ("python_cpu_ms", "Python CPU per event", "ms"),
    ("postgres_cpu_ms", "Postgres CPU per event", "ms"),
    ("round_trips", "DB round trips per event", ""),
    ("statements", "DB statements per event", ""),
    ("checkpoint_bytes", "stored checkpoint bytes per event", "B"),
)


@dataclass(frozen=True)
class Sample:
    """Counters at one instant; only differences between two samples mean anything."""

    wall_s: float
    python_cpu_s: float
    postgres_cpu_s: float | None  # None: the server's processes are not visible here
    round_trips: int
    statements: int
    checkpoint_bytes: int


def per_event(before: Sample, after: Sample, events: int) -> dict[str, float | None]:
    def rate(total: float) -> float:
        return total / events

    pg = (
        rate(after.postgres_cpu_s - before.postgres_cpu_s) * 1000
        if after.postgres_cpu_s is not None and before.postgres_cpu_s is not None
        else None
    )
    return {
        "events_per_s": events / (after.wall_s - before.wall_s),
        "python_cpu_ms": rate(after.python_cpu_s - before.python_cpu_s) * 1000,
        "postgres_cpu_ms": pg,
        "round_trips": rate(after.round_trips - before.round_trips),
        "statements": rate(after.statements - before.statements),
        "checkpoint_bytes": rate(after.checkpoint_bytes - before.checkpoint_bytes),
    }


def percentile(values: list[float], pct: int) -> float:
    """The `pct`-th percentile of `values` (linear between the two nearest samples)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def offered_rate(issued_at: list[float]) -> float | None:
    """Requests per second as issued: from the first to the last."""
    span = max(issued_at) - min(issued_at) if issued_at else 0.0
    return (len(issued_at) - 1) / span if span > 0 else None
