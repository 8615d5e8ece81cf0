"""A lead opts out of a creator's messages on one channel: their email unsubscribe link or
mailto, a complaint to their mailbox provider, a STOP on WhatsApp, or the provider saying
they opted out. Runs in the caller's transaction."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection

from domain.thread_ids import sales_thread_id
from server.draft_withdrawal import withdraw_unsent_drafts
from server.store import audit_trail, consent_ledger, leads

# The reason code a withdrawn draft shows (domain/reasons.py). Every draft not sent yet
# (server.draft_withdrawal.UNSENT) is withdrawn: none may go to a lead who opted out (as an
# opt-out event withdraws them in the graph, tools.sales_store.Withdrawal).
OPTED_OUT = "opted_out"


async def opt_out_of_channel(
    conn: AsyncConnection,
    creator_id: str,
    consumer_id: str,
    channel: str,
    *,
    source: str,
    given_by: str,
    evidence: dict[str, Any] | None = None,
) -> bool | None:
    """Withdraw the lead's consent for `channel` (a ledger entry and an audit entry
    `consent_withdrawn`) and their drafts for it not sent yet. True when this withdrew it,
    False when it was withdrawn already (nothing new is written), None for no such lead."""
    if not await leads.lock_lead(conn, creator_id, consumer_id):
        return None
    lead = await leads.get_lead(conn, creator_id, consumer_id)
    thread_id = sales_thread_id(creator_id, consumer_id)
    # Drafts first: a repeat (or a draft approved since) finds nothing more to withdraw.
    await withdraw_unsent_drafts(
        conn, creator_id, consumer_id, reason=OPTED_OUT, source=source, channel=channel
    )
    if (lead["consent"] or {}).get(channel) is False:
        return False
    await consent_ledger.record_consent(
        conn,
        creator_id,
        consumer_id,
        channel,
        False,
        source=source,
        given_by=given_by,
        evidence=evidence,
    )
    await audit_trail.audit_thread(
        conn,
        thread_id,
        "system",
        "consent_withdrawn",
        {"channel": channel, "source": source, "given_by": given_by, **(evidence or {})},
    )
    return True
