"""A WhatsApp message from a lead, posted by Twilio: stored as an `inbound_message` event on
the lead's thread and queued in one transaction (as POST /events does), so the sales graph
answers it in the queue while Twilio gets its answer at once.

An opt-out ("STOP", "not interested"...) also withdraws the number's WhatsApp consent and its
unsent WhatsApp drafts for every creator on the sender, in the same transaction: Twilio's
own STOP is per sender, and the sender is shared. Each MessageSid counts once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from typing import Any, Protocol

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from domain.opt_out import is_opt_out, is_sender_stop
from domain.thread_ids import sales_thread_id
from domain.twilio_forms import InboundMessage
from server.channel_opt_out import opt_out_of_channel
from server.store import consent_ledger, deliveries, event_log, lead_lookup, suppressions

log = logging.getLogger("creator_agents")
SOURCE = "twilio"


class EventQueue(Protocol):
    def event_job(self, event_id: str, thread_id: str) -> dict[str, Any]: ...


def event_text(message: InboundMessage) -> str:
    """The event's text: what the lead wrote, or what they sent when they wrote nothing."""
    if message.text.strip():
        return message.text
    return f"(no text; {message.media_count} attachment(s))"


async def take_inbound(
    pool: AsyncConnectionPool, jobs: EventQueue, sender: str | None, message: InboundMessage
) -> str:
    """Store and queue the message once; what happened, in a word."""
    async with pool.connection() as conn, conn.transaction():
        if not await deliveries.first_receipt(conn, SOURCE, message.message_sid):
            return "repeat"
        if sender is None or message.to_number != sender:
            # Not this service's number (a console pointing at the wrong service?): Twilio
            # must not retry it, but someone should hear of it.
            log.warning(
                "Twilio inbound message %s was written to %s, which is not TWILIO_WHATSAPP_FROM;"
                " ignored",
                message.message_sid,
                message.to_number,
            )
            return "unknown_sender"
        opting_out = is_opt_out(message.text)
        if opting_out:
            await _opt_out_of_sender(conn, message)
        lead = await lead_lookup.latest_lead_with_whatsapp(conn, message.from_number)
        if lead is None:
            log.info(
                "Twilio inbound message %s comes from a number no creator has a lead with",
                message.message_sid,
            )
            return "unknown_lead"
        await _queue_event(conn, jobs, lead["creator_id"], lead["id"], message)
        return "opted_out" if opting_out else "queued"


async def _queue_event(
    conn: AsyncConnection,
    jobs: EventQueue,
    creator_id: str,
    consumer_id: str,
    message: InboundMessage,
) -> None:
    event_id = f"twilio-{message.message_sid}"
    thread_id = sales_thread_id(creator_id, consumer_id)
    payload: dict[str, Any] = {
        "text": event_text(message),
        "channel": "whatsapp",
        "message_sid": message.message_sid,
    }
    if message.media_count:
        payload["media_count"] = message.media_count
    await event_log.insert_queued_event(
        conn,
        {
            "id": event_id,
            "creator_id": creator_id,
            "consumer_id": consumer_id,
            "thread_id": thread_id,
            "type": "inbound_message",
            "source": SOURCE,
            "payload": payload,
            "occurred_at": datetime.now(UTC),
            "request_hash": hashlib.sha256(
                json.dumps(payload, sort_keys=True).encode()
            ).hexdigest(),
        },
        jobs.event_job(event_id, thread_id),
    )


async def _opt_out_of_sender(conn: AsyncConnection, message: InboundMessage) -> None:
    """No creator on this sender writes to the number on WhatsApp again (until the lead gives
    consent anew); Twilio's own keywords also suppress the number, as Twilio blocks it."""
    evidence = {"message_sid": message.message_sid}
    if is_sender_stop(message.text):
        await suppressions.suppress(conn, "whatsapp", message.from_number, "stop", SOURCE, evidence)
    for lead in await consent_ledger.leads_with_whatsapp(conn, message.from_number):
        await opt_out_of_channel(
            conn,
            lead["creator_id"],
            lead["id"],
            "whatsapp",
            source="whatsapp_stop",
            given_by="lead",
            evidence=evidence,
        )
