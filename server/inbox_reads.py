"""What the inbox's pages read from the store, shaped for their templates: the approved
profile drafts are explained against, a sales profile review beside its facts, and a lead's
thread. Every read is scoped to the signed-in creator."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection

from domain.profile_writing import WRITING_FIELDS
from domain.thread_ids import sales_thread_id
from server import inbox_views
from server.store import approval_queue, creator_profiles, event_log, leads, message_log

# The most items of each kind (events, drafts, messages) a lead's page shows.
THREAD_LIMIT = 100


async def approved_profile(conn: AsyncConnection, creator_id: str) -> dict[str, Any]:
    """The creator's approved sales profile ({} before the first one)."""
    latest = await creator_profiles.latest_profile(conn, creator_id)
    return latest["profile"] if latest else {}


async def profile_review(
    conn: AsyncConnection, creator_id: str, approval_id: str
) -> dict[str, Any] | None:
    """A profile to review: its written fields, its facts and its changes from the approved
    version; None when the creator has no such review."""
    approval = await approval_queue.get_approval(conn, creator_id, approval_id)
    if approval is None or approval["kind"] != "profile":
        return None
    approved = await creator_profiles.latest_profile(conn, creator_id)
    return {
        "approval": approval,
        "facts": inbox_views.profile_facts(approval["draft"]),
        "fields": [
            {
                "name": name,
                "label": inbox_views.FIELD_LABELS[name],
                "text": inbox_views.field_text(name, approval["draft"].get(name)),
            }
            for name in WRITING_FIELDS
        ],
        "approved_version": approved["version"] if approved else None,
        "changes": inbox_views.profile_changes(
            approval["draft"], approved["profile"] if approved else None
        ),
    }


async def lead_thread(
    conn: AsyncConnection, creator_id: str, lead_id: str
) -> dict[str, Any] | None:
    """A lead, its context and its events, drafts and messages on one timeline; None when
    the creator has no such lead."""
    lead = await leads.get_lead(conn, creator_id, lead_id)
    if lead is None:
        return None
    thread_id = sales_thread_id(creator_id, lead_id)
    context = await leads.get_lead_context(conn, creator_id, lead_id)
    events = await event_log.thread_events(conn, thread_id, THREAD_LIMIT)
    approvals = await approval_queue.thread_approvals(conn, thread_id, THREAD_LIMIT)
    messages = await message_log.thread_messages(conn, thread_id, THREAD_LIMIT)
    profile = await approved_profile(conn, creator_id)
    return {
        "lead": lead,
        "context": inbox_views.context_lines(context["context"] if context else None, profile),
        "items": inbox_views.thread_items(events, approvals, messages, profile),
    }
