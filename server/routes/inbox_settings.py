"""The inbox's settings page and its two forms: the agent (on/off, approval mode, numeric
settings and triggers, saved through the same change as PATCH /agents/{id};
server/inbox_settings_form.py reads and checks that form) and the creator's notifications
(digests when drafts wait, the same change as PUT /creators/{id}/notifications)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import ValidationError

from server.agent_changes import change_agent
from server.deps import ServicesDep
from server.inbox_pages import (
    InboxPageError,
    PageSession,
    PostedForm,
    caller_of,
    redirect,
    render,
)
from server.inbox_settings_form import form_choices, requested_changes
from server.notification_changes import change_notifications, read_notifications
from server.store import agent_settings
from tools.creator_source import describe_validation_error

router = APIRouter(prefix="/inbox", include_in_schema=False)


async def _settings_page(
    request: Request, services: Any, session: Any, status_code: int = 200, **context: Any
) -> Response:
    async with services.pool.connection() as conn:
        agent = await agent_settings.agent_of_creator(conn, session.creator_id)
    if agent is None:
        raise InboxPageError(404, "You have no sales agent yet: approve your sales profile first.")
    notifications = await read_notifications(services, caller_of(session), session.creator_id)
    return await render(
        request,
        services,
        "settings.html",
        session,
        status_code,
        notifications=notifications,
        **form_choices(agent),
        **context,
    )


@router.get("/settings")
async def settings_page(request: Request, services: ServicesDep, session: PageSession):
    return await _settings_page(request, services, session)


@router.post("/settings")
async def save_settings(request: Request, services: ServicesDep, posted: PostedForm) -> Response:
    async with services.pool.connection() as conn:
        agent = await agent_settings.agent_of_creator(conn, posted.session.creator_id)
    if agent is None:
        raise InboxPageError(404, "You have no sales agent yet.")
    try:
        validated = requested_changes(agent, posted.form)
    except ValidationError as exc:
        error = "; ".join(describe_validation_error(exc))
        return await _settings_page(request, services, posted.session, 422, error=error)
    await change_agent(
        services, posted.caller, agent["id"], enabled=posted.get("enabled") == "on", **validated
    )
    return redirect("/inbox/settings?notice=settings_saved")


@router.post("/settings/notifications")
async def save_notifications(
    request: Request, services: ServicesDep, posted: PostedForm
) -> Response:
    channel = posted.get("channel") or None
    address = posted.get("to").strip() or None
    try:
        await change_notifications(
            services,
            posted.caller,
            posted.session.creator_id,
            enabled=posted.get("enabled") == "on",
            channel=channel,
            address=address,
        )
    except HTTPException as exc:
        if exc.status_code != 422:
            raise
        return await _settings_page(
            request,
            services,
            posted.session,
            422,
            notify_error=f"Not saved: {exc.detail}.",
            notify_to=address or "",
        )
    return redirect("/inbox/settings?notice=notifications_saved#notifications")
