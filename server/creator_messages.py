"""The creator takes over a thread: their own message to the lead.

It goes through the agent's sending rules (suppression, opt-out, consent, quiet hours,
WhatsApp's 24-hour window), except the frequency caps, which count the agent's outreach
('creator' messages are not capped and not counted). A refused message is not sent and not
recorded: the answer is 409 with the rule, and for quiet hours the minute it may go
(a person chose to write now; the creator resends then rather than the service choosing
for them). A message that passes is claimed in the outbox by its idempotency key and sent
once. Claiming it starts the takeover, in one transaction: the agent pauses on the thread
for the agent's `takeover_hours` (`thread_pauses`, read with each event by should_act),
every draft not sent yet on it is withdrawn (`creator_takeover`) and the graph's wait on it
is ended by a resume job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from domain.compliance import QUIET_HOURS, Verdict
from domain.draft_check import MAX_LENGTH, MAX_SUBJECT_LENGTH
from domain.reasons import CREATOR_TAKEOVER
from domain.thread_ids import sales_thread_id
from nodes.choose_channel import choose_channel
from nodes.send_message import deliver, rules_verdict
from server.draft_expiry import ResumeQueue
from server.draft_withdrawal import UNSENT, withdraw_unsent_drafts
from server.errors import ApiError
from server.sales_runner import consumer_facts
from server.store import agent_settings, audit_trail, leads, message_log, thread_pauses
from server.store.rows import ALL_CREATORS, Row
from tools.channels import OutgoingMessage, Transport
from tools.email_footer import with_email_footer
from tools.sales_store import RECLAIMABLE, NewMessage, SalesStore, new_id

# messages.purpose of the creator's own message (domain.compliance: not capped).
CREATOR_PURPOSE = "creator"
DEFAULT_TAKEOVER_HOURS = 48
CHANNELS = ("whatsapp", "email")
# Drafts withdrawn when the creator takes over: everything not sent yet, approved ones too
# (the creator's own words replace them), and one held for the lead's answer.
WITHDRAWN_ON_TAKEOVER = [*UNSENT, "held"]


@dataclass(frozen=True)
class CreatorMessage:
    """What the creator asked to send; `channel` None: the one the agent would choose."""

    body: str
    channel: str | None = None
    subject: str | None = None


def _invalid(field: str, msg: str) -> ApiError:
    item = {"type": "value_error", "loc": ["body", field], "msg": msg}
    return ApiError(422, f"the request is not valid: body.{field}: {msg}", [item])


def _refused(verdict: Verdict, channel: str) -> ApiError:
    """409 with the rule's reason code: nothing was sent."""
    detail = f"not sent: {verdict.detail} ({verdict.reason})"
    if verdict.reason == QUIET_HOURS and verdict.send_at is not None:
        detail += f"; it may be sent from {verdict.send_at.isoformat()}"
    item: dict[str, Any] = {
        "type": verdict.reason,
        "loc": ["body", "channel"],
        "msg": detail,
        "rule": verdict.reason,
        "input": channel,
    }
    if verdict.send_at is not None:
        item["ctx"] = {"send_at": verdict.send_at.isoformat()}
    return ApiError(409, detail, [item])


def _checked_text(message: CreatorMessage, channel: str) -> tuple[str | None, str]:
    """(subject, body) as sent, or 422 saying what to fix."""
    body = message.body.strip()
    if not body:
        raise _invalid("body", "the message text is empty")
    if len(body) > MAX_LENGTH[channel]:
        raise _invalid("body", f"a {channel} message is at most {MAX_LENGTH[channel]} characters")
    subject = (message.subject or "").strip() or None
    if channel == "whatsapp" and subject is not None:
        raise _invalid("subject", "a WhatsApp message has no subject; leave it out")
    if channel == "email" and subject is None:
        raise _invalid("subject", "an email needs a subject")
    if subject is not None and len(subject) > MAX_SUBJECT_LENGTH:
        raise _invalid("subject", f"the subject is at most {MAX_SUBJECT_LENGTH} characters")
    return subject, body


class CreatorMessenger:
    def __init__(
        self,
        pool: AsyncConnectionPool,
        transports: dict[str, Transport],
        store: SalesStore,
        jobs: ResumeQueue,
    ):
        self._pool = pool
        self._transports = transports
        self._store = store
        self._jobs = jobs

    async def send(
        self,
        actor: str,
        creator_id: str,
        consumer_id: str,
        message: CreatorMessage,
        idempotency_key: str | None,
    ) -> tuple[Row, bool]:
        """Send the creator's message to the lead and take the thread over: (the message's
        row, True). The same `idempotency_key` again: (the first request's message, False)."""
        not_found = HTTPException(404, f"lead {consumer_id!r} of creator {creator_id!r} not found")
        async with self._pool.connection() as conn:
            lead = await leads.get_lead(conn, creator_id, consumer_id)
            if lead is None:
                raise not_found
            agent = await agent_settings.agent_of_creator(conn, creator_id)
        # The lead exists, so both ids are plain (no ':'): a valid thread id.
        thread_id = sales_thread_id(creator_id, consumer_id)
        # The agent's choice; with no channel the lead agreed to, one they have an address
        # on, so that the rules' refusal says why (opted out, no consent...).
        channel = (
            message.channel
            or choose_channel(consumer_facts(lead))
            or next((c for c in CHANNELS if lead[c]), None)
        )
        if channel is None:
            raise _invalid("channel", "the lead has neither a WhatsApp number nor an email")
        if not lead[channel]:
            raise _invalid("channel", f"the lead has no {channel} address; choose another channel")
        subject, body = _checked_text(message, channel)
        key = f"creator:{creator_id}:{consumer_id}:{idempotency_key or new_id()}"
        if idempotency_key is not None:
            replayed = await self._replayed(key, channel, subject, body)
            if replayed is not None:
                return replayed, False

        transport = self._transports[channel]
        facts = await self._store.send_facts(
            creator_id, consumer_facts(lead), channel, key, CREATOR_PURPOSE
        )
        verdict = rules_verdict(facts, transport) if facts is not None else None
        if verdict is None:
            raise not_found  # erased meanwhile
        if not verdict.allowed:
            await self._store.audit(
                thread_id,
                actor,
                "creator_message_refused",
                {"channel": channel, **verdict.audit_details()},
            )
            raise _refused(verdict, channel)

        to = lead[channel] or ""
        record, owned = await self._store.claim_send(
            NewMessage(
                idempotency_key=key,
                approval_id=None,
                thread_id=thread_id,
                creator_id=creator_id,
                consumer_id=consumer_id,
                channel=channel,
                transport=transport.name,
                to_address=to,
                subject=subject,
                body=body,
                purpose=CREATOR_PURPOSE,
            )
        )
        assert record is not None  # no approval: a claim always finds or makes a row
        if owned:
            hours = (agent or {}).get("takeover_hours") or DEFAULT_TAKEOVER_HOURS
            await self._take_over(actor, creator_id, consumer_id, thread_id, record.id, hours)
            # False: a second request with the same key took this claim over; it sends.
            if await self._store.start_send(record.id, record.claim_token or ""):
                outgoing = OutgoingMessage(message_id=record.id, to=to, body=body, subject=subject)
                outgoing = await with_email_footer(
                    self._store, channel, creator_id, consumer_id, outgoing
                )
                # No job retries this request: a send that failed stays 'unsent' for the
                # creator to resend (POST /messages/{id}/resolve).
                await deliver(
                    transport, self._store, thread_id, record, outgoing, True, actor=actor
                )
        async with self._pool.connection() as conn:
            row = await message_log.get_message(conn, ALL_CREATORS, record.id)
        assert row is not None
        return row, owned

    async def _replayed(self, key: str, channel: str, subject: str | None, body: str) -> Row | None:
        """The message an earlier request with this key sent (None when there was none, or
        its claim may be taken over); 422 when that request asked for another message."""
        async with self._pool.connection() as conn:
            claim = await message_log.by_idempotency_key(conn, key)
            if claim is None or claim["status"] in RECLAIMABLE:
                return None
            row = await message_log.get_message(conn, ALL_CREATORS, claim["id"])
        assert row is not None
        if (row["channel"], row["subject"], row["body"]) != (channel, subject, body):
            raise ApiError(
                422,
                "this Idempotency-Key was used for another message; use a new key",
                [
                    {
                        "type": "idempotency_key_reused",
                        "loc": ["header", "Idempotency-Key"],
                        "msg": f"message {row['id']} was sent with this key",
                    }
                ],
            )
        return row

    async def _take_over(
        self,
        actor: str,
        creator_id: str,
        consumer_id: str,
        thread_id: str,
        message_id: str,
        hours: int,
    ) -> None:
        """Pause the agent on the thread, withdraw its drafts not sent yet and end the
        graph's wait on them, audited, in one transaction (safe to repeat)."""
        async with self._pool.connection() as conn, conn.transaction():
            until = await thread_pauses.pause_thread(
                conn, thread_id, creator_id, consumer_id, message_id, hours
            )
            withdrawn = await withdraw_unsent_drafts(
                conn,
                creator_id,
                consumer_id,
                reason=CREATOR_TAKEOVER,
                source="creator_message",
                statuses=WITHDRAWN_ON_TAKEOVER,
                thread_id=thread_id,
            )
            await self._end_waits(conn, withdrawn)
            await audit_trail.audit_thread(
                conn,
                thread_id,
                actor,
                "creator_took_over",
                {
                    "message_id": message_id,
                    "paused_until": until.isoformat(),
                    "takeover_hours": hours,
                    "withdrawn_approval_ids": [draft["id"] for draft in withdrawn],
                },
            )

    async def _end_waits(self, conn: AsyncConnection, withdrawn: list[Row]) -> None:
        # A withdrawn draft resumes the graph as rejected (domain.approval_states.CLOSED), on
        # the thread's lock, so the thread is free for the events after the pause.
        for draft in withdrawn:
            await self._jobs.enqueue_resume(conn, draft)
