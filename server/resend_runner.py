"""Sends an unconfirmed message again after a person chose `resend` for it.

Runs as a job on the thread's lock, like every other job of that lead. The route moved the
row from 'unconfirmed' to 'retry' (once, by compare-and-set); this claims it 'retry' ->
'sending' (once per attempt) before the provider is called, so however often the job runs,
each resolve reaches the provider at most once.
"""

from __future__ import annotations

from psycopg_pool import AsyncConnectionPool

from nodes.choose_channel import reachable_channels
from nodes.send_message import STOPPED_MID_CALL, deliver
from server import repository
from server.sales_runner import consumer_facts
from tools.channels import OutgoingMessage, Transport
from tools.sales_store import MessageRecord, SalesStore


def _record(row: dict) -> MessageRecord:
    return MessageRecord(**{k: row[k] for k in MessageRecord.__dataclass_fields__})


class ResendRunner:
    def __init__(
        self, pool: AsyncConnectionPool, transports: dict[str, Transport], store: SalesStore
    ):
        self._pool = pool
        self._transports = transports
        self._store = store

    async def resend(self, message_id: str, final_attempt: bool = False) -> None:
        async with self._pool.connection() as conn:
            row = await repository.get_message(conn, message_id)
            if row is None:
                return
            if row["status"] == "sending":
                # An earlier attempt of this job died during the provider call.
                record = _record(row)
                record.status, record.error = "unconfirmed", STOPPED_MID_CALL
                await self._store.finish_send(record.id, record.status, error=record.error)
                await self._store.audit(
                    row["thread_id"], "agent", "message_unconfirmed", {"message_id": record.id}
                )
                return
            row = await repository.claim_message_retry(conn, message_id)
            if row is None:
                return  # sent, failed or settled otherwise meanwhile
            consumer = await repository.get_consumer(conn, row["consumer_id"])
            context_row = await repository.get_consumer_context(
                conn, row["creator_id"], row["consumer_id"]
            )
        record = _record(row)
        context = context_row["context"] if context_row else {}
        # The lead may have opted out or withdrawn consent since the first attempt.
        if (
            consumer is None
            or context.get("opted_out")
            or row["channel"] not in reachable_channels(consumer_facts(consumer))
        ):
            await self._store.finish_send(record.id, "blocked", error="no consent for this channel")
            return
        message = OutgoingMessage(
            message_id=record.id,
            to=row["to_address"],
            body=row["body"],
            subject=row["subject"],
            last_inbound_at=context.get("last_inbound_at"),
        )
        transport = self._transports[row["channel"]]
        await deliver(transport, self._store, row["thread_id"], record, message, final_attempt)
