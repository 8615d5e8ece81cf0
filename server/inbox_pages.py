"""The inbox's page machinery: templates, the signed-in session of a page or a form (with
its CSRF check), form parsing, and the error pages. The pages themselves are in
server/routes/inbox_*.py."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from domain.review import MAX_FEEDBACK
from server import inbox_views, sign_in
from server.auth import INBOX_SESSION, Caller
from server.deps import ServicesDep
from server.sign_in import InboxSession
from server.store import approval_queue, creator_records

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
SIGN_IN_PATH = "/inbox/sign-in"
# Pages are the creator's private data: never cached, never framed, no script but ours.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FIELD_VALUES = 200
# Rows on a list page (drafts, history, sent messages, profile reviews, approve selected).
PAGE_SIZE = 50


class SignInNeeded(Exception):
    """A page asked for without a session: go to the sign-in form."""


class InboxPageError(Exception):
    """A refusal shown as a page: 404 for another creator's things, 403 for a bad form."""

    def __init__(self, status_code: int, message: str):
        super().__init__(message)
        self.status_code = status_code
        self.message = message


@functools.cache
def templates() -> Jinja2Templates:
    env = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env.env.filters["when"] = inbox_views.when
    return env


def caller_of(session: InboxSession) -> Caller:
    """The session acts as the creator's key would: scoped reads, audited as the creator."""
    return Caller(key_id=INBOX_SESSION, creator_id=session.creator_id)


async def render(
    request: Request,
    services: Any,
    template: str,
    session: InboxSession | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    nav: dict[str, Any] = {}
    if session is not None:
        async with services.pool.connection() as conn:
            counts = await approval_queue.pending_counts(conn, session.creator_id)
            creator = await creator_records.get_creator(
                conn, session.creator_id, session.creator_id
            )
        nav = {
            "waiting": counts.get("message", 0),
            "profiles_waiting": counts.get("profile", 0),
            "creator_name": creator["display_name"] if creator else session.creator_id,
        }
    response = templates().TemplateResponse(
        request,
        template,
        {
            "session": session,
            "csrf": session.csrf if session else None,
            "nav": nav,
            "notice": NOTICES.get(request.query_params.get("notice", "")),
            **context,
        },
        status_code=status_code,
    )
    response.headers.update(PAGE_HEADERS)
    return response


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# What a redirect after an action says; only these texts are shown (no text from the URL).
NOTICES = {
    "approved": "Approved: the message is on its way.",
    "edited": "Your edit was approved and is on its way.",
    "rejected": "Rejected: nothing will be sent.",
    "rejected_rewrite": "Rejected: the agent is writing a new draft from your feedback.",
    "rejected_no_model": "Rejected. No rewrite: drafting with feedback needs a model.",
    "bulk": "The selected drafts were approved.",
    "cancelled": "Cancelled: the agent's message will not be sent.",
    "none_selected": "Select at least one draft to approve.",
    "profile_approved": "Profile approved: the agent uses it from now on.",
    "profile_edited": "Your edited profile was approved.",
    "profile_rejected": "Profile rejected.",
    "profile_rewrite": "Profile rejected: a new version is being written from your feedback.",
    "settings_saved": "Settings saved.",
    "notifications_saved": "Notifications saved.",
    "signed_out": "You are signed out.",
}


async def read_form(request: Request) -> dict[str, list[str]]:
    """The urlencoded form of a POST (the only kind the inbox's pages send)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type != FORM_TYPE:
        raise InboxPageError(415, f"this form must be sent as {FORM_TYPE}")
    body = await request.body()
    try:
        fields = parse_qs(body.decode(), keep_blank_values=True, max_num_fields=MAX_FIELD_VALUES)
    except (UnicodeDecodeError, ValueError):
        raise InboxPageError(400, "the form could not be read; reload the page") from None
    return fields


def field(form: dict[str, list[str]], name: str, default: str = "") -> str:
    values = form.get(name)
    return values[0] if values else default


def rejection(feedback: str) -> dict[str, Any]:
    """A reject decision from a form's feedback (empty: a plain rejection, no rewrite)."""
    decision: dict[str, Any] = {"type": "reject"}
    if feedback:
        decision["message"] = feedback[:MAX_FEEDBACK]
    return decision


async def _session(request: Request, services: Any) -> InboxSession | None:
    async with services.pool.connection() as conn:
        return await sign_in.session_of(conn, request)


async def page_session(request: Request, services: ServicesDep) -> InboxSession:
    session = await _session(request, services)
    if session is None:
        raise SignInNeeded()
    return session


class Posted:
    """A signed-in form post: its session and fields, the CSRF token checked."""

    def __init__(self, session: InboxSession, form: dict[str, list[str]]):
        self.session = session
        self.form = form
        self.caller = caller_of(session)

    def get(self, name: str, default: str = "") -> str:
        return field(self.form, name, default)

    def all(self, name: str) -> list[str]:
        return self.form.get(name, [])


async def posted_form(request: Request, services: ServicesDep) -> Posted:
    session = await _session(request, services)
    if session is None:
        raise SignInNeeded()
    form = await read_form(request)
    if not session.csrf_ok(field(form, sign_in.CSRF_FIELD) or None):
        raise InboxPageError(
            403, "This form is out of date or did not come from your inbox. Reload and try again."
        )
    return Posted(session, form)


PageSession = Annotated[InboxSession, Depends(page_session)]
PostedForm = Annotated[Posted, Depends(posted_form)]


async def sign_in_needed(request: Request, exc: Exception) -> Response:
    if request.method == "GET":
        return redirect(SIGN_IN_PATH)
    # A form posted after the session ended: say so rather than lose it silently.
    return await render(
        request,
        request.app.state.services,
        "error.html",
        None,
        status_code=401,
        code=401,
        message="You are signed out. Sign in again, then repeat what you were doing.",
    )


async def page_error(request: Request, exc: InboxPageError) -> Response:
    services = request.app.state.services
    session = await _session(request, services)
    return await render(
        request,
        services,
        "error.html",
        session,
        status_code=exc.status_code,
        code=exc.status_code,
        message=exc.message,
    )
