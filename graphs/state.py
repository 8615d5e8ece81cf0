"""Sales graph state: facts only, bounded in size however long the thread gets.

Everything is plain JSON (str, int, bool, list, dict) so checkpoints stay small and
the strict msgpack serializer never has to revive Python objects.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

Channel = Literal["whatsapp", "email"]


class EventFacts(TypedDict):
    id: str
    # page_view | service_click | inbound_message | booking_created | booking_cancelled |
    # payment_completed | session_completed | timer (a thread's delayed run)
    occurred_at: str  # ISO 8601; the clock every rule uses
    payload: dict[str, Any]


class ConsumerFacts(TypedDict, total=False):
    id: str
    name: str
    whatsapp: str | None
    email: str | None
    timezone: str | None
    consent: dict[str, bool]


class ConsumerContext(TypedDict, total=False):
    """A bounded summary of what the consumer did; history lives in the events table."""

    page_views: int
    last_page_view_at: str | None
    last_seen_at: str | None
    last_inbound_at: str | None
    service_clicks: dict[str, int]  # service id -> clicks, one key per service
    enrolled_service_ids: list[int]
    stage: str  # new | lead | engaged | customer | opted_out
    opted_out: bool
    messages_sent: int
    last_message_at: str | None


class Decision(TypedDict, total=False):
    act: bool
    reason: str
    channel: Channel | None
    service_id: int | None
    withdraw_pending: bool
    release_held: bool  # the lead answered: the draft held for that goes out now
    follow_up: int  # a follow-up's number (1 for the first); 0 or absent for the rest


class Draft(TypedDict, total=False):
    channel: Channel
    subject: str | None
    body: str
    confidence: float
    service_ids: list[int]
    reasoning: str
    source: Literal["llm", "template"]
    fallback_reason: str | None
    prompt_name: str | None
    prompt_hash: str | None
    profile_version: int


class DraftCheck(TypedDict):
    passed: bool
    problems: list[dict[str, str]]  # findings: {"rule", "text", "detail"}


class ProfileCheck(TypedDict):
    passed: bool
    problems: list[str]


class PendingApproval(TypedDict):
    id: str
    event_id: str
    channel: Channel
    decision: Decision  # the decision that led to this draft
    draft: Draft
    # Approved, and waiting for the lead's answer to a WhatsApp template opener: the text
    # to send then ({"subject", "body"}).
    held: NotRequired[dict[str, Any]]


class OutreachFacts(TypedDict, total=False):
    """What drafting checks (domain.compliance): suppressed addresses and the capped
    messages already sent. Read by the server with the event."""

    whatsapp_suppressed: str | None
    email_suppressed: str | None
    booked_service_ids: list[int]  # booked or done, not cancelled: sales never pitches them
    opted_out: bool  # on the lead's sales thread (read by a booking's thread)
    last_booked_at: str | None  # their latest booking's time: a sign of the lead
    lead_day: int
    lead_week: int
    creator_day: int
    # The creator took the thread over: the agent keeps quiet on it until then (ISO 8601).
    paused_until: str | None


class SendResult(TypedDict, total=False):
    message_id: str
    status: str
    transport: str
    provider_message_id: str | None
    error: str | None
    sent_at: str  # ISO 8601, just before the provider call


class BookingFacts(TypedDict, total=False):
    """One booking, as its events told it (the customer onboarding graph's thread)."""

    booking_id: str
    service_id: int | None
    status: str  # booked | completed | cancelled
    starts_at: str | None  # ISO 8601
    ends_at: str | None
    paid: bool


class SalesState(TypedDict, total=False):
    # Input of every run.
    event: EventFacts
    consumer: ConsumerFacts
    outreach: OutreachFacts
    # Carried across runs on the thread.
    context: ConsumerContext
    approval: PendingApproval | None
    # Produced by this run.
    previous_page_view_at: str | None
    previous_seen_at: str | None
    rejected_body: str | None  # the text the creator rejected, which a redraft must not repeat
    decision: Decision
    draft: Draft | None
    draft_findings: list[dict[str, str]] | None  # from rendering the drafter's answer
    draft_check: DraftCheck | None
    draft_attempts: int
    feedback: str | None
    review: dict[str, Any] | None
    redraft_requested: bool
    creator_redrafts: int
    send_result: SendResult | None
    # On a booking's thread only (customer onboarding): the booking the messages are about.
    # Here rather than in CustomerState because the nodes both graphs share read it.
    booking: BookingFacts


class CustomerState(SalesState, total=False):
    """The customer onboarding graph: the sales state's facts (the booking among them), and
    which of its messages were already decided on (welcome, reminder, thank_you), so none
    goes twice."""

    steps_done: list[str]
    # The timers this run asks for ({"kind", "at"}) or cancels (should_act_on_booking).
    timer_plan: dict[str, Any]


class OnboardingState(TypedDict, total=False):
    # Input.
    onboarding_id: str
    username: str
    raw_data: dict[str, Any] | None  # marketplace data; fetched when absent
    # Produced along the way.
    writing: dict[str, Any] | None  # the profile's written fields
    writing_source: str | None  # 'llm' or 'deterministic'
    fallback_reason: str | None
    profile_check: ProfileCheck | None
    attempts: int
    feedback: str | None
    review: dict[str, Any] | None
    redraft_requested: bool
    creator_redrafts: int
    pending: dict[str, Any] | None  # {"approval_id", "version"} of the profile under review
    profile_version: int | None  # the approved version
    agent_id: str | None
