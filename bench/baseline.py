"""The bare LangGraph loop: a two-node graph of the sales graph's quiet shape
(update_context -> should_act, which decides "quiet"), compiled with `AsyncPostgresSaver` as
LangGraph documents it (default durability, the saver's default lock, a connection pool),
run by `concurrency` asyncio tasks in this process, each run on its lead's thread id."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any, TypedDict

from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.graph import END, START, StateGraph
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from bench import db_counters
from bench.measure import Sample, per_event
from bench.postgres import checkpoint_bytes, postgres_cpu_s
from bench.workload import CREATOR, BenchEvent, client_queues, lead_ids

POOL_SIZE = 10  # the service's default pool size (DB_POOL_MAX_SIZE)
WARM_UP_LEADS = 4


class BareState(TypedDict, total=False):
    event: dict[str, Any]
    consumer: dict[str, Any]
    context: dict[str, Any]
    previous_seen_at: str | None
    decision: dict[str, Any]


def update_context(state: BareState) -> dict[str, Any]:
    context = dict(state.get("context") or {"events": 0, "last_seen_at": None, "enrolled": []})
    event = state["event"]
    previous = context["last_seen_at"]
    context["events"] += 1
    context["last_seen_at"] = event["occurred_at"]
    if event["type"] == "booking_created":
        context["enrolled"] = [*context["enrolled"], event["payload"]["service_id"]]
    return {"context": context, "previous_seen_at": previous}


def should_act(state: BareState) -> dict[str, Any]:
    event, previous = state["event"], state.get("previous_seen_at")
    if event["type"] == "booking_created":
        return {"decision": {"act": False, "reason": "already_enrolled"}}
    recent = previous is not None and datetime.fromisoformat(
        event["occurred_at"]
    ) - datetime.fromisoformat(previous) < timedelta(hours=24)
    return {"decision": {"act": not recent, "reason": "seen_recently" if recent else "new_lead"}}


def build_bare_graph() -> StateGraph:
    builder = StateGraph(BareState)
    builder.add_node("update_context", update_context)
    builder.add_node("should_act", should_act)
    builder.add_edge(START, "update_context")
    builder.add_edge("update_context", "should_act")
    builder.add_edge("should_act", END)
    return builder


async def _run_queue(graph: Any, queue: list[BenchEvent]) -> None:
    for event in queue:
        body = event.body()
        graph_input = {
            "event": {k: body[k] for k in ("type", "occurred_at", "payload")},
            "consumer": {"id": event.lead},
        }
        config = {"configurable": {"thread_id": f"sales:{CREATOR}:{event.lead}"}}
        result = await graph.ainvoke(graph_input, config)
        assert not result["decision"]["act"], result["decision"]  # quiet, as the service's


def _sample(database_url: str, postmaster: int | None) -> Sample:
    counts = db_counters.snapshot()
    return Sample(
        wall_s=time.perf_counter(),
        python_cpu_s=time.process_time(),
        postgres_cpu_s=postgres_cpu_s(postmaster) if postmaster else None,
        round_trips=counts.round_trips,
        statements=counts.statements,
        checkpoint_bytes=checkpoint_bytes(database_url),
    )


@contextlib.asynccontextmanager
async def bare_saver(database_url: str) -> AsyncIterator[tuple[AsyncConnectionPool, Any]]:
    """A pool and an `AsyncPostgresSaver` as a bare LangGraph app sets them up (default
    durability and lock), with the checkpoint tables created: (pool, saver)."""
    async with AsyncConnectionPool(
        database_url,
        max_size=POOL_SIZE,
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
        open=False,
    ) as pool:
        await pool.open(wait=True)
        saver = AsyncPostgresSaver(pool)  # type: ignore[arg-type]
        await saver.setup()
        yield pool, saver


async def run_baseline(
    database_url: str, postmaster: int | None, events: int, leads: int, concurrency: int
) -> dict[str, float | None]:
    """One measured round on an empty database: per-event figures."""
    db_counters.install()
    async with bare_saver(database_url) as (_, saver):
        graph = build_bare_graph().compile(checkpointer=saver)
        warm_up = client_queues(lead_ids("warm", WARM_UP_LEADS), 2 * WARM_UP_LEADS, concurrency)
        await asyncio.gather(*(_run_queue(graph, q) for q in warm_up))

        queues = client_queues(lead_ids("lead", leads), events, concurrency)
        before = _sample(database_url, postmaster)
        await asyncio.gather(*(_run_queue(graph, q) for q in queues))
        after = _sample(database_url, postmaster)
    return per_event(before, after, events)
