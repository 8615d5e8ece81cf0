"""The inbox's record of what happened: every draft with its status, the messages sent, and
one lead's thread (events, drafts and messages on one timeline)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from server import inbox_views
from server.deps import ServicesDep
from server.inbox_pages import PAGE_SIZE, InboxPageError, PageSession, render
from server.inbox_reads import approved_profile, lead_thread
from server.listing import CursorQuery
from server.store import approval_queue, leads, message_log

router = APIRouter(prefix="/inbox", include_in_schema=False)


@router.get("/history")
async def history(
    request: Request, services: ServicesDep, session: PageSession, cursor: CursorQuery
) -> Response:
    creator = session.creator_id
    async with services.pool.connection() as conn:
        page = await approval_queue.list_approvals(
            conn, creator, creator, None, "message", cursor, PAGE_SIZE
        )
        profile = await approved_profile(conn, creator)
    cards = [inbox_views.draft_card(a, profile) for a in page.rows]
    return await render(
        request, services, "history.html", session, cards=cards, next_cursor=page.next_cursor
    )


@router.get("/messages")
async def sent_messages(
    request: Request, services: ServicesDep, session: PageSession, cursor: CursorQuery
) -> Response:
    creator = session.creator_id
    async with services.pool.connection() as conn:
        page = await message_log.list_messages(
            conn, creator, creator, None, None, cursor, PAGE_SIZE
        )
        names = await leads.lead_names(conn, creator, [m["consumer_id"] for m in page.rows])
    return await render(
        request,
        services,
        "messages.html",
        session,
        messages=page.rows,
        names=names,
        next_cursor=page.next_cursor,
    )


@router.get("/leads/{lead_id}")
async def lead_page(
    lead_id: str, request: Request, services: ServicesDep, session: PageSession
) -> Response:
    async with services.pool.connection() as conn:
        thread = await lead_thread(conn, session.creator_id, lead_id)
    if thread is None:
        raise InboxPageError(404, "There is no such lead in your inbox.")
    return await render(request, services, "lead.html", session, **thread)
