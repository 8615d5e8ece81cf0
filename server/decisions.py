"""A creator's decision on an approval, the same from the API and from the inbox: checked,
recorded once (compare-and-set), audited, and handed to the worker to resume the thread."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from fastapi import HTTPException
from pydantic import ValidationError

from domain.draft_check import MAX_LENGTH, MAX_SUBJECT_LENGTH
from domain.findings import Finding
from domain.human_check import check_rendered_text
from domain.offer import offerable_to_lead
from domain.profile_writing import WRITING_FIELDS, ProfileWriting
from domain.review import action_name
from nodes.review_profile import ACTION as PROFILE_ACTION
from server.auth import Caller
from server.draft_expiry import expire_and_resume, expired_detail
from server.errors import ApiError
from server.services import Services
from server.store import approval_queue, audit_trail, creator_profiles
from server.store.rows import ALL_CREATORS
from server.undo_window import ApprovalGone, CancelRefused, cancel_agent_approval
from tools.creator_source import describe_validation_error

FEEDBACK_NEEDS_MODEL = (
    "feedback needs a drafting model (set OPENAI_API_KEY): the template drafter cannot "
    "rewrite a draft, so no new draft is written for this rejection"
)
STATUS_OF_DECISION = {"approve": "approved", "edit": "edited", "reject": "rejected"}


# Where an edit's findings are, in the decision's body.
EDITED_ARGS = ["body", "decisions", 0, "edited_action", "args"]


class EditHasFindings(ApiError):
    """409: the edited message has findings and the creator has not confirmed it; each
    finding is an error item with its rule and the words that broke it."""

    def __init__(self, findings: list[Finding]):
        super().__init__(
            409,
            "the edited message has problems (see errors); fix them, or send the same "
            'decision with "confirm": true to send it as it is',
            [
                {"loc": EDITED_ARGS, "msg": f["detail"], "rule": f["rule"], "text": f["text"]}
                for f in findings
            ],
        )
        self.findings = findings


def _profile_edit_problem(approval: dict[str, Any], decision: dict[str, Any]) -> str | None:
    """What is wrong with an edited profile, or None."""
    action = decision["edited_action"]
    if action["name"] != PROFILE_ACTION:
        return f"edited_action.name must be {PROFILE_ACTION!r}"
    unknown = sorted(set(action["args"]) - set(WRITING_FIELDS))
    if unknown:
        return (
            f"these fields cannot be edited: {', '.join(unknown)}; editable fields are "
            f"{', '.join(WRITING_FIELDS)} (facts come from the marketplace data)"
        )
    current = {k: approval["draft"].get(k) for k in WRITING_FIELDS}
    try:
        ProfileWriting.model_validate({**current, **action["args"]})
    except ValidationError as exc:
        return "; ".join(describe_validation_error(exc))
    return None


def edit_problem(approval: dict[str, Any], decision: dict[str, Any]) -> str | None:
    """What is wrong with an edited message or profile, or None."""
    if approval["kind"] == "profile":
        return _profile_edit_problem(approval, decision)
    expected = action_name(approval["channel"])
    action = decision["edited_action"]
    if action["name"] != expected:
        return f"edited_action.name must be {expected!r}"
    body = action["args"].get("body")
    if not isinstance(body, str) or not body.strip():
        return "edited_action.args.body must be the non-empty message text"
    if len(body) > MAX_LENGTH[approval["channel"]]:
        return f"the message is longer than {MAX_LENGTH[approval['channel']]} characters"
    subject = action["args"].get("subject", approval["draft"].get("subject"))
    if approval["channel"] == "email" and (not isinstance(subject, str) or not subject.strip()):
        return "an email needs edited_action.args.subject"
    if isinstance(subject, str) and len(subject) > MAX_SUBJECT_LENGTH:
        return f"the subject is longer than {MAX_SUBJECT_LENGTH} characters"
    return None


def _edit_findings(
    approval: dict[str, Any], decision: dict[str, Any], profile: dict[str, Any]
) -> list[Finding]:
    """The edited message checked as sent, against the facts open to this lead."""
    args = decision["edited_action"]["args"]
    subject = args.get("subject", approval["draft"].get("subject"))
    enrolled = (approval.get("consumer_context") or {}).get("enrolled_service_ids") or []
    return check_rendered_text(
        args["body"],
        offerable_to_lead(profile, enrolled),
        approval["channel"],
        subject if isinstance(subject, str) else None,
    )


async def _check_edit(
    conn: Any, approval: dict[str, Any], decision: dict[str, Any]
) -> list[Finding]:
    """Findings in an edited message; EditHasFindings unless the creator confirmed."""
    if approval["kind"] != "message" or approval["status"] != "pending":
        return []
    profile = await creator_profiles.latest_profile(conn, approval["creator_id"])
    if profile is None:
        return []
    findings = await asyncio.to_thread(_edit_findings, approval, decision, profile["profile"])
    if findings and not decision.get("confirm"):
        raise EditHasFindings(findings)
    return findings


async def decide(
    services: Services, caller: Caller, approval_id: str, decision: dict[str, Any]
) -> dict[str, Any]:
    """Record `decision` ({"type": "approve" | "edit" | "reject", ...}) on the approval.

    Every caller passes one of those types (the API's body is a ReviewResponse, the inbox
    builds its own). Raises HTTPException: 404 (not the caller's), 422 (a bad edit),
    EditHasFindings (409), or 409 when it was decided already (nothing is sent twice).
    The decision, its audit entry and the resume job are one statement, taken only while
    the draft is pending and within its TTL; a draft found past its TTL expires (committed,
    then the 409). Any other answer but success leaves nothing behind.
    """
    async with services.pool.connection() as conn:
        approval = await approval_queue.get_approval(conn, ALL_CREATORS, approval_id)
        if approval is None:
            raise HTTPException(404, f"approval {approval_id!r} not found")
        caller.write(approval["creator_id"])
        # Before an edit's checks, as they would only be answered with this 409 anyway.
        expired = _looks_expired(approval) and await _expire_if_due(conn, services, approval_id)
        if expired == "expired":
            raise HTTPException(409, expired_detail(approval_id))
        return await _record_decision(conn, services, caller, approval, decision)


def _looks_expired(approval: dict[str, Any]) -> bool:
    """By this process's clock; the database's clock decides (the decision's statement
    refuses a draft past its TTL, and the expiry is a compare-and-set of its own)."""
    expires_at = approval.get("expires_at")
    return expires_at is not None and expires_at <= datetime.now(UTC)


async def _expire_if_due(conn: Any, services: Services, approval_id: str) -> str | None:
    """Expire the draft if it is past its TTL (committed, with the resume that closes the
    thread's wait); the approval's status after, None when there is no such approval."""
    async with conn.transaction():
        if await expire_and_resume(conn, services.jobs, approval_id) is not None:
            return "expired"
    return await approval_queue.approval_status(conn, approval_id)


async def _record_decision(
    conn: Any,
    services: Services,
    caller: Caller,
    approval: dict[str, Any],
    decision: dict[str, Any],
) -> dict[str, Any]:
    """`decide`'s checks of an edit, then its compare-and-set on a draft within its TTL with
    the audit entry and the resume job (one statement)."""
    approval_id = approval["id"]
    findings: list[Finding] = []
    if decision["type"] == "edit":
        if problem := edit_problem(approval, decision):
            raise HTTPException(422, problem)
        findings = await _check_edit(conn, approval, decision)
    status = STATUS_OF_DECISION[decision["type"]]
    note = None
    if (
        approval["kind"] == "message"
        and decision["type"] == "reject"
        and decision.get("message")
        and not services.drafter_revises
    ):
        note = FEEDBACK_NEEDS_MODEL
    audit = audit_trail.audit_params(
        approval["thread_id"],
        caller.actor,
        f"draft_{status}",
        {
            "approval_id": approval_id,
            "decision": decision,
            # An edit sent despite findings: what they were, and that the creator confirmed.
            **({"findings": findings, "confirmed": True} if findings else {}),
        },
    )
    decided = await approval_queue.decide_and_resume(
        conn,
        approval_id,
        status,
        {"decisions": [decision]},
        note,
        audit,
        services.jobs.resume_job(approval),
    )
    if decided is None:
        # Past its TTL (it expires now), decided meanwhile, or erased with its lead while
        # this request waited for it.
        now = await _expire_if_due(conn, services, approval_id)
        if now is None:
            raise HTTPException(404, f"approval {approval_id!r} not found")
        if now == "expired":
            raise HTTPException(409, expired_detail(approval_id))
        if now == "agent_approved":
            raise HTTPException(
                409,
                f"approval {approval_id!r} was approved by the agent and is sent after its "
                f"undo window; POST /approvals/{approval_id}/cancel stops it",
            )
        raise HTTPException(409, f"approval {approval_id!r} is already {now}")
    return {"approval_id": approval_id, "status": status, "note": note}


async def cancel(services: Services, caller: Caller, approval_id: str) -> dict[str, Any]:
    """Cancel a message the agent approved while it waits out its undo window."""
    async with services.pool.connection() as conn, conn.transaction():
        approval = await approval_queue.get_approval(conn, ALL_CREATORS, approval_id)
        if approval is None:
            raise HTTPException(404, f"approval {approval_id!r} not found")
        caller.write(approval["creator_id"])
        try:
            row = await cancel_agent_approval(conn, services.jobs, approval, caller.actor)
        except ApprovalGone:
            raise HTTPException(404, f"approval {approval_id!r} not found") from None
        except CancelRefused as exc:
            raise HTTPException(409, str(exc)) from None
    return {"approval_id": approval_id, "status": row["status"]}


async def approve_each(
    services: Services, caller: Caller, approval_ids: list[str]
) -> dict[str, dict[str, Any]]:
    """Approve several drafts, each in its own transaction with the same compare-and-set as
    one: a draft decided meanwhile (or not the caller's) is reported, never sent twice.
    Returns, per id, the decision's result or {"error": status, "detail": ...}."""
    results: dict[str, dict[str, Any]] = {}
    for approval_id in dict.fromkeys(approval_ids):
        try:
            results[approval_id] = await decide(services, caller, approval_id, {"type": "approve"})
        except HTTPException as exc:
            results[approval_id] = {"error": exc.status_code, "detail": exc.detail}
    return results
