"""The inbox's agent settings page and its form: on/off, approval mode, numeric settings and
triggers, saved through the same change as PATCH /agents/{id}
(server/inbox_settings_form.py reads and checks the form)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from server.agent_changes import change_agent
from server.deps import ServicesDep
from server.inbox_pages import InboxPageError, PageSession, PostedForm, redirect, render
from server.inbox_settings_form import form_choices, requested_changes
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
    return await render(
        request, services, "settings.html", session, status_code, **form_choices(agent), **context
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
