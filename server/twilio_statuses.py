"""A Twilio status callback on a WhatsApp message the service sent: the message's delivery
status moves forward only (store.deliveries), so repeats and late, out-of-order callbacks
change nothing; Twilio's error code is kept. A failure saying the number opted out of the
sender (21610) or is no WhatsApp recipient (63024) suppresses the number and withdraws its
WhatsApp consent for every creator's lead with it: the sender is shared."""

from __future__ import annotations

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from domain.twilio_forms import LEAD_UNREACHABLE_CODES, StatusReport
from server.channel_opt_out import opt_out_of_channel
from server.store import consent_ledger, deliveries, suppressions

TRANSPORT = "twilio"


async def apply_status(pool: AsyncConnectionPool, report: StatusReport) -> str:
    """What the callback changed, in a word: 'advanced', or 'unchanged'."""
    async with pool.connection() as conn, conn.transaction():
        await deliveries.lock_provider_message(conn, report.message_sid)
        moved = await deliveries.advance_delivery(
            conn, TRANSPORT, report.message_sid, report.status, report.error_code
        )
        if moved is not None:
            await deliveries.audit_not_delivered(conn, moved)
        if report.status in deliveries.FINAL_STATUSES and report.error_code:
            await _number_unreachable(conn, report)
        return "advanced" if moved is not None else "unchanged"


async def _number_unreachable(conn: AsyncConnection, report: StatusReport) -> None:
    reason = LEAD_UNREACHABLE_CODES.get(report.error_code or "")
    if reason is None or report.to_number is None:
        return
    evidence = {"message_sid": report.message_sid, "error_code": report.error_code}
    await suppressions.suppress(conn, "whatsapp", report.to_number, reason, TRANSPORT, evidence)
    for lead in await consent_ledger.leads_with_whatsapp(conn, report.to_number):
        await opt_out_of_channel(
            conn,
            lead["creator_id"],
            lead["id"],
            "whatsapp",
            source=TRANSPORT,
            given_by="provider",
            evidence=evidence,
        )
