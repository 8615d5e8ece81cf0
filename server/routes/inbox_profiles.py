"""The inbox's sales profile reviews: the list, one review (written fields beside the facts
and the changes from the approved version), and the creator's approve, edit or reject."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from domain.profile_writing import WRITING_FIELDS
from nodes.review_profile import ACTION as PROFILE_ACTION
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
from server.inbox_reads import profile_review
from server.store import approval_queue

router = APIRouter(prefix="/inbox", include_in_schema=False)

NO_SUCH_REVIEW = "There is no such profile review in your inbox."


@router.get("/profiles")
async def profile_reviews(request: Request, services: ServicesDep, session: PageSession):
    creator = session.creator_id
    async with services.pool.connection() as conn:
        page = await approval_queue.list_approvals(
            conn, creator, creator, None, "profile", None, PAGE_SIZE
        )
    return await render(request, services, "profiles.html", session, reviews=page.rows)


async def _profile_page(
    request: Request, services: Any, session: Any, approval_id: str, status_code: int = 200, **c
) -> Response:
    async with services.pool.connection() as conn:
        review = await profile_review(conn, session.creator_id, approval_id)
    if review is None:
        raise InboxPageError(404, NO_SUCH_REVIEW)
    return await render(request, services, "profile.html", session, status_code, **review, **c)


@router.get("/profiles/{approval_id}")
async def profile_page(
    approval_id: str, request: Request, services: ServicesDep, session: PageSession
) -> Response:
    return await _profile_page(request, services, session, approval_id)


async def _decide_profile(
    request: Request, services: Any, posted: Any, approval_id: str, decision: dict, notice: str
) -> Response:
    try:
        await decisions.decide(services, posted.caller, approval_id, decision)
    except HTTPException as exc:
        if exc.status_code == 404:
            raise InboxPageError(404, NO_SUCH_REVIEW) from None
        return await _profile_page(
            request, services, posted.session, approval_id, exc.status_code, error=exc.detail
        )
    return redirect(f"/inbox?notice={notice}")


@router.post("/profiles/{approval_id}/approve")
async def approve_profile(
    approval_id: str, request: Request, services: ServicesDep, posted: PostedForm
) -> Response:
    return await _decide_profile(
        request, services, posted, approval_id, {"type": "approve"}, "profile_approved"
    )


@router.post("/profiles/{approval_id}/edit")
async def edit_profile(
    approval_id: str, request: Request, services: ServicesDep, posted: PostedForm
) -> Response:
    args = {
        name: inbox_views.parse_field(name, posted.get(name))
        for name in WRITING_FIELDS
        if name in posted.form
    }
    decision = {"type": "edit", "edited_action": {"name": PROFILE_ACTION, "args": args}}
    return await _decide_profile(request, services, posted, approval_id, decision, "profile_edited")


@router.post("/profiles/{approval_id}/reject")
async def reject_profile(
    approval_id: str, request: Request, services: ServicesDep, posted: PostedForm
) -> Response:
    feedback = posted.get("feedback").strip()
    notice = "profile_rewrite" if feedback else "profile_rejected"
    return await _decide_profile(
        request, services, posted, approval_id, rejection(feedback), notice
    )
