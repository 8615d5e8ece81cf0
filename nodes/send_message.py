"""The channel tool nodes `send_whatsapp` and `send_email`: send the approved text once.

The outbox row is claimed by an idempotency key derived from the approval before the
provider is called, so a retried job, a replayed run or a second approval never sends twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.runtime import Runtime

from domain.compliance import (
    ALLOWED,
    CAPPED_PURPOSES,
    FREQUENCY_CAP,
    OPTED_OUT,
    OUTSIDE_WINDOW,
    QUIET_HOURS,
    SendFacts,
    Verdict,
    check_send,
    purpose_of,
)
from domain.whatsapp_template import WhatsAppTemplate
from graphs.context import SalesContext, context_of
from graphs.state import Channel, ConsumerFacts, SalesState
from tools.channels import OutgoingMessage, SendError, Transport
from tools.email_footer import with_email_footer
from tools.sales_store import MessageRecord, NewMessage, SalesStore

MAX_ERROR_LENGTH = 500
STOPPED_MID_CALL = "worker stopped during the provider call"


def approved_text(state: SalesState) -> tuple[str | None, str]:
    """The text to send: what was held for the lead's answer, else the creator's edit
    when there is one, else the draft."""
    approval = state["approval"]
    assert approval is not None
    if approval.get("held"):
        return approval["held"]["subject"], approval["held"]["body"]
    draft = approval["draft"]
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
    actor: str = "agent",
) -> MessageRecord:
    """Call the provider for an outbox row this caller has claimed, and record the outcome
    (audited as `actor`'s: the agent's, or the creator's own message).

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
        await store.audit(thread_id, actor, f"message_{record.status}", _result(record))
        return record
    await store.finish_send(record.id, receipt.status, receipt.provider_message_id)
    record.status, record.provider_message_id = receipt.status, receipt.provider_message_id
    await store.audit(thread_id, actor, "message_sent", _result(record))
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


async def send_claimed(
    transport: Transport,
    store: SalesStore,
    thread_id: str,
    record: MessageRecord,
    message: OutgoingMessage,
    *,
    refusal: Verdict | None,
    final_attempt: bool,
) -> MessageRecord:
    """Everything after a claim: block it when a sending rule refused it, else mark it
    'sending' and call the provider."""
    if refusal is not None:
        record.status, record.error = "blocked", f"{refusal.reason}: {refusal.detail}"
        await store.finish_send(record.id, record.status, error=record.error)
        await store.audit(
            thread_id,
            "agent",
            "send_blocked",
            {**_result(record), **refusal.audit_details()},
        )
        return record
    if not await store.start_send(record.id, record.claim_token or ""):
        # Another attempt took this claim over (this one was presumed dead): leave it.
        raise RuntimeError(f"message {record.id} was claimed by another attempt")
    return await deliver(transport, store, thread_id, record, message, final_attempt)


async def sending_verdict(
    store: SalesStore,
    transport: Transport,
    creator_id: str,
    state: SalesState,
    channel: str,
    key: str,
    purpose: str,
) -> Verdict:
    """The sending rules, on the facts as they are now (the lead may have opted out,
    withdrawn consent or been suppressed while the draft waited)."""
    consumer = state["consumer"]
    facts = await store.send_facts(creator_id, consumer, channel, key, purpose)
    if facts is None:
        return Verdict(False, OPTED_OUT, detail="the lead no longer exists")
    context = state.get("context") or {}
    # The run's own context may be newer than the stored copy (this run's event).
    inbound = [at for at in (facts.last_inbound_at, context.get("last_inbound_at")) if at]
    facts = replace(
        facts,
        opted_out=facts.opted_out or bool(context.get("opted_out")),
        last_inbound_at=max(inbound, key=datetime.fromisoformat) if inbound else None,
    )
    return rules_verdict(facts, transport)


async def caps_after_claim(store: SalesStore, message_id: str) -> Verdict:
    """The caps once more, counting only the messages claimed before this one: two sends
    that passed the rules at the same moment (two leads of a creator with one message left
    today) are ordered by their claims, and the later one is blocked."""
    reached = await store.cap_reached_before(message_id)
    return Verdict(False, FREQUENCY_CAP, detail=reached) if reached else ALLOWED


def rules_verdict(facts: SendFacts, transport: Transport) -> Verdict:
    """The sending rules on these facts, now. WhatsApp's window counts only where the
    transport enforces it: the outbox records free text whenever."""
    verdict = check_send(facts, datetime.now(UTC))
    if verdict.reason == OUTSIDE_WINDOW and not transport.enforces_window:
        return ALLOWED
    return verdict


async def open_with_template(
    transport: Transport,
    store: SalesStore,
    thread_id: str,
    approval: dict[str, Any],
    consumer: ConsumerFacts,
    creator_id: str,
    template: WhatsAppTemplate,
    final_attempt: bool,
) -> MessageRecord | None:
    """Send the creator's approved template as the opener, once per approval (its own
    idempotency key); the draft itself waits for the lead's answer."""
    record, owned = await store.claim_send(
        NewMessage(
            idempotency_key=f"template:{approval['id']}",
            approval_id=approval["id"],
            thread_id=thread_id,
            creator_id=creator_id,
            consumer_id=consumer["id"],
            channel="whatsapp",
            transport=transport.name,
            to_address=consumer.get("whatsapp") or "",
            subject=None,
            body=template.describe(),
            purpose="template",
        )
    )
    if record is None or not owned:
        return record
    message = OutgoingMessage(
        message_id=record.id,
        to=consumer.get("whatsapp") or "",
        body=template.describe(),
        template_sid=template.content_sid,
        template_variables=template.variables,
    )
    return await send_claimed(
        transport, store, thread_id, record, message, refusal=None, final_attempt=final_attempt
    )


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
        run = context_of(runtime)
        subject, body = approved_text(state)
        to = consumer.get("whatsapp") if channel == "whatsapp" else consumer.get("email")
        key = f"approval:{approval['id']}"
        purpose = purpose_of(approval["decision"].get("reason"))
        verdict = await sending_verdict(
            store, transport, run.creator_id, state, channel, key, purpose
        )
        if verdict.reason == QUIET_HOURS:
            # Not dropped: the thread waits again and is resumed at the next allowed minute.
            await store.defer_send(thread_id, approval["id"], verdict)
            return {"send_result": {"status": "deferred", "error": verdict.reason}}
        if verdict.reason == OUTSIDE_WINDOW:
            template = await store.template_for(run.creator_id, consumer.get("name") or "")
            if template is None:
                # No template to open with: the text goes, and the provider's answer (63016
                # from Twilio) is recorded; /health/ready warns about this configuration.
                verdict = ALLOWED
            else:
                opener = await open_with_template(
                    transport,
                    store,
                    thread_id,
                    approval,
                    consumer,
                    run.creator_id,
                    template,
                    run.final_attempt,
                )
                if opener is None or opener.status not in ("sent", "recorded"):
                    return {"approval": None, "send_result": _result(opener) if opener else None}
                await store.hold_for_reply(thread_id, approval["id"], opener.id)
                held = {**approval, "held": {"subject": subject, "body": body}}
                return {"approval": held, "send_result": {**_result(opener), "status": "held"}}
        record, owned = await store.claim_send(
            NewMessage(
                idempotency_key=key,
                approval_id=approval["id"],
                thread_id=thread_id,
                creator_id=run.creator_id,
                consumer_id=consumer["id"],
                channel=channel,
                transport=transport.name,
                to_address=to or "",
                subject=subject,
                body=body,
                purpose=purpose,
            )
        )
        done = {"approval": None}
        if record is None:
            return {**done, "send_result": None}  # cancelled or withdrawn on its way here
        if not owned:
            if record.status == "sending":
                record = await flag_stopped_mid_call(store, thread_id, record)
            return {**done, "send_result": _result(record)}

        if verdict.allowed and purpose in CAPPED_PURPOSES:
            verdict = await caps_after_claim(store, record.id)
        context = state.get("context") or {}
        message = OutgoingMessage(message_id=record.id, to=to or "", body=body, subject=subject)
        message = await with_email_footer(
            store, channel, context_of(runtime).creator_id, consumer["id"], message
        )
        # Taken before the provider call: anything the lead does after seeing the message
        # (a reply that stops its follow-up) comes later than this.
        sent_at = datetime.now(UTC).isoformat()
        record = await send_claimed(
            transport,
            store,
            thread_id,
            record,
            message,
            refusal=None if verdict.allowed else verdict,
            final_attempt=run.final_attempt,
        )
        if record.status not in ("sent", "recorded"):
            return {**done, "send_result": _result(record)}
        return {
            **done,
            "send_result": {**_result(record), "sent_at": sent_at},
            "context": {
                **context,
                "messages_sent": context.get("messages_sent", 0) + 1,
                "last_message_at": state["event"]["occurred_at"],
            },
        }

    send.__name__ = f"send_{channel}"
    return send


async def route_after_send(state: SalesState) -> str:
    """A send moved to later (quiet hours) or held for the lead's answer waits again at the
    approval interrupt; anything else ends the run."""
    if state.get("approval"):
        return "request_approval"
    return "__end__"
