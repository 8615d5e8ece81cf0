"""The sending rules, checked when drafting and again at the moment of sending, in order:
suppression and opt-out, consent for the channel, quiet hours in the lead's time zone,
frequency caps, and the WhatsApp 24-hour window. Pure: the facts come from the caller.

Each rule that stops a message has its own reason code (the event's decision, the message's
`error`, the audit entry). Quiet hours never drop a message: they move it to the next
allowed minute. Caps count sales outreach only; replies to the lead and the messages a
customer's own booking calls for are not capped, but every other rule applies to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SUPPRESSED = "suppressed"
OPTED_OUT = "opted_out"
NO_CONSENT = "no_consent"
QUIET_HOURS = "quiet_hours"
FREQUENCY_CAP = "frequency_cap"
OUTSIDE_WINDOW = "outside_window"
# The rules about whether the lead may be written to at all (the rest are about when).
PERMISSION_RULES = (SUPPRESSED, OPTED_OUT, NO_CONSENT)
# Every reason a rule gives, for the audit trail.
COMPLIANCE_REASONS = (SUPPRESSED, OPTED_OUT, NO_CONSENT, QUIET_HOURS, FREQUENCY_CAP, OUTSIDE_WINDOW)

WHATSAPP_WINDOW = timedelta(hours=24)
DEFAULT_QUIET_START = time(21, 0)
DEFAULT_QUIET_END = time(8, 0)
# Purposes of a message: 'sales' outreach is capped; a 'reply' to the lead, a 'service'
# message of their booking and the creator's own message ('creator') are not; a 'template'
# opener goes with the draft it opens for.
CAPPED_PURPOSES = ("sales",)


@dataclass(frozen=True)
class SendingRules:
    """An agent's settings for the rules (the agents table's columns)."""

    quiet_start: time = DEFAULT_QUIET_START
    quiet_end: time = DEFAULT_QUIET_END
    max_per_lead_per_day: int = 1
    max_per_lead_per_week: int = 2
    max_per_creator_per_day: int = 200

    @classmethod
    def of_agent(cls, agent: dict[str, Any] | None) -> SendingRules:
        if not agent:
            return cls()
        return cls(
            quiet_start=_as_time(agent.get("quiet_hours_start"), DEFAULT_QUIET_START),
            quiet_end=_as_time(agent.get("quiet_hours_end"), DEFAULT_QUIET_END),
            max_per_lead_per_day=agent.get("max_per_lead_per_day", 1),
            max_per_lead_per_week=agent.get("max_per_lead_per_week", 2),
            max_per_creator_per_day=agent.get("max_per_creator_per_day", 200),
        )


# No quiet hours, no caps: Studio's default, and tests about something else.
NO_RULES = SendingRules(
    quiet_start=time(0, 0),
    quiet_end=time(0, 0),
    max_per_lead_per_day=1_000_000,
    max_per_lead_per_week=1_000_000,
    max_per_creator_per_day=1_000_000,
)


@dataclass(frozen=True)
class OutreachCounts:
    """Capped messages already sent (or on their way), excluding the one being checked."""

    lead_day: int = 0
    lead_week: int = 0
    creator_day: int = 0


@dataclass(frozen=True)
class SendFacts:
    """What the rules read about one message, fresh from the database at the moment."""

    channel: str
    purpose: str = "sales"
    suppressed: str | None = None  # the suppression's reason, when the address is listed
    opted_out: bool = False
    consent: bool = False  # the lead's current consent for this channel
    timezone: str | None = None
    last_inbound_at: str | None = None  # when the lead last wrote (WhatsApp's window)
    counts: OutreachCounts = field(default_factory=OutreachCounts)
    rules: SendingRules = field(default_factory=SendingRules)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str | None = None  # the rule that stopped or moved it
    send_at: datetime | None = None  # quiet hours: the next allowed minute (UTC)
    detail: str = ""

    def audit_details(self) -> dict[str, Any]:
        details: dict[str, Any] = {"rule": self.reason, "detail": self.detail}
        if self.send_at is not None:
            details["send_at"] = self.send_at.isoformat()
        return details


ALLOWED = Verdict(allowed=True)


def _as_time(value: Any, default: time) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        return time.fromisoformat(value)
    return default


def lead_zone(timezone: str | None) -> ZoneInfo:
    """The lead's time zone; UTC when they gave none (or one Python does not know)."""
    try:
        return ZoneInfo(timezone) if timezone else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _in_quiet_hours(local: time, start: time, end: time) -> bool:
    if start == end:
        return False  # no quiet hours
    if start > end:  # overnight, e.g. 21:00 to 08:00
        return local >= start or local < end
    return start <= local < end


def next_allowed_minute(now: datetime, timezone: str | None, rules: SendingRules) -> datetime:
    """`now` when it is outside quiet hours in the lead's zone, else the first minute after
    them (the end of quiet hours, local time), in UTC."""
    zone = lead_zone(timezone)
    local = now.astimezone(zone)
    if not _in_quiet_hours(local.time(), rules.quiet_start, rules.quiet_end):
        return now
    end = local.replace(
        hour=rules.quiet_end.hour, minute=rules.quiet_end.minute, second=0, microsecond=0
    )
    if end <= local:
        end = (local + timedelta(days=1)).replace(
            hour=rules.quiet_end.hour, minute=rules.quiet_end.minute, second=0, microsecond=0
        )
    # Rebuild in the zone so a DST change in between lands on the wall-clock time.
    end = datetime.combine(end.date(), rules.quiet_end, tzinfo=zone)
    return end.astimezone(UTC)


def cap_reached(counts: OutreachCounts, rules: SendingRules) -> str | None:
    if counts.lead_day >= rules.max_per_lead_per_day:
        return f"{counts.lead_day} message(s) to this lead in the last 24 hours"
    if counts.lead_week >= rules.max_per_lead_per_week:
        return f"{counts.lead_week} message(s) to this lead in the last 7 days"
    if counts.creator_day >= rules.max_per_creator_per_day:
        return f"{counts.creator_day} message(s) from this creator in the last 24 hours"
    return None


def window_is_open(last_inbound_at: str | None, now: datetime) -> bool:
    if last_inbound_at is None:
        return False
    return now - datetime.fromisoformat(last_inbound_at) < WHATSAPP_WINDOW


def check_send(facts: SendFacts, now: datetime) -> Verdict:
    """The rules in order; the first that stops or moves the message is the verdict.
    OUTSIDE_WINDOW is not a refusal: the caller sends an approved template instead, or
    holds the message when there is none."""
    if facts.suppressed:
        return Verdict(False, SUPPRESSED, detail=f"address suppressed: {facts.suppressed}")
    if facts.opted_out:
        return Verdict(False, OPTED_OUT, detail="the lead opted out")
    if not facts.consent:
        return Verdict(False, NO_CONSENT, detail=f"no consent for {facts.channel}")
    send_at = next_allowed_minute(now, facts.timezone, facts.rules)
    if send_at > now:
        return Verdict(False, QUIET_HOURS, send_at=send_at, detail="quiet hours for the lead")
    if facts.purpose in CAPPED_PURPOSES:
        reached = cap_reached(facts.counts, facts.rules)
        if reached:
            return Verdict(False, FREQUENCY_CAP, detail=reached)
    if facts.channel == "whatsapp" and not window_is_open(facts.last_inbound_at, now):
        return Verdict(False, OUTSIDE_WINDOW, detail="more than 24 hours since the lead wrote")
    return ALLOWED


# What a customer's own booking calls for (domain.booking_decisions): never capped.
SERVICE_REASONS = ("booking_welcome", "session_reminder", "session_thank_you")


def purpose_of(decision_reason: str | None) -> str:
    """A reply to the lead is not outreach, nor are a booking's messages; everything the
    sales agent starts (follow-ups too) is."""
    if decision_reason == "inbound_reply":
        return "reply"
    return "service" if decision_reason in SERVICE_REASONS else "sales"
