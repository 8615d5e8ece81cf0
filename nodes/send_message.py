"""The channel tool nodes `send_whatsapp` and `send_email`: send the approved text once.

The outbox row is claimed by an idempotency key derived from the approval before the
provider is called, so a retried job, a replayed run or a second approval never sends twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.runtime import Runtime

from graphs.context import SalesContext, context_of
from graphs.state import Channel, ConsumerFacts, SalesState
from nodes.choose_channel import reachable_channels
from tools.channels import OutgoingMessage, SendError, Transport
from tools.sales_store import MessageRecord, NewMessage, SalesStore

MAX_ERROR_LENGTH = 500
STOPPED_MID_CALL = "worker stopped during the provider call"
NO_CONSENT = "no consent for this channel"


def approved_text(state: SalesState) -> tuple[str | None, str]:
    """The text to send: the creator's edit when there is one, else the draft."""
    draft = state["approval"]["draft"]  # type: ignore[index]
    review = state.get("review") or {}
    if review.get("type") == "edit":
        args = review["edited_action"]["args"]
        return args.get("subject", draft.get("subject")), args.get("body", draft["body"])
    return draft.get("subject"), draft["body"]


def _result(record: MessageRecord) -> dict[str, Any]:
    return {
        "message_id": record.id,
        "status": record.status,
        "transport": record.transport,
        "provider_message_id": record.provider_message_id,
        "error": record.error,
    }


async def deliver(
    transport: Transport,
    store: SalesStore,
    thread_id: str,
    record: MessageRecord,
    message: OutgoingMessage,
    final_attempt: bool = False,
) -> MessageRecord:
    """Call the provider for an outbox row this caller has claimed, and record the outcome.

    Raises SendError when the message certainly was not sent, after marking the row
    'retry': the job queue retries and the next attempt may claim the row again; on the
    job's final attempt the row is left 'unsent' instead. A message that may have reached
    the provider is never retried: it waits as 'unconfirmed'. A person resolves either
    (POST /messages/{id}/resolve).
    """
    try:
        receipt = await transport.send(message)
    except SendError as exc:
        error = str(exc)[:MAX_ERROR_LENGTH]
        if not (exc.permanent or exc.maybe_sent or final_attempt):
            await store.finish_send(record.id, "retry", error=error)
            raise
        if exc.permanent:
            record.status = "failed"
        else:
            record.status = "unconfirmed" if exc.maybe_sent else "unsent"
        record.error = error
        await store.finish_send(record.id, record.status, error=error)
        await store.audit(thread_id, "agent", f"message_{record.status}", _result(record))
        return record
    await store.finish_send(record.id, receipt.status, receipt.provider_message_id)
    record.status, record.provider_message_id = receipt.status, receipt.provider_message_id
    await store.audit(thread_id, "agent", "message_sent", _result(record))
    return record


async def flag_stopped_mid_call(
    store: SalesStore, thread_id: str, record: MessageRecord
) -> MessageRecord:
    """An earlier attempt died while talking to the provider: it may have sent. Never risk a
    second message; leave it 'unconfirmed' for a person instead."""
    record.status, record.error = "unconfirmed", STOPPED_MID_CALL
    await store.finish_send(record.id, record.status, error=record.error)
    await store.audit(thread_id, "agent", "message_unconfirmed", _result(record))
    return record


def may_contact(context: dict[str, Any], consumer: ConsumerFacts, channel: str) -> bool:
    """Checked again at the moment of sending: the lead may have opted out or withdrawn
    consent while the draft waited."""
    return not context.get("opted_out") and channel in reachable_channels(consumer)


async def send_claimed(
    transport: Transport,
    store: SalesStore,
    thread_id: str,
    record: MessageRecord,
    message: OutgoingMessage,
    *,
    allowed: bool,
    final_attempt: bool,
) -> MessageRecord:
    """Everything after a claim: block it if the lead may not be contacted, else mark it
    'sending' and call the provider."""
    if not allowed:
        record.status, record.error = "blocked", NO_CONSENT
        await store.finish_send(record.id, record.status, error=record.error)
        return record
    if not await store.start_send(record.id, record.claim_token or ""):
        # Another attempt took this claim over (this one was presumed dead): leave it.
        raise RuntimeError(f"message {record.id} was claimed by another attempt")
    return await deliver(transport, store, thread_id, record, message, final_attempt)


def make_send_node(
    channel: Channel, transport: Transport, store: SalesStore
) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def send(
        state: SalesState, runtime: Runtime[SalesContext], config: RunnableConfig
    ) -> dict[str, Any]:
        thread_id = config["configurable"]["thread_id"]
        approval = state["approval"]
        assert approval is not None, "a send needs an approved draft"
        consumer = state["consumer"]
        subject, body = approved_text(state)
        to = consumer.get("whatsapp") if channel == "whatsapp" else consumer.get("email")
        record, owned = await store.claim_send(
            NewMessage(
                idempotency_key=f"approval:{approval['id']}",
                approval_id=approval["id"],
                thread_id=thread_id,
                creator_id=context_of(runtime).creator_id,
                consumer_id=consumer["id"],
                channel=channel,
                transport=transport.name,
                to_address=to or "",
                subject=subject,
                body=body,
            )
        )
        done = {"approval": None}
        if record is None:
            return {**done, "send_result": None}  # cancelled or withdrawn on its way here
        if not owned:
            if record.status == "sending":
                record = await flag_stopped_mid_call(store, thread_id, record)
            return {**done, "send_result": _result(record)}

        context = state.get("context") or {}
        message = OutgoingMessage(
            message_id=record.id,
            to=to or "",
            body=body,
            subject=subject,
            last_inbound_at=context.get("last_inbound_at"),
        )
        record = await send_claimed(
            transport,
            store,
            thread_id,
            record,
            message,
            allowed=may_contact(context, consumer, channel),
            final_attempt=context_of(runtime).final_attempt,
        )
        if record.status not in ("sent", "recorded"):
            return {**done, "send_result": _result(record)}
        return {
            **done,
            "send_result": _result(record),
            "context": {
                **context,
                "messages_sent": context.get("messages_sent", 0) + 1,
                "last_message_at": state["event"]["occurred_at"],
            },
        }

    send.__name__ = f"send_{channel}"
    return send
