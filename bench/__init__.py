"""`make bench`: the bare LangGraph loop and the service end to end, interleaved, on one Postgres.

Writes docs/benchmarks.md. Never part of the test suite's assertions: numbers, not verdicts.
"""
