"""What the sales graph persists outside its own state: drafts awaiting approval, the
message outbox and the audit trail. Postgres in the service
(server/store/sales_graph_store.py); the in-memory version here serves LangGraph Studio and
unit tests.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from domain.compliance import (
    NO_RULES,
    OutreachCounts,
    SendFacts,
    SendingRules,
    Verdict,
    cap_reached,
)
from domain.whatsapp_template import WhatsAppTemplate
from graphs.state import ConsumerFacts


@dataclass
class NewApproval:
    id: str
    thread_id: str
    creator_id: str
    consumer_id: str
    event_id: str
    channel: str
    draft: dict[str, Any]
    profile_version: int
    reason: str | None = None  # the decision's reason code, for the audit trail

    def audit_details(self) -> dict[str, Any]:
        return {
            "approval_id": self.id,
            "event_id": self.event_id,
            "source": self.draft.get("source"),
            "reason": self.reason,
            "approval_rule": (self.draft.get("agent_verdict") or {}).get("rule"),
        }


@dataclass
class Withdrawal:
    approval_id: str
    thread_id: str
    reason: str  # the decision's reason code
    event_id: str
    # An approved draft still queued to send is withdrawn too when the lead opted out or
    # booked what it offered; a lead's new message only retires a draft still waiting.
    decided_too: bool

    def withdrawable(self) -> list[str]:
        # The agent's own approval, still in its undo window, is withdrawn like a waiting
        # draft: nobody chose to send it after the lead wrote.
        if self.decided_too:
            return ["pending", "agent_approved", "approved", "edited", "held"]
        return ["pending", "agent_approved"]

    def audit_details(self) -> dict[str, Any]:
        return {"approval_id": self.approval_id, "reason": self.reason, "event_id": self.event_id}


@dataclass
class AgentApproval:
    """The agent approved a waiting draft by its approval mode (domain.auto_approval)."""

    approval_id: str
    thread_id: str
    mode: str
    rule: str
    reason: str

    def decision(self) -> dict[str, Any]:
        """The approval's decision: what resumes the graph, and who took it by which rule."""
        return {"decisions": [{"type": "approve"}], "decided_by": "agent", "rule": self.rule}

    def audit_details(self) -> dict[str, Any]:
        return {
            "approval_id": self.approval_id,
            "mode": self.mode,
            "rule": self.rule,
            "reason": self.reason,
        }


@dataclass
class NewMessage:
    idempotency_key: str
    approval_id: str | None
    thread_id: str
    creator_id: str
    consumer_id: str
    channel: str
    transport: str
    to_address: str
    subject: str | None
    body: str
    # domain.compliance: 'sales' outreach is capped; a 'reply', a booking's 'service'
    # message and a 'template' opener are not.
    purpose: str = "sales"


@dataclass(frozen=True)
class EmailFooter:
    """What every email to a lead carries besides the approved text."""

    unsubscribe_url: str  # https, one click (RFC 8058), signed for this lead of this creator
    unsubscribe_mailto: str | None
    postal_address: str | None  # the creator's, else SENDER_POSTAL_ADDRESS


@dataclass
class MessageRecord:
    id: str
    # claimed | sending | sent | recorded | failed | retry | unsent | unconfirmed | blocked
    status: str
    transport: str
    provider_message_id: str | None = None
    error: str | None = None
    claim_token: str | None = None


@dataclass
class TimerRequest:
    """A delayed run of a thread: at `due_at` the thread runs with a `timer` event."""

    thread_id: str
    creator_id: str
    consumer_id: str
    kind: str  # reminder | thank_you | follow_up
    due_at: str  # ISO 8601
    details: dict[str, Any] = field(default_factory=dict)
    # What makes it one timer (default: its time), e.g. the message a follow-up follows.
    key: str | None = None

    @property
    def id(self) -> str:
        # Deterministic: a node run again asks for the same timer, not a second one.
        key = self.key or self.due_at
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{self.thread_id}/{self.kind}/{key}").hex


class SalesStore(Protocol):
    async def save_approval(self, approval: NewApproval) -> None:
        """Store the draft for approval and audit `draft_created`, together and once: a
        retried run that saved it already changes nothing."""
        ...

    async def withdraw_approval(self, withdrawal: Withdrawal) -> str | None:
        """Withdraw the draft unless a message went out for it, and audit that, together
        and once. Returns the approval's status afterwards ('withdrawn', or what kept it)."""
        ...

    async def approve_by_agent(self, approval: AgentApproval) -> str | None:
        """Record the agent's approval of a pending draft, audit it and schedule its send
        after the undo window, together and once. Returns the approval's status afterwards
        ('agent_approved', or the decision that came first)."""
        ...

    async def send_facts(
        self, creator_id: str, consumer: ConsumerFacts, channel: str, key: str, purpose: str
    ) -> SendFacts | None:
        """What the sending rules read, fresh at the moment of sending (domain.compliance);
        None when the lead no longer exists."""
        ...

    async def template_for(self, creator_id: str, consumer_name: str) -> WhatsAppTemplate | None:
        """The creator's approved WhatsApp template with its variables filled, if any."""
        ...

    async def defer_send(self, thread_id: str, approval_id: str, verdict: Verdict) -> None:
        """Quiet hours: resume the thread with the approval at `verdict.send_at` (a job on
        the thread's lock), note it on the approval, and audit it."""
        ...

    async def hold_for_reply(self, thread_id: str, approval_id: str, opener: str) -> None:
        """WhatsApp's window is closed and the template opener `opener` (a message id) went
        out: the approved draft waits for the lead's answer ('held'), audited."""
        ...

    async def claim_send(self, message: NewMessage) -> tuple[MessageRecord | None, bool]:
        """Create the outbox row for this key ('claimed'), or return the existing one.

        The bool is True when the caller now owns the send: a new row, or one whose
        earlier attempt is known not to have reached the provider ('retry', 'claimed').
        (None, False) when no row exists and the approval may no longer be sent (the
        creator cancelled it, or it was withdrawn, while the send was on its way).
        """
        ...

    async def claim_retry(self, message_id: str) -> MessageRecord | None:
        """Claim a row a person asked to resend ('retry' -> 'claimed', or a claim a dead
        attempt left); None when it is not to be sent again (sent or settled meanwhile)."""
        ...

    async def start_send(self, message_id: str, claim_token: str) -> bool:
        """'claimed' -> 'sending' right before the provider call; False if another
        attempt took the claim over meanwhile (then this one must not call the provider)."""
        ...

    async def finish_send(
        self,
        message_id: str,
        status: str,
        provider_message_id: str | None = None,
        error: str | None = None,
    ) -> None: ...

    async def audit(
        self, thread_id: str, actor: str, action: str, details: dict[str, Any]
    ) -> None: ...

    async def cap_reached_before(self, message_id: str) -> str | None:
        """Whether the caps are reached counting only the capped messages claimed before
        this claimed one (domain.compliance.cap_reached's answer), so that of two sends
        checked at once only those the caps allow go."""
        ...

    async def schedule_timer(self, timer: TimerRequest) -> None:
        """Schedule the thread's delayed run (a job on its lock, at `due_at`) and audit
        `timer_scheduled`, together and once."""
        ...

    async def cancel_timers(
        self, creator_id: str, thread_id: str, kinds: list[str], reason: str
    ) -> list[str]:
        """Cancel the thread's scheduled timers of these kinds and audit each
        `timer_cancelled`; the ids cancelled."""
        ...

    async def email_footer(self, creator_id: str, consumer_id: str) -> EmailFooter | None:
        """The unsubscribe link and postal address for an email to this lead; None where
        emails carry none (Studio, the outbox without PUBLIC_BASE_URL)."""
        ...


# Outbox rows whose last attempt certainly did not reach the provider: a new attempt may
# take them over. 'sending' is not one of them: that attempt may have sent.
RECLAIMABLE = ("claimed", "retry")


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass
class InMemorySalesStore:
    approvals: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    audit_log: list[dict[str, Any]] = field(default_factory=list)
    # Studio and unit tests send at any hour and uncapped unless given rules; the service
    # reads each agent's own.
    rules: SendingRules = field(default_factory=lambda: NO_RULES)
    # (channel, address) -> reason
    suppressions: dict[tuple[str, str], str] = field(default_factory=dict)
    # id -> {"thread_id", "kind", "due_at", "status", "details"}. Nothing fires them here:
    # in Studio, run the thread with a `timer` event to play one.
    timers: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def save_approval(self, approval: NewApproval) -> None:
        if approval.id not in self.approvals:
            self.approvals[approval.id] = {**approval.__dict__, "status": "pending"}
            await self.audit(approval.thread_id, "agent", "draft_created", approval.audit_details())

    async def approve_by_agent(self, approval: AgentApproval) -> str | None:
        row = self.approvals.get(approval.approval_id)
        if row is None:
            return None
        if row["status"] == "pending":
            # No job queue here: in Studio the thread waits at the interrupt for a resume.
            row.update(status="agent_approved", decision=approval.decision())
            details = approval.audit_details()
            await self.audit(approval.thread_id, "agent", "draft_agent_approved", details)
        return row["status"]

    async def withdraw_approval(self, withdrawal: Withdrawal) -> str | None:
        row = self.approvals.get(withdrawal.approval_id)
        if row is None:
            return None
        sent = any(m["approval_id"] == withdrawal.approval_id for m in self.messages.values())
        if row["status"] in withdrawal.withdrawable() and not sent:
            row.update(status="withdrawn", status_reason=withdrawal.reason)
            await self.audit(
                withdrawal.thread_id, "agent", "draft_withdrawn", withdrawal.audit_details()
            )
        return row["status"]

    async def claim_send(self, message: NewMessage) -> tuple[MessageRecord | None, bool]:
        row = self.messages.get(message.idempotency_key)
        approval = self.approvals.get(message.approval_id or "") or {}
        # Decisions reach this store only as resumes, so 'pending' still means approved here.
        if row is None and approval.get("status") in ("withdrawn", "cancelled", "expired"):
            return None, False
        if row is not None and row["status"] not in RECLAIMABLE:
            return MessageRecord(**{k: row[k] for k in MessageRecord.__dataclass_fields__}), False
        if row is None:
            row = {**message.__dict__, "id": new_id(), "provider_message_id": None, "error": None}
            self.messages[message.idempotency_key] = row
        row.update(status="claimed", claim_token=new_id(), error=None)
        record = MessageRecord(
            id=row["id"],
            status="claimed",
            transport=row["transport"],
            claim_token=row["claim_token"],
        )
        return record, True

    async def send_facts(
        self, creator_id: str, consumer: ConsumerFacts, channel: str, key: str, purpose: str
    ) -> SendFacts | None:
        # Studio and unit tests: the lead's facts as the run has them, the counts from here.
        sent = [
            m
            for k, m in self.messages.items()
            if k != key
            and m["consumer_id"] == consumer.get("id")
            and m["purpose"] == "sales"
            and m["status"] in ("sent", "recorded", "sending", "unconfirmed")
        ]
        address = (consumer.get(channel) or "").strip().lower()
        return SendFacts(
            channel=channel,
            purpose=purpose,
            suppressed=self.suppressions.get((channel, address)),
            consent=bool((consumer.get("consent") or {}).get(channel)),
            timezone=consumer.get("timezone"),
            counts=OutreachCounts(len(sent), len(sent), len(sent)),
            rules=self.rules,
        )

    async def cap_reached_before(self, message_id: str) -> str | None:
        rows = list(self.messages.values())
        mine = next(i for i, m in enumerate(rows) if m["id"] == message_id)
        earlier = [
            m
            for m in rows[:mine]
            if m["purpose"] == "sales" and m["status"] not in ("failed", "blocked", "unsent")
        ]
        lead = [m for m in earlier if m["consumer_id"] == rows[mine]["consumer_id"]]
        return cap_reached(OutreachCounts(len(lead), len(lead), len(earlier)), self.rules)

    async def template_for(self, creator_id: str, consumer_name: str) -> WhatsAppTemplate | None:
        return None

    async def schedule_timer(self, timer: TimerRequest) -> None:
        if timer.id in self.timers:
            return
        self.timers[timer.id] = {
            "thread_id": timer.thread_id,
            "kind": timer.kind,
            "due_at": timer.due_at,
            "status": "scheduled",
            "details": timer.details,
        }
        await self.audit(
            timer.thread_id,
            "agent",
            "timer_scheduled",
            {"timer_id": timer.id, "kind": timer.kind, "due_at": timer.due_at},
        )

    async def cancel_timers(
        self, creator_id: str, thread_id: str, kinds: list[str], reason: str
    ) -> list[str]:
        cancelled = [
            timer_id
            for timer_id, t in self.timers.items()
            if t["thread_id"] == thread_id and t["status"] == "scheduled" and t["kind"] in kinds
        ]
        for timer_id in cancelled:
            self.timers[timer_id]["status"] = "cancelled"
            await self.audit(
                thread_id, "agent", "timer_cancelled", {"timer_id": timer_id, "reason": reason}
            )
        return cancelled

    async def defer_send(self, thread_id: str, approval_id: str, verdict: Verdict) -> None:
        # No job queue here: the thread waits at the interrupt for a resume from Studio.
        await self.audit(
            thread_id,
            "agent",
            "send_deferred",
            {"approval_id": approval_id, **verdict.audit_details()},
        )

    async def hold_for_reply(self, thread_id: str, approval_id: str, opener: str) -> None:
        self.approvals.get(approval_id, {})["status"] = "held"
        await self.audit(
            thread_id,
            "agent",
            "draft_held_for_reply",
            {"approval_id": approval_id, "opener": opener},
        )

    async def claim_retry(self, message_id: str) -> MessageRecord | None:
        for row in self.messages.values():
            if row["id"] == message_id and row["status"] in RECLAIMABLE:
                row.update(status="claimed", claim_token=new_id(), error=None)
                return MessageRecord(**{k: row[k] for k in MessageRecord.__dataclass_fields__})
        return None

    async def start_send(self, message_id: str, claim_token: str) -> bool:
        for row in self.messages.values():
            if row["id"] == message_id and row["status"] == "claimed":
                if row["claim_token"] == claim_token:
                    row["status"] = "sending"
                    return True
        return False

    async def finish_send(
        self,
        message_id: str,
        status: str,
        provider_message_id: str | None = None,
        error: str | None = None,
    ) -> None:
        for row in self.messages.values():
            if row["id"] == message_id:
                row.update(
                    status=status,
                    provider_message_id=provider_message_id,
                    error=error,
                    sent_at=datetime.now(UTC).isoformat(),
                )

    async def audit(self, thread_id: str, actor: str, action: str, details: dict[str, Any]) -> None:
        self.audit_log.append(
            {"thread_id": thread_id, "actor": actor, "action": action, "details": details}
        )

    async def email_footer(self, creator_id: str, consumer_id: str) -> EmailFooter | None:
        return None  # Studio sends through the outbox: nothing reaches a mailbox
