from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query

from domain.threads import sales_thread_id
from server import repository
from server.deps import ServicesDep

router = APIRouter(tags=["threads"])


@router.get("/threads/{creator_id}/{consumer_id}")
async def get_thread(
    creator_id: str, consumer_id: str, services: ServicesDep, limit: int = Query(50, ge=1, le=500)
) -> dict[str, Any]:
    """One lead's story with one creator: context, events, drafts, messages, audit trail,
    and whether the agent is waiting for the creator right now."""
    async with services.pool.connection() as conn:
        if await repository.get_creator(conn, creator_id) is None:
            raise HTTPException(404, f"creator {creator_id!r} not found")
        consumer = await repository.get_consumer(conn, consumer_id)
        if consumer is None:
            raise HTTPException(404, f"consumer {consumer_id!r} not found")
        # Both exist, so both ids are plain (no ':'): a valid thread id.
        thread_id = sales_thread_id(creator_id, consumer_id)
        context = await repository.get_consumer_context(conn, creator_id, consumer_id)
        events = await repository.thread_events(conn, thread_id, limit)
        approvals = await repository.thread_approvals(conn, thread_id, limit)
        messages = await repository.thread_messages(conn, thread_id, limit)
        audit = await repository.thread_audit(conn, thread_id, limit)
    snapshot = await services.graph.aget_state({"configurable": {"thread_id": thread_id}})
    return {
        "thread_id": thread_id,
        "consumer": consumer,
        "context": context["context"] if context else None,
        "awaiting_approval": bool(snapshot.interrupts),
        "pending_interrupts": [{"id": i.id, "value": i.value} for i in snapshot.interrupts],
        "events": events,
        "approvals": approvals,
        "messages": messages,
        "audit_log": audit,
    }
