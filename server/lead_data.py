"""A lead's data as a whole: how a lead is shown, everything about them (export), and
their erasure. Erasure spans every table that mentions the lead, so it lives here and
calls each table family's module inside one transaction."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from psycopg import AsyncConnection

from domain.thread_ids import sales_thread_id
from server.auth import Caller
from server.services import Services
from server.store import (
    approval_queue,
    audit_trail,
    bookings,
    consent_ledger,
    creator_records,
    event_log,
    leads,
    message_log,
    thread_state,
    thread_timers,
)

ERASURE_REASON = "erased"


def lead_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "creator_id": row["creator_id"],
        "external_id": row["id"],
        "name": row["name"],
        "whatsapp": row["whatsapp"],
        "email": row["email"],
        "timezone": row["timezone"],
        "consent": row["consent"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


async def require_creator(conn: AsyncConnection, caller: Caller, creator_id: str) -> None:
    if await creator_records.get_creator(conn, caller.scope, creator_id) is None:
        raise HTTPException(404, f"creator {creator_id!r} not found; create it with POST /creators")


async def export_lead(
    conn: AsyncConnection, creator_id: str, lead_id: str
) -> dict[str, Any] | None:
    lead = await leads.get_lead(conn, creator_id, lead_id)
    if lead is None:
        return None
    context = await leads.get_lead_context(conn, creator_id, lead_id)
    return {
        "consumer": lead_view(lead),
        "consent": lead["consent"],
        "context": context["context"] if context else None,
        "events": await event_log.lead_events(conn, creator_id, lead_id),
        "approvals": await approval_queue.lead_approvals(conn, creator_id, lead_id),
        "messages": await message_log.lead_messages(conn, creator_id, lead_id),
        "audit_log": await audit_trail.lead_audit(conn, creator_id, lead_id),
        "consent_ledger": await consent_ledger.lead_ledger(conn, creator_id, lead_id),
        "bookings": await bookings.lead_bookings(conn, creator_id, lead_id),
        "scheduled": await thread_timers.lead_timers(conn, creator_id, lead_id),
    }


def _busy() -> HTTPException:
    return HTTPException(
        409, "the agent is working on this lead right now; try again in a few seconds"
    )


async def _any_busy(conn: Any, threads: list[str]) -> bool:
    """Is a job of one of these threads running right now (their queued ones locked)?"""
    return any([await thread_state.lock_thread_jobs(conn, t) for t in threads])


async def erase_lead(
    services: Services, caller: Caller, creator_id: str, lead_id: str
) -> dict[str, Any]:
    async with services.pool.connection() as conn, conn.transaction():
        if not await leads.lock_lead(conn, creator_id, lead_id):
            raise HTTPException(404, f"lead {lead_id!r} of creator {creator_id!r} not found")
        # The lead exists, so both ids are plain (no ':'): a valid thread id. Their bookings
        # each have a thread too (customer onboarding).
        threads = [sales_thread_id(creator_id, lead_id)] + [
            b["thread_id"] for b in await bookings.lead_bookings(conn, creator_id, lead_id)
        ]
        if await _any_busy(conn, threads):
            raise _busy()
        withdrawn = await approval_queue.withdraw_pending_of_lead(
            conn, creator_id, lead_id, ERASURE_REASON
        )
        deleted = {
            "messages": await message_log.delete_lead_messages(conn, creator_id, lead_id),
            "approvals": await approval_queue.delete_lead_approvals(conn, creator_id, lead_id),
            "events": await event_log.delete_lead_events(conn, creator_id, lead_id),
            "audit_entries": await audit_trail.erase_lead_audit(conn, creator_id, lead_id),
        }
        # A decision or a resolve committing meanwhile held rows deleted above: it has
        # committed by now, and the job it queued may have started. Look again.
        if await _any_busy(conn, threads):
            raise _busy()
        deleted["jobs"] = sum([await thread_state.drop_thread_jobs(conn, t) for t in threads])
        deleted["checkpoint_rows"] = sum(
            [await thread_state.delete_checkpoints(conn, t) for t in threads]
        )
        deleted["timers"] = await thread_timers.delete_lead_timers(conn, creator_id, lead_id)
        deleted["bookings"] = await bookings.delete_lead_bookings(conn, creator_id, lead_id)
        deleted["consent_entries"] = await consent_ledger.delete_lead_ledger(
            conn, creator_id, lead_id
        )
        deleted["consumers"] = await leads.delete_lead(conn, creator_id, lead_id)
        # The erasure's own record names the creator, never the lead.
        await audit_trail.audit(
            conn,
            creator_id,
            caller.actor,
            "lead_erased",
            {"withdrawn_drafts": withdrawn, "deleted": deleted},
        )
    return {"erased": True, "withdrawn_drafts": withdrawn, "deleted": deleted}
