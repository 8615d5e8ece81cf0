"""The inbox's message drafts: the pending list (with the agent's approvals still in their
undo window), one draft's page, and the creator's decisions on them (approve, edit, reject,
cancel an agent's approval, approve selected). Decisions go through server/decisions.py, as
POST /approvals/{id}/decision does."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from domain.review import action_name
from server import decisions, inbox_views
from server.deps import ServicesDep
from server.inbox_pages import (
    PAGE_SIZE,
    InboxPageError,
    PageSession,
    PostedForm,
    redirect,
    rejection,
    render,
)
from server.inbox_reads import approved_profile
from server.listing import CursorQuery
from server.store import approval_queue

router = APIRouter(prefix="/inbox", include_in_schema=False)

NO_SUCH_DRAFT = "There is no such draft in your inbox."


@router.get("")
async def pending_drafts(
    request: Request, services: ServicesDep, session: PageSession, cursor: CursorQuery
) -> Response:
    creator = session.creator_id
    async with services.pool.connection() as conn:
        page = await approval_queue.list_approvals(
            conn, creator, creator, "pending", "message", cursor, PAGE_SIZE
        )
        # Approved by the agent, waiting out the undo window: the creator can still cancel.
        sending = await approval_queue.list_approvals(
            conn, creator, creator, "agent_approved", "message", None, PAGE_SIZE
        )
        profile = await approved_profile(conn, creator)
    return await render(
        request,
        services,
        "inbox.html",
        session,
        cards=[inbox_views.draft_card(a, profile) for a in page.rows],
        sending=[inbox_views.draft_card(a, profile) for a in sending.rows],
        next_cursor=page.next_cursor,
    )


async def _draft_page(
    request: Request,
    services: Any,
    session: Any,
    approval_id: str,
    status_code: int = 200,
    **context: Any,
) -> Response:
    async with services.pool.connection() as conn:
        approval = await approval_queue.get_approval(conn, session.creator_id, approval_id)
        if approval is None or approval["kind"] != "message":
            raise InboxPageError(404, NO_SUCH_DRAFT)
        profile = await approved_profile(conn, session.creator_id)
    card = inbox_views.draft_card(approval, profile)
    return await render(request, services, "draft.html", session, status_code, card=card, **context)


@router.get("/approvals/{approval_id}")
async def draft_page(
    approval_id: str, request: Request, services: ServicesDep, session: PageSession
) -> Response:
    return await _draft_page(request, services, session, approval_id)


async def _decide(
    request: Request, services: Any, posted: Any, approval_id: str, decision: dict[str, Any]
) -> dict[str, Any] | Response:
    """The decision's result, or the draft page saying why it was not taken."""
    try:
        return await decisions.decide(services, posted.caller, approval_id, decision)
    except decisions.EditHasFindings as exc:
        return await _draft_page(
            request,
            services,
            posted.session,
            approval_id,
            409,
            findings=exc.findings,
            edited=decision["edited_action"]["args"],
        )
    except HTTPException as exc:
        if exc.status_code == 404:
            raise InboxPageError(404, NO_SUCH_DRAFT) from None
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return await _draft_page(
            request, services, posted.session, approval_id, exc.status_code, error=detail
        )


# Its path also fits GET /approvals/{approval_id}, which answers GETs only: a POST comes
# here wherever the two are declared, and a GET of it is the draft page's 404.
@router.post("/approvals/approve-selected")
async def approve_selected(request: Request, services: ServicesDep, posted: PostedForm) -> Response:
    ids = [i for i in posted.all("approval_id") if i][:PAGE_SIZE]
    if not ids:
        return redirect("/inbox?notice=none_selected")
    results = await decisions.approve_each(services, posted.caller, ids)
    refused = [
        {
            "id": approval_id,
            # Another creator's draft reads as missing, as it does everywhere in the inbox.
            "detail": NO_SUCH_DRAFT if result["error"] in (403, 404) else result["detail"],
        }
        for approval_id, result in results.items()
        if "error" in result
    ]
    if not refused:
        return redirect("/inbox?notice=bulk")
    return await render(
        request,
        services,
        "bulk_result.html",
        posted.session,
        409,
        approved=len(results) - len(refused),
        refused=refused,
    )


@router.post("/approvals/{approval_id}/approve")
async def approve(
    approval_id: str, request: Request, services: ServicesDep, posted: PostedForm
) -> Response:
    result = await _decide(request, services, posted, approval_id, {"type": "approve"})
    return result if isinstance(result, Response) else redirect("/inbox?notice=approved")


@router.post("/approvals/{approval_id}/edit")
async def edit(
    approval_id: str, request: Request, services: ServicesDep, posted: PostedForm
) -> Response:
    args = {"body": posted.get("body")}
    if "subject" in posted.form:
        args["subject"] = posted.get("subject")
    decision = {
        "type": "edit",
        "edited_action": {"name": action_name(posted.get("channel")), "args": args},
        "confirm": posted.get("confirm") == "yes",
    }
    result = await _decide(request, services, posted, approval_id, decision)
    return result if isinstance(result, Response) else redirect("/inbox?notice=edited")


@router.post("/approvals/{approval_id}/reject")
async def reject(
    approval_id: str, request: Request, services: ServicesDep, posted: PostedForm
) -> Response:
    feedback = posted.get("feedback").strip()
    result = await _decide(request, services, posted, approval_id, rejection(feedback))
    if isinstance(result, Response):
        return result
    if not feedback:
        notice = "rejected"
    else:
        notice = "rejected_no_model" if result["note"] else "rejected_rewrite"
    return redirect(f"/inbox?notice={notice}")


@router.post("/approvals/{approval_id}/cancel")
async def cancel(
    approval_id: str, request: Request, services: ServicesDep, posted: PostedForm
) -> Response:
    try:
        await decisions.cancel(services, posted.caller, approval_id)
    except HTTPException as exc:
        if exc.status_code in (403, 404):
            raise InboxPageError(404, NO_SUCH_DRAFT) from None
        return await _draft_page(
            request, services, posted.session, approval_id, exc.status_code, error=exc.detail
        )
    return redirect("/inbox?notice=cancelled")
