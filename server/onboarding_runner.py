"""Runs the onboarding graph for a queued onboarding or a decided profile review."""

from __future__ import annotations

from typing import Any

from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command
from psycopg_pool import AsyncConnectionPool

from domain.thread_ids import onboarding_thread_id
from server.store import approval_queue, onboarding_runs
from server.store.rows import ALL_CREATORS
from tools.onboarding_store import OnboardingStore

DURABILITY = "sync"


def onboarding_thread(onboarding_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": onboarding_thread_id(onboarding_id)}}


class OnboardingRunner:
    def __init__(
        self, pool: AsyncConnectionPool, graph: CompiledStateGraph, store: OnboardingStore
    ):
        self._pool = pool
        self._graph = graph
        self._store = store

    async def run(self, onboarding_id: str) -> None:
        async with self._pool.connection() as conn:
            run = await onboarding_runs.get_onboarding(conn, ALL_CREATORS, onboarding_id)
        if run is None or run["status"] in ("awaiting_review", "approved", "rejected", "failed"):
            return
        config = onboarding_thread(onboarding_id)
        snapshot = await self._graph.aget_state(config)
        if snapshot.values:
            # An earlier attempt stopped mid-run: continue from its checkpoint.
            await self._graph.ainvoke(None, config, durability=DURABILITY)
        else:
            await self._graph.ainvoke(
                {
                    "onboarding_id": onboarding_id,
                    "username": run["creator_id"],
                    "raw_data": run["raw_data"],
                },
                config,
                durability=DURABILITY,
            )

    async def fail(self, onboarding_id: str, error: str) -> None:
        await self._store.update_run(onboarding_id, status="failed", error=error)

    async def resume(self, approval_id: str) -> None:
        async with self._pool.connection() as conn:
            approval = await approval_queue.get_approval(conn, ALL_CREATORS, approval_id)
        if approval is None or approval["decision"] is None:
            return
        config = {"configurable": {"thread_id": approval["thread_id"]}}
        snapshot = await self._graph.aget_state(config)
        pending = snapshot.values.get("pending") or {}
        if pending.get("approval_id") != approval_id:
            return  # already resumed
        if snapshot.interrupts:
            await self._graph.ainvoke(
                Command(resume=approval["decision"]), config, durability=DURABILITY
            )
        elif snapshot.next:
            await self._graph.ainvoke(None, config, durability=DURABILITY)
