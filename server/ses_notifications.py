"""What an SES notification (through SNS) changes: a permanent bounce suppresses the address,
a complaint suppresses it and withdraws email consent from every lead with it, a delivery
moves the message's delivery status on, and a mail to the unsubscribe mailbox opts its lead
out. SES notifications (`notificationType`) and SES event publishing (`eventType`) alike.

Each SNS message counts once (by its MessageId), in the transaction of its changes.
"""

from __future__ import annotations

import re
from email.utils import parseaddr
from typing import Any

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from domain.thread_ids import sales_thread_id
from domain.unsubscribe_tokens import verify
from server.channel_opt_out import opt_out_of_channel
from server.store import audit_trail, consent_ledger, deliveries, suppressions

MAX_ADDRESS_LENGTH = 320
MAX_RECIPIENTS = 100  # SES sends to at most 50 per message
# "unsubscribe u1.<...>" in the subject of a mail to UNSUBSCRIBE_EMAIL (server.unsubscribe_links).
MAILTO_TOKEN = re.compile(r"unsubscribe\s+(u1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def recipients(entries: Any) -> list[str]:
    """The addresses in a bounce's or complaint's recipient list, lower-case, each once."""
    found: list[str] = []
    for entry in (entries if isinstance(entries, list) else [])[:MAX_RECIPIENTS]:
        raw = _dict(entry).get("emailAddress")
        if not isinstance(raw, str) or len(raw) > MAX_ADDRESS_LENGTH:
            continue
        address = parseaddr(raw)[1].strip().lower()
        if "@" in address and address not in found:
            found.append(address)
    return found


def _text(value: Any, limit: int = 500) -> str | None:
    return value[:limit] if isinstance(value, str) else None


async def apply_notification(
    pool: AsyncConnectionPool, sns_message_id: str, ses: dict[str, Any] | None, secret: bytes
) -> str:
    """Act on the notification once; what happened, in a word."""
    async with pool.connection() as conn, conn.transaction():
        if not await deliveries.first_receipt(conn, "sns", sns_message_id):
            return "repeat"
        if ses is None:
            return "ignored"
        kind = ses.get("notificationType") or ses.get("eventType")
        mail = _dict(ses.get("mail"))
        details = {
            "sns_message_id": sns_message_id,
            "ses_message_id": _text(mail.get("messageId")),
        }
        if kind == "Bounce":
            return await _bounce(conn, _dict(ses.get("bounce")), mail, details)
        if kind == "Complaint":
            return await _complaint(conn, _dict(ses.get("complaint")), mail, details)
        if kind == "Delivery":
            await _advance(conn, mail, "delivered")
            return "delivered"
        if kind == "Received":
            return await _mail_to_unsubscribe(conn, mail, details, secret)
        return "ignored"


async def _advance(conn: AsyncConnection, mail: dict[str, Any], status: str) -> None:
    message_id = _text(mail.get("messageId"))
    if message_id:
        await deliveries.advance_delivery(conn, "ses", message_id, status)


async def _bounce(
    conn: AsyncConnection, bounce: dict[str, Any], mail: dict[str, Any], details: dict[str, Any]
) -> str:
    if bounce.get("bounceType") != "Permanent":
        return "transient_bounce"  # SES keeps trying; the address may work tomorrow
    details = {**details, "bounce_subtype": _text(bounce.get("bounceSubType"))}
    for address in recipients(bounce.get("bouncedRecipients")):
        if await suppressions.suppress(conn, "email", address, "bounce", "ses", details):
            await _audit_leads(conn, address, "address_suppressed", {"reason": "bounce", **details})
    await _advance(conn, mail, "bounced")
    return "bounce"


async def _complaint(
    conn: AsyncConnection,
    complaint: dict[str, Any],
    mail: dict[str, Any],
    details: dict[str, Any],
) -> str:
    details = {**details, "feedback_type": _text(complaint.get("complaintFeedbackType"))}
    for address in recipients(complaint.get("complainedRecipients")):
        if await suppressions.suppress(conn, "email", address, "complaint", "ses", details):
            await _audit_leads(
                conn, address, "address_suppressed", {"reason": "complaint", **details}
            )
        # The lead marked a message as spam: no creator writes to them by email again.
        for lead in await consent_ledger.leads_with_email(conn, address):
            await opt_out_of_channel(
                conn,
                lead["creator_id"],
                lead["id"],
                "email",
                source="email_complaint",
                given_by="lead",
                evidence=details,
            )
    await _advance(conn, mail, "complained")
    return "complaint"


async def _audit_leads(
    conn: AsyncConnection, address: str, action: str, details: dict[str, Any]
) -> None:
    """An entry on the thread of every lead with this address, for the creator to see why."""
    for lead in await consent_ledger.leads_with_email(conn, address):
        thread_id = sales_thread_id(lead["creator_id"], lead["id"])
        await audit_trail.audit_thread(conn, thread_id, "system", action, details)


async def _mail_to_unsubscribe(
    conn: AsyncConnection, mail: dict[str, Any], details: dict[str, Any], secret: bytes
) -> str:
    """A mail to the List-Unsubscribe mailto (an SES receipt rule publishing to SNS)."""
    subject = _text(_dict(mail.get("commonHeaders")).get("subject"), 1000) or ""
    found = MAILTO_TOKEN.search(subject)
    target = verify(secret, found.group(1)) if found else None
    if target is None:
        return "ignored"
    done = await opt_out_of_channel(
        conn,
        target.creator_id,
        target.consumer_id,
        "email",
        source="unsubscribe_mailto",
        given_by="lead",
        evidence=details,
    )
    return "unsubscribed" if done is not None else "ignored"
