"""`make bench`'s machinery at a tiny size: both sides run, the target figures are measured
(new leads, approvals through the Twilio stand-in, one thread, ingest) and the report is
written. Numbers only have to be there and positive; benchmarks are never timed assertions."""

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
        new_lead_warm_up=3,
        new_leads=6,
        thread_events=12,
        ingest_seconds=0.5,
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
    # A lead's booking runs on its own thread (the customer agent's welcome); their page
    # views after it are quiet on the sales thread.
    assert set(result.extra["reasons"]) <= {"booking_welcome", "seen_recently"}
    assert result.extra["burst_second_after_first_ms"] > 0
    targets = result.targets
    for side in ("baseline_new_lead", "new_lead"):
        assert targets[f"{side}_events_per_s"] > 0 and targets[f"{side}_cold_events_per_s"] > 0
    # Every approved draft reached the stand-in: each latency is from its POST to its send.
    assert targets["approvals_sent"] == targets["approvals"] == 6
    assert 0 < targets["approval_p50_ms"] <= targets["approval_p99_ms"]
    assert targets["thread_first_ms"] > 0 and targets["thread_last_ms"] > 0
    assert targets["ingest_refused"] == 0 and targets["ingest_p99_ms"] > 0
    text = report.read_text()
    assert "| throughput (events/s) |" in text and "service / baseline" in text
    assert "2nd event:" in text and "Postgres" in text
    assert "## Issue 10's targets" in text
    assert "Cold start, not a target: over the 3 new leads" in text
    for label in (
        "new-lead (draft + interrupt) throughput",
        "approve-to-provider-call p99",
        "processed after the first",
        "one thread: latency",
        "stored checkpoint bytes per event after retention",
        "ingest acknowledgement p99",
    ):
        assert label in text, label
