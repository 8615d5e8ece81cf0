from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Header, HTTPException, Query, Response, status
from pydantic import ConfigDict, Field

from domain.booking_payload import BOOKING_ID
from domain.draft_check import MAX_LENGTH, MAX_SUBJECT_LENGTH
from domain.plain_json import PlainJsonModel
from domain.thread_ids import customer_thread_id, sales_thread_id
from server.auth import CallerDep
from server.creator_messages import CreatorMessage
from server.deps import ServicesDep
from server.lead_data import lead_view
from server.responses.error_body import error_responses
from server.responses.message_out import MessageOut
from server.responses.thread_out import ThreadOut
from server.schemas import Channel
from server.store import (
    approval_queue,
    audit_trail,
    bookings,
    event_log,
    leads,
    message_log,
    thread_pauses,
    thread_timers,
)

router = APIRouter(tags=["threads"])

MAX_IDEMPOTENCY_KEY = 200


class CreatorMessageIn(PlainJsonModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel | None = Field(
        None,
        description="Where to send it; left out: the channel the agent would choose (the one "
        "the lead wrote in on if they agreed to it, else WhatsApp, else email)",
    )
    body: str = Field(
        min_length=1,
        max_length=max(MAX_LENGTH.values()),
        description=f"The creator's own words, sent as they are (WhatsApp at most "
        f"{MAX_LENGTH['whatsapp']} characters, email {MAX_LENGTH['email']})",
    )
    subject: str | None = Field(
        None, max_length=MAX_SUBJECT_LENGTH, description="Email only, and required there"
    )


@router.get(
    "/threads/{creator_id}/{consumer_id}",
    response_model=ThreadOut,
    responses=error_responses(401, 404, 422),
)
async def get_thread(
    creator_id: str,
    consumer_id: str,
    services: ServicesDep,
    caller: CallerDep,
    limit: int = Query(50, ge=1, le=500),
    booking_id: str | None = Query(
        None,
        pattern=BOOKING_ID.pattern,
        description="A booking of the lead's: its customer onboarding thread instead of sales",
    ),
) -> dict[str, Any]:
    """One lead's story with one creator: context, events, drafts, messages, audit trail,
    and whether the agent is waiting for the creator right now."""
    not_found = f"lead {consumer_id!r} of creator {creator_id!r} not found"
    caller.read(creator_id, not_found)
    async with services.pool.connection() as conn:
        consumer = await leads.get_lead(conn, creator_id, consumer_id)
        if consumer is None:
            raise HTTPException(404, not_found)
        # The lead exists, so both ids are plain (no ':'): a valid thread id.
        thread_id = (
            customer_thread_id(creator_id, consumer_id, booking_id)
            if booking_id
            else sales_thread_id(creator_id, consumer_id)
        )
        context = await leads.get_lead_context(conn, creator_id, consumer_id)
        events = await event_log.thread_events(conn, thread_id, limit)
        approvals = await approval_queue.thread_approvals(conn, thread_id, limit)
        messages = await message_log.thread_messages(conn, thread_id, limit)
        audit = await audit_trail.thread_audit(conn, thread_id, limit)
        scheduled = await thread_timers.lead_timers(conn, creator_id, consumer_id)
        booked = await bookings.lead_bookings(conn, creator_id, consumer_id)
        paused_until = await thread_pauses.paused_until(conn, creator_id, thread_id)
    graph = services.runner.graph_for(thread_id)
    snapshot = await graph.aget_state({"configurable": {"thread_id": thread_id}})
    return {
        "thread_id": thread_id,
        "paused_until": paused_until,
        "consumer": lead_view(consumer),
        "context": context["context"] if context else None,
        "awaiting_approval": bool(snapshot.interrupts),
        "pending_interrupts": [{"id": i.id, "value": i.value} for i in snapshot.interrupts],
        "events": events,
        "approvals": approvals,
        "messages": messages,
        "audit_log": audit,
        "scheduled": scheduled,
        "bookings": booked,
    }


@router.post(
    "/threads/{creator_id}/{consumer_id}/messages",
    status_code=status.HTTP_201_CREATED,
    response_model=MessageOut,
    responses={200: {"model": MessageOut, "description": "Sent already, with this key"}}
    | error_responses(401, 403, 404, 409, 413, 422),
)
async def send_creator_message(
    creator_id: str,
    consumer_id: str,
    body: CreatorMessageIn,
    response: Response,
    services: ServicesDep,
    caller: CallerDep,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        min_length=1,
        max_length=MAX_IDEMPOTENCY_KEY,
        description="Send the request again with the same key: the message goes once, and "
        "the answer (200) is the first one's message",
    ),
) -> dict[str, Any]:
    """The creator writes to the lead themselves. The agent's sending rules apply
    (suppression, opt-out, consent, quiet hours, WhatsApp's 24-hour window; not the frequency
    caps): a message they refuse is not sent, and the answer is 409 with the rule. Then the
    agent keeps quiet on this thread for its `takeover_hours` (decision `creator_takeover`),
    and every draft of it there not sent yet is withdrawn. 201 with the message; its
    `status` says whether the provider took it."""
    caller.read(creator_id, f"lead {consumer_id!r} of creator {creator_id!r} not found")
    message = CreatorMessage(body=body.body, channel=body.channel, subject=body.subject)
    row, created = await services.creator_messages.send(
        caller.actor, creator_id, consumer_id, message, idempotency_key
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return row
