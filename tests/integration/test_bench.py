"""`make bench`'s machinery at a tiny size: both sides run and the report is written.
Numbers only have to be there and positive; benchmarks are never timed assertions."""

from __future__ import annotations

from bench.__main__ import run
from bench.config import BenchConfig
from bench.measure import METRICS


def test_a_tiny_bench_round_reports_both_sides(pg_server_url, tmp_path):
    report = tmp_path / "benchmarks.md"
    config = BenchConfig(
        events=20,
        rounds=1,
        leads=4,
        concurrency=4,
        burst_leads=1,
        database_url=pg_server_url,
        report_path=report,
    )
    (result,) = run(config)

    for side in (result.baseline, result.service):
        for key, _label, _unit in METRICS:
            value = side[key]
            if key == "checkpoint_bytes":
                assert value is not None and value >= 0  # tables grow by whole pages
            else:
                assert value is not None and value > 0, (key, side)
    assert result.extra["burst_second_ms"] > 0 and result.extra["burst_third_ms"] > 0
    assert set(result.extra["reasons"]) <= {"already_enrolled", "seen_recently"}
    text = report.read_text()
    assert "| throughput (events/s) |" in text and "service / baseline" in text
    assert "2nd event:" in text and "Postgres" in text
