"""The bare LangGraph loop for new leads: bench/baseline.py's two nodes, then a template
draft, the draft saved as one row, and the approval interrupt:

update_context -> should_act -> draft -> save -> request_approval (`interrupt()`)

compiled with `AsyncPostgresSaver` as the quiet baseline is (default durability, the saver's
default lock, a pool of 10 connections), run by `concurrency` asyncio tasks in this process
on each new lead's first page view; a run ends at the interrupt, as the service's does.
Warm-up leads go first, the same way (bench/config.py says why)."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt
from psycopg_pool import AsyncConnectionPool

from bench.baseline import BareState, bare_saver, should_act, update_context
from bench.new_leads import first_view
from bench.workload import CREATOR, lead_ids


class DraftingState(BareState, total=False):
    draft: dict[str, Any]
    approval_id: str
    review: Any


def draft(state: DraftingState) -> dict[str, Any]:
    lead = state["consumer"]["id"]
    body = f"Hi {lead}, thanks for visiting! Happy to help you pick a session that fits."
    return {"draft": {"channel": "whatsapp", "body": body}}


def make_save(pool: AsyncConnectionPool):
    async def save(state: DraftingState) -> dict[str, Any]:
        approval_id = f"apr_{uuid.uuid4().hex[:16]}"
        async with pool.connection() as conn:
            await conn.execute(
                "INSERT INTO bench_drafts (id, consumer_id, body) VALUES (%s, %s, %s)",
                (approval_id, state["consumer"]["id"], state["draft"]["body"]),
            )
        return {"approval_id": approval_id}

    return save


def request_approval(state: DraftingState) -> dict[str, Any]:
    return {"review": interrupt({"approval_id": state["approval_id"], "draft": state["draft"]})}


def build_drafting_graph(pool: AsyncConnectionPool) -> StateGraph:
    builder = StateGraph(DraftingState)
    builder.add_node("update_context", update_context)
    builder.add_node("should_act", should_act)
    builder.add_node("draft", draft)
    builder.add_node("save", make_save(pool))
    builder.add_node("request_approval", request_approval)
    builder.add_edge(START, "update_context")
    builder.add_edge("update_context", "should_act")
    builder.add_conditional_edges(
        "should_act", lambda s: "draft" if s["decision"]["act"] else END, ["draft", END]
    )
    builder.add_edge("draft", "save")
    builder.add_edge("save", "request_approval")
    builder.add_edge("request_approval", END)
    return builder


async def _run_leads(graph: Any, leads: list[str]) -> None:
    for lead in leads:
        body = first_view(lead)
        graph_input = {
            "event": {k: body[k] for k in ("type", "occurred_at", "payload")},
            "consumer": {"id": lead},
        }
        config = {"configurable": {"thread_id": f"sales:{CREATOR}:{lead}"}}
        result = await graph.ainvoke(graph_input, config)
        assert result.get("__interrupt__"), "a new lead's run ends at the approval interrupt"


async def _run_concurrently(graph: Any, names: list[str], concurrency: int) -> float:
    """Events per second over the leads' first views, `concurrency` at a time."""
    clients = min(concurrency, len(names))
    started = time.perf_counter()
    await asyncio.gather(*(_run_leads(graph, names[w::clients]) for w in range(clients)))
    return len(names) / (time.perf_counter() - started)


async def run_new_lead_baseline(
    database_url: str, leads: int, concurrency: int, warm_up: int
) -> tuple[float, float]:
    """Events per second over `warm_up` new leads' first views on an empty database (cold),
    then over `leads` more (measured)."""
    async with bare_saver(database_url) as (pool, saver):
        async with pool.connection() as conn:
            await conn.execute(
                "CREATE TABLE bench_drafts (id text PRIMARY KEY, consumer_id text NOT NULL,"
                " body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
            )
        graph = build_drafting_graph(pool).compile(checkpointer=saver)
        cold = await _run_concurrently(graph, lead_ids("newwarm", warm_up), concurrency)
        return cold, await _run_concurrently(graph, lead_ids("new", leads), concurrency)
