from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import ValidationError

from domain.approval_states import ApprovalStatus
from domain.draft_check import MAX_LENGTH, MAX_SUBJECT_LENGTH
from domain.findings import Finding
from domain.human_check import check_rendered_text
from domain.offer import offerable_to_lead
from domain.profile_writing import WRITING_FIELDS, ProfileWriting
from domain.review import ReviewResponse, action_name
from nodes.review_profile import ACTION as PROFILE_ACTION
from server.auth import CallerDep
from server.deps import ServicesDep
from server.draft_expiry import expire_and_resume, expired_detail
from server.errors import ApiError
from server.listing import CursorQuery, LimitQuery
from server.responses.approval_out import ApprovalList, ApprovalOut, Cancelled, DecisionTaken
from server.responses.error_body import error_responses
from server.schemas import ApprovalKind
from server.store import approval_queue, audit_trail, creator_profiles
from server.store.rows import ALL_CREATORS
from server.undo_window import ApprovalGone, CancelRefused, cancel_agent_approval
from tools.creator_source import describe_validation_error

router = APIRouter(tags=["approvals"])

FEEDBACK_NEEDS_MODEL = (
    "feedback needs a drafting model (set OPENAI_API_KEY): the template drafter cannot "
    "rewrite a draft, so no new draft is written for this rejection"
)
STATUS_OF_DECISION = {"approve": "approved", "edit": "edited", "reject": "rejected"}
EDITED_ARGS = ["body", "decisions", 0, "edited_action", "args"]


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


def _edit_problem(approval: dict[str, Any], decision: dict[str, Any]) -> str | None:
    """What is wrong with an edited message, or None."""
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
    """Findings in an edited message; 409 with them unless the creator confirmed."""
    if approval["kind"] != "message" or approval["status"] != "pending":
        return []
    profile = await creator_profiles.latest_profile(conn, approval["creator_id"])
    if profile is None:
        return []
    findings = await asyncio.to_thread(_edit_findings, approval, decision, profile["profile"])
    if findings and not decision.get("confirm"):
        raise ApiError(
            409,
            "the edited message has problems (see errors); fix them, or send the same "
            'decision with "confirm": true to send it as it is',
            [
                {"loc": EDITED_ARGS, "msg": f["detail"], "rule": f["rule"], "text": f["text"]}
                for f in findings
            ],
        )
    return findings


@router.get("/approvals", response_model=ApprovalList, responses=error_responses(401, 404, 422))
async def list_approvals(
    services: ServicesDep,
    caller: CallerDep,
    cursor: CursorQuery,
    creator_id: str | None = Query(None, description="Whose drafts; a creator key lists its own"),
    status: ApprovalStatus | None = "pending",
    kind: ApprovalKind | None = None,
    limit: LimitQuery = 100,
) -> dict[str, Any]:
    """Drafts waiting for the creator (by default) oldest first, decided ones newest first,
    with the lead's context and, once sent, the message and its delivery status.

    `kind` is `message` for a sales draft and `profile` for a sales profile to review."""
    creator = caller.listing(creator_id)
    async with services.pool.connection() as conn:
        page = await approval_queue.list_approvals(
            conn, caller.scope, creator, status, kind, cursor, limit
        )
    return {"approvals": page.rows, "next_cursor": page.next_cursor}


@router.get(
    "/approvals/{approval_id}", response_model=ApprovalOut, responses=error_responses(401, 404, 422)
)
async def get_approval(
    approval_id: str, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    async with services.pool.connection() as conn:
        row = await approval_queue.get_approval(conn, caller.scope, approval_id)
    if row is None:
        raise HTTPException(404, f"approval {approval_id!r} not found")
    return row


@router.post(
    "/approvals/{approval_id}/decision",
    response_model=DecisionTaken,
    responses=error_responses(401, 403, 404, 409, 413, 422),
)
async def decide(
    approval_id: str, body: ReviewResponse, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Approve, edit or reject a draft (`{"decisions": [{"type": "approve"}]}`).

    An edited message is checked as sent (domain.human_check): with findings it gets 409
    listing them, unless the edit carries `"confirm": true`. Only the first decision
    counts: a second one gets 409 and sends nothing. A draft older than the agent's
    draft_ttl_hours has expired: 409 too.
    """
    decision = body.decisions[0].model_dump(exclude_none=True)
    async with services.pool.connection() as conn, conn.transaction():
        approval = await approval_queue.get_approval(conn, ALL_CREATORS, approval_id)
        if approval is None:
            raise HTTPException(404, f"approval {approval_id!r} not found")
        caller.write(approval["creator_id"])
        # Past its TTL it expires now (committed), whatever the sweep's timing.
        expired = await expire_and_resume(conn, services.jobs, approval_id) is not None
    if expired:
        raise HTTPException(409, expired_detail(approval_id))
    async with services.pool.connection() as conn, conn.transaction():
        approval = await approval_queue.get_approval(conn, ALL_CREATORS, approval_id)
        if approval is None:
            raise HTTPException(404, f"approval {approval_id!r} not found")
        findings: list[Finding] = []
        if decision["type"] == "edit":
            if problem := _edit_problem(approval, decision):
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
        decided = await approval_queue.decide_approval(
            conn, approval_id, status, {"decisions": [decision]}, note
        )
        if decided is None:
            # Decided meanwhile, or erased with its lead while this request waited for it.
            now = await approval_queue.approval_status(conn, approval_id)
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
        await audit_trail.audit(
            conn,
            approval["creator_id"],
            caller.actor,
            f"draft_{status}",
            {
                "approval_id": approval_id,
                "decision": decision,
                # An edit sent despite findings: what they were, and that the creator confirmed.
                **({"findings": findings, "confirmed": True} if findings else {}),
            },
            thread_id=approval["thread_id"],
        )
        await services.jobs.enqueue_resume(conn, approval)
    return {"approval_id": approval_id, "status": status, "note": note}


@router.post(
    "/approvals/{approval_id}/cancel",
    response_model=Cancelled,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def cancel(approval_id: str, services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Cancel a message the agent approved (approval modes semi_auto and auto) while it waits
    out its undo window (`send_after`): nothing is sent. Once sent, 409."""
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
