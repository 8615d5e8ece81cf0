"""What the inbox shows, built from store rows: a draft's "why", a profile review beside
its facts and the approved version, and a lead's thread. Pure functions, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.offer import find_service
from domain.profile_writing import WRITING_FIELDS
from domain.reasons import REASON_TEXT

FIELD_LABELS = {
    "summary": "Summary",
    "sales_pitch": "Sales pitch",
    "target_audience": "Who it is for",
    "value_propositions": "Value propositions",
    "agent_instructions": "Instructions for the agent",
    "objection_handling": "Answers to objections",
    "social_proof": "Social proof",
}
LIST_FIELDS = ("value_propositions", "social_proof")
OBJECTION_SEPARATOR = " | "
EVENT_WORDS = {
    "page_view": "viewed your page",
    "service_click": "clicked",
    "booking_created": "booked",
    "inbound_message": "sent a message",
    "booking_cancelled": "cancelled their booking",
    "payment_completed": "paid for their booking",
    "session_completed": "finished their session",
}
# A timer is the agent's own clock: what it was waiting for.
TIMER_WORDS = {
    "reminder": "their session is coming up (the reminder's time)",
    "thank_you": "their session has ended (the thank-you's time)",
    "follow_up": "no answer since the agent's last message (the follow-up's time)",
}


def when(value: Any) -> str:
    """A moment as people read it: '8 Nov 2026, 06:00 UTC'."""
    if value is None or value == "":
        return "never"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return f"{value.day} {value:%b %Y, %H:%M} UTC"


def _service_title(profile: dict[str, Any], service_id: Any) -> str:
    service = find_service(profile, service_id)
    return f"“{service['title']}”" if service else f"service {service_id}"


def trigger_text(event_type: str | None, payload: dict[str, Any], profile: dict[str, Any]) -> str:
    """What the lead did, in words."""
    if event_type is None:
        return "no event recorded"
    if event_type == "timer":
        return TIMER_WORDS.get(str(payload.get("kind")), "a scheduled run")
    words = EVENT_WORDS.get(event_type, event_type.replace("_", " "))
    service_id = payload.get("service_id")
    if event_type in ("service_click", "booking_created") and service_id is not None:
        return f"{words} {_service_title(profile, service_id)}"
    if event_type == "inbound_message" and payload.get("text"):
        return f"{words}: “{payload['text']}”"
    if event_type == "page_view" and payload.get("page"):
        return f"{words} ({str(payload['page']).replace('_', ' ')})"
    return words


def context_lines(context: dict[str, Any] | None, profile: dict[str, Any]) -> list[str]:
    """The lead's context summary: views, clicks, last seen, messages so far."""
    ctx = context or {}
    clicks = ctx.get("service_clicks") or {}
    clicked = ", ".join(
        f"{_service_title(profile, sid)} ×{count}" for sid, count in sorted(clicks.items())
    )
    lines = [
        f"Page views: {ctx.get('page_views', 0)}",
        f"Service clicks: {sum(clicks.values())}" + (f" ({clicked})" if clicked else ""),
        f"Last seen: {when(ctx.get('last_seen_at'))}",
        f"Messages sent so far: {ctx.get('messages_sent', 0)}",
    ]
    if ctx.get("enrolled_service_ids"):
        booked = ", ".join(_service_title(profile, s) for s in ctx["enrolled_service_ids"])
        lines.append(f"Booked: {booked}")
    if ctx.get("last_inbound_at"):
        lines.append(f"Last message from the lead: {when(ctx['last_inbound_at'])}")
    return lines


def draft_check(approval: dict[str, Any]) -> dict[str, Any] | None:
    """The checks' result for this draft: stored with the draft, or (drafts saved before it
    was) the event's outcome when that outcome names this draft."""
    check = (approval.get("draft") or {}).get("check")
    if check is None:
        decision = approval.get("event_decision") or {}
        if decision.get("approval_id") == approval["id"]:
            check = decision.get("draft_check")
    return check


def writer_text(draft: dict[str, Any]) -> str:
    if draft.get("source") == "llm":
        prompt = draft.get("prompt_name")
        suffix = f" (prompt {prompt} {draft.get('prompt_hash')})" if prompt else ""
        return f"the model{suffix}"
    if draft.get("source") == "template":
        return "the template drafter"
    return str(draft.get("source") or "unknown")


def _waits_because(draft: dict[str, Any]) -> str | None:
    """Why the agent left the draft to the creator, by its approval mode's rule."""
    verdict = draft.get("agent_verdict") or {}
    return None if verdict.get("approves", True) else verdict.get("reason")


def draft_card(approval: dict[str, Any], profile: dict[str, Any]) -> dict[str, Any]:
    """One draft with its "why": who, what they did and when, why the agent acted, what it
    knows of the lead, which profile and writer, and what the checks found."""
    draft = approval.get("draft") or {}
    decision = approval.get("event_decision") or {}
    channel = approval.get("channel") or draft.get("channel")
    reason = decision.get("reason")
    return {
        "id": approval["id"],
        "status": approval["status"],
        "status_reason": approval.get("status_reason"),
        "lead_id": approval.get("consumer_id"),
        "lead_name": approval.get("consumer_name") or approval.get("consumer_id"),
        "channel": channel,
        "to": approval.get("consumer_whatsapp" if channel == "whatsapp" else "consumer_email"),
        "trigger": trigger_text(
            approval.get("event_type"), approval.get("event_payload") or {}, profile
        ),
        "trigger_at": when(approval.get("event_occurred_at")),
        "reason": REASON_TEXT.get(reason, reason or "no reason recorded"),
        "context": context_lines(approval.get("consumer_context"), profile),
        "profile_version": approval.get("profile_version"),
        "writer": writer_text(draft),
        "source": draft.get("source"),
        "confidence": draft.get("confidence"),
        "reasoning": draft.get("reasoning"),
        "fallback_reason": draft.get("fallback_reason"),
        "waits_because": _waits_because(draft),
        "check": draft_check(approval),
        "subject": draft.get("subject"),
        "body": draft.get("body", ""),
        "created_at": when(approval.get("created_at")),
        "decided_at": when(approval.get("decided_at")) if approval.get("decided_at") else None,
        "decision": approval.get("decision"),
        "message_id": approval.get("message_id"),
        "message_status": approval.get("message_status"),
        "send_after": when(approval["send_after"]) if approval.get("send_after") else None,
    }


def field_text(field: str, value: Any) -> str:
    """A writing field as the edit form shows it: lists one item a line, objections as
    'objection | answer'."""
    if value is None:
        return ""
    if field in LIST_FIELDS:
        return "\n".join(str(v) for v in value)
    if field == "objection_handling":
        return "\n".join(
            f"{pair.get('objection', '')}{OBJECTION_SEPARATOR}{pair.get('answer', '')}"
            for pair in value
        )
    return str(value)


def parse_field(field: str, text: str) -> Any:
    """The edit form's text back into the field's shape."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if field in LIST_FIELDS:
        return lines
    if field == "objection_handling":
        pairs = []
        for line in lines:
            objection, _, answer = line.partition(OBJECTION_SEPARATOR.strip())
            pairs.append({"objection": objection.strip(), "answer": answer.strip()})
        return pairs
    return text.strip()


def _service_line(service: dict[str, Any]) -> str:
    state = "open" if service.get("active") else service.get("status", "closed")
    return f"{service['title']}: {service.get('price_text')} ({state})"


def profile_facts(profile: dict[str, Any]) -> dict[str, Any]:
    """The facts the written fields came from (marketplace data, never written by a model)."""
    ratings = profile.get("ratings") or {}
    return {
        "display_name": profile.get("display_name"),
        "profile_url": profile.get("profile_url"),
        "expertise": profile.get("expertise") or [],
        "languages": profile.get("languages") or [],
        "ratings": (
            f"{ratings.get('average')} from {ratings.get('count')} reviews"
            if ratings.get("count")
            else "no ratings yet"
        ),
        "services": [
            {
                "title": s["title"],
                "price": s.get("price_text"),
                "state": "open" if s.get("active") else s.get("status", "closed"),
                "link": s.get("booking_url"),
                "seats_left": s.get("seats_left"),
            }
            for s in profile.get("services") or []
        ],
    }


def profile_changes(pending: dict[str, Any], approved: dict[str, Any] | None) -> list[dict]:
    """What a re-synced profile changes from the approved one: facts and written fields."""
    if approved is None:
        return []
    changes = []
    before = {str(s["id"]): s for s in approved.get("services") or []}
    after = {str(s["id"]): s for s in pending.get("services") or []}
    for sid in [*after, *(k for k in before if k not in after)]:
        old, new = before.get(sid), after.get(sid)
        old_line = _service_line(old) if old else "not offered"
        new_line = _service_line(new) if new else "removed"
        if old_line != new_line or (old and new and old.get("booking_url") != new["booking_url"]):
            label = (new or old)["title"]
            changes.append({"what": f"Service: {label}", "before": old_line, "after": new_line})
    for key, label in (("display_name", "Name"), ("profile_url", "Profile link")):
        if approved.get(key) != pending.get(key):
            changes.append({"what": label, "before": approved.get(key), "after": pending.get(key)})
    old_ratings, new_ratings = approved.get("ratings") or {}, pending.get("ratings") or {}
    if old_ratings != new_ratings:
        changes.append(
            {
                "what": "Ratings",
                "before": profile_facts(approved)["ratings"],
                "after": profile_facts(pending)["ratings"],
            }
        )
    for field in WRITING_FIELDS:
        if approved.get(field) != pending.get(field):
            changes.append(
                {
                    "what": FIELD_LABELS[field],
                    "before": field_text(field, approved.get(field)),
                    "after": field_text(field, pending.get(field)),
                }
            )
    return changes


def _sort_key(item: dict[str, Any]) -> datetime:
    at = item["at"]
    return datetime.fromisoformat(at) if isinstance(at, str) else at


def thread_items(
    events: list[dict[str, Any]],
    approvals: list[dict[str, Any]],
    messages: list[dict[str, Any]],
    profile: dict[str, Any],
) -> list[dict[str, Any]]:
    """A lead's events, drafts and messages on one timeline, oldest first."""
    items: list[dict[str, Any]] = []
    for e in events:
        decision = e.get("decision") or {}
        reason = decision.get("reason")
        items.append(
            {
                "kind": "event",
                "at": e["occurred_at"],
                "title": trigger_text(e["type"], e.get("payload") or {}, profile),
                "detail": (
                    ("The agent drafted: " if decision.get("act") else "The agent waited: ")
                    + REASON_TEXT.get(reason, reason)
                    if reason
                    else f"Event {e['status']}"
                ),
            }
        )
    for a in approvals:
        draft = a.get("draft") or {}
        items.append(
            {
                "kind": "draft",
                "at": a["created_at"],
                "title": f"Draft by {writer_text(draft)}: {a['status']}",
                "detail": draft.get("body", ""),
                "approval_id": a["id"],
                "status": a["status"],
            }
        )
    for m in messages:
        items.append(
            {
                "kind": "message",
                "at": m["created_at"],
                "title": f"Message on {m['channel']}: {m['status']}",
                "detail": m["body"],
                "status": m["status"],
            }
        )
    items.sort(key=_sort_key)
    for item in items:
        item["at"] = when(item["at"])
    return items
