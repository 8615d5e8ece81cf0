"""Sends an unconfirmed or unsent message again after a person chose `resend` for it.

Runs as a job on the thread's lock, like every other job of that lead. The route moved the
row to 'retry' (once, by compare-and-set); this claims it like the send node does, so however
often the job runs, each resolve reaches the provider at most once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from psycopg_pool import AsyncConnectionPool

from domain.compliance import OPTED_OUT, PERMISSION_RULES, Verdict, check_send
from nodes.send_message import flag_stopped_mid_call, send_claimed
from server.store import message_log
from server.store.rows import ALL_CREATORS
from tools.channels import OutgoingMessage, Transport
from tools.email_footer import with_email_footer
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
        message = OutgoingMessage(
            message_id=record.id, to=row["to_address"], body=row["body"], subject=row["subject"]
        )
        message = await with_email_footer(
            self._store, row["channel"], row["creator_id"], row["consumer_id"], message
        )
        await send_claimed(
            self._transports[row["channel"]],
            self._store,
            thread_id,
            record,
            message,
            refusal=await self._refusal(row),
            final_attempt=final_attempt,
        )

    async def _refusal(self, row: dict) -> Verdict | None:
        """A person asked for this very message again, so caps, quiet hours and the window
        do not hold it back; suppression, opt-out and consent still do."""
        facts = await self._store.send_facts(
            row["creator_id"], {"id": row["consumer_id"]}, row["channel"], "", "reply"
        )
        if facts is None:
            return Verdict(False, OPTED_OUT, detail="the lead no longer exists")
        verdict = check_send(facts, datetime.now(UTC))
        return verdict if verdict.reason in PERMISSION_RULES else None
