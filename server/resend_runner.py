"""Sends an unconfirmed or unsent message again after a person chose `resend` for it.

Runs as a job on the thread's lock, like every other job of that lead. The route moved the
row to 'retry' (once, by compare-and-set); this claims it like the send node does, so however
often the job runs, each resolve reaches the provider at most once.
"""

from __future__ import annotations

from psycopg_pool import AsyncConnectionPool

from nodes.send_message import flag_stopped_mid_call, may_contact, send_claimed
from server.sales_runner import consumer_facts
from server.store import leads, message_log
from server.store.rows import ALL_CREATORS
from tools.channels import OutgoingMessage, Transport
from tools.sales_store import MessageRecord, SalesStore


class ResendRunner:
    def __init__(
        self, pool: AsyncConnectionPool, transports: dict[str, Transport], store: SalesStore
    ):
        self._pool = pool
        self._transports = transports
        self._store = store

    async def resend(self, message_id: str, final_attempt: bool = False) -> None:
        async with self._pool.connection() as conn:
            row = await message_log.get_message(conn, ALL_CREATORS, message_id)
            if row is None:
                return
            consumer = await leads.get_lead(conn, row["creator_id"], row["consumer_id"])
            context_row = await leads.get_lead_context(conn, row["creator_id"], row["consumer_id"])
        thread_id = row["thread_id"]
        if row["status"] == "sending":  # an earlier attempt of this job died mid-call
            fields = MessageRecord.__dataclass_fields__
            await flag_stopped_mid_call(
                self._store, thread_id, MessageRecord(**{k: row[k] for k in fields})
            )
            return
        record = await self._store.claim_retry(message_id)
        if record is None:
            return  # sent, failed or settled otherwise meanwhile
        context = context_row["context"] if context_row else {}
        message = OutgoingMessage(
            message_id=record.id,
            to=row["to_address"],
            body=row["body"],
            subject=row["subject"],
            last_inbound_at=context.get("last_inbound_at"),
        )
        allowed = consumer is not None and may_contact(
            context, consumer_facts(consumer), row["channel"]
        )
        await send_claimed(
            self._transports[row["channel"]],
            self._store,
            thread_id,
            record,
            message,
            allowed=allowed,
            final_attempt=final_attempt,
        )
