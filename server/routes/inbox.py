"""The creator's web inbox: server-rendered pages (server/templates) with a little
JavaScript (server/static). Every page and form acts as the signed-in creator's key would
(scoped reads, the same decision and settings logic as the API); every form carries the
session's CSRF token."""

from __future__ import annotations

from typing import Any, get_args, get_origin

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import ValidationError

from domain.profile_writing import WRITING_FIELDS
from domain.review import action_name
from domain.thread_ids import sales_thread_id
from nodes.review_profile import ACTION as PROFILE_ACTION
from server import decisions, inbox_views, sign_in
from server.agent_changes import change_agent
from server.auth import hash_key
from server.deps import ServicesDep
from server.inbox_pages import (
    InboxPageError,
    PageSession,
    PostedForm,
    field,
    read_form,
    redirect,
    render,
)
from server.listing import CursorQuery
from server.routes.agents import AgentUpdate
from server.schemas import EventType
from server.store import (
    agent_settings,
    api_keys,
    approval_queue,
    audit_trail,
    creator_profiles,
    event_log,
    leads,
    message_log,
)
from tools.creator_source import describe_validation_error

router = APIRouter(prefix="/inbox", include_in_schema=False)

PAGE_SIZE = 50
NO_SUCH_DRAFT = "There is no such draft in your inbox."
THREAD_LIMIT = 100
MODE_TEXT = {
    "manual": "Every draft waits for you.",
    "semi_auto": "The agent sends a draft it is confident about (at least the threshold) that "
    "passed every check. Template drafts, drafts with findings, first messages and answers "
    "to a lead's question wait for you.",
    "auto": "The agent sends every draft that passed every check. Template drafts and drafts "
    "with findings wait for you.",
}
# Settings the form shows as numbers when the API accepts them (approval threshold, TTL...).
NUMBER_SETTINGS = (int, float)


# Sign-in and sign-out.


async def _sign_in_page(
    request: Request, services: Any, template: str, status_code: int = 200, **context: Any
) -> Response:
    token = sign_in.sign_in_token(request)
    response = await render(
        request, services, template, None, status_code, sign_in_token=token, **context
    )
    sign_in.set_sign_in_cookie(response, request, token)
    return response


async def _signed_in(request: Request, services: Any, creator_id: str, key_id: str | None):
    async with services.pool.connection() as conn, conn.transaction():
        session = await sign_in.open_session(conn, creator_id, key_id, services.settings)
        await audit_trail.audit(
            conn, creator_id, "creator", "inbox_signed_in", {"with": "key" if key_id else "link"}
        )
    response = redirect("/inbox")
    sign_in.set_session_cookie(response, request, session, services.settings)
    return response


async def _sign_in_form(request: Request) -> dict[str, list[str]]:
    form = await read_form(request)
    if not sign_in.sign_in_form_ok(request, field(form, sign_in.CSRF_FIELD) or None):
        raise InboxPageError(403, "This sign-in form is out of date. Reload it and try again.")
    return form


@router.get("/sign-in")
async def sign_in_page(request: Request, services: ServicesDep) -> Response:
    async with services.pool.connection() as conn:
        if await sign_in.session_of(conn, request) is not None:
            return redirect("/inbox")
    return await _sign_in_page(request, services, "sign_in.html")


@router.post("/sign-in")
async def sign_in_with_key(request: Request, services: ServicesDep) -> Response:
    form = await _sign_in_form(request)
    key = field(form, "key").strip()
    row = None
    if key and len(key) <= sign_in.MAX_TOKEN_LENGTH:
        async with services.pool.connection() as conn:
            row = await api_keys.active_key_by_hash(conn, hash_key(key))
    if row is None or row["creator_id"] is None:
        error = (
            "That is the admin key: an inbox belongs to one creator. Use the creator's key or "
            "a sign-in link."
            if row is not None
            else "That key is not a valid creator key (unknown or revoked)."
        )
        return await _sign_in_page(request, services, "sign_in.html", 401, error=error)
    return await _signed_in(request, services, row["creator_id"], row["id"])


@router.get("/sign-in/link")
async def sign_in_link_page(request: Request, services: ServicesDep, token: str = "") -> Response:
    async with services.pool.connection() as conn:
        creator_id = await sign_in.link_creator(conn, token)
    if creator_id is None:
        return await _sign_in_page(
            request,
            services,
            "sign_in.html",
            410,
            error="This sign-in link was used already or has expired. Ask for a new one, or "
            "sign in with your creator key.",
        )
    # Signing in takes a click (a POST): mail scanners that open links cannot use it up.
    return await _sign_in_page(
        request, services, "sign_in_link.html", link_token=token, creator_id=creator_id
    )


@router.post("/sign-in/link")
async def sign_in_with_link(request: Request, services: ServicesDep) -> Response:
    form = await _sign_in_form(request)
    async with services.pool.connection() as conn:
        creator_id = await sign_in.use_link(conn, field(form, "token"))
    if creator_id is None:
        return await _sign_in_page(
            request,
            services,
            "sign_in.html",
            410,
            error="This sign-in link was used already or has expired.",
        )
    return await _signed_in(request, services, creator_id, None)


@router.post("/sign-out")
async def sign_out(request: Request, services: ServicesDep, posted: PostedForm) -> Response:
    async with services.pool.connection() as conn:
        await sign_in.end_session(conn, posted.session)
    response = redirect("/inbox/sign-in?notice=signed_out")
    sign_in.clear_session_cookie(response, request)
    return response


# Drafts.


async def _profile(conn: Any, creator_id: str) -> dict[str, Any]:
    latest = await creator_profiles.latest_profile(conn, creator_id)
    return latest["profile"] if latest else {}


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
        profile = await _profile(conn, creator)
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
        profile = await _profile(conn, session.creator_id)
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
    decision: dict[str, Any] = {"type": "reject"}
    if feedback:
        decision["message"] = feedback[:2_000]
    result = await _decide(request, services, posted, approval_id, decision)
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


@router.get("/history")
async def history(
    request: Request, services: ServicesDep, session: PageSession, cursor: CursorQuery
) -> Response:
    creator = session.creator_id
    async with services.pool.connection() as conn:
        page = await approval_queue.list_approvals(
            conn, creator, creator, None, "message", cursor, PAGE_SIZE
        )
        profile = await _profile(conn, creator)
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
async def lead_thread(
    lead_id: str, request: Request, services: ServicesDep, session: PageSession
) -> Response:
    creator = session.creator_id
    async with services.pool.connection() as conn:
        lead = await leads.get_lead(conn, creator, lead_id)
        if lead is None:
            raise InboxPageError(404, "There is no such lead in your inbox.")
        thread_id = sales_thread_id(creator, lead_id)
        context = await leads.get_lead_context(conn, creator, lead_id)
        events = await event_log.thread_events(conn, thread_id, THREAD_LIMIT)
        approvals = await approval_queue.thread_approvals(conn, thread_id, THREAD_LIMIT)
        messages = await message_log.thread_messages(conn, thread_id, THREAD_LIMIT)
        profile = await _profile(conn, creator)
    return await render(
        request,
        services,
        "lead.html",
        session,
        lead=lead,
        context=inbox_views.context_lines(context["context"] if context else None, profile),
        items=inbox_views.thread_items(events, approvals, messages, profile),
    )


# Sales profile reviews.


async def _profile_review(conn: Any, creator_id: str, approval_id: str) -> dict[str, Any]:
    approval = await approval_queue.get_approval(conn, creator_id, approval_id)
    if approval is None or approval["kind"] != "profile":
        raise InboxPageError(404, "There is no such profile review in your inbox.")
    approved = await creator_profiles.latest_profile(conn, creator_id)
    return {
        "approval": approval,
        "facts": inbox_views.profile_facts(approval["draft"]),
        "fields": [
            {
                "name": name,
                "label": inbox_views.FIELD_LABELS[name],
                "text": inbox_views.field_text(name, approval["draft"].get(name)),
            }
            for name in WRITING_FIELDS
        ],
        "approved_version": approved["version"] if approved else None,
        "changes": inbox_views.profile_changes(
            approval["draft"], approved["profile"] if approved else None
        ),
    }


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
        review = await _profile_review(conn, session.creator_id, approval_id)
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
            raise InboxPageError(404, "There is no such profile review in your inbox.") from None
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
    decision: dict[str, Any] = {"type": "reject"}
    if feedback:
        decision["message"] = feedback[:2_000]
    notice = "profile_rewrite" if feedback else "profile_rejected"
    return await _decide_profile(request, services, posted, approval_id, decision, notice)


# Agent settings.


def approval_modes() -> list[str]:
    """The approval modes the API accepts now (PATCH /agents/{id})."""
    annotation = AgentUpdate.model_fields["approval_mode"].annotation
    modes: list[str] = []
    for arg in get_args(annotation) or (annotation,):
        if get_origin(arg) is not None and str(get_origin(arg)).endswith("Literal"):
            modes.extend(get_args(arg))
    return modes or ["manual"]


def number_settings() -> dict[str, Any]:
    """Numeric agent settings the API accepts (a threshold, a TTL), by name."""
    found = {}
    for name, info in AgentUpdate.model_fields.items():
        kinds = get_args(info.annotation) or (info.annotation,)
        if any(kind in NUMBER_SETTINGS for kind in kinds):
            found[name] = info
    return found


async def _settings_page(
    request: Request, services: Any, session: Any, status_code: int = 200, **context: Any
) -> Response:
    async with services.pool.connection() as conn:
        agent = await agent_settings.agent_of_creator(conn, session.creator_id)
    if agent is None:
        raise InboxPageError(404, "You have no sales agent yet: approve your sales profile first.")
    enabled_types = {t["event_type"] for t in agent.get("triggers") or []}
    return await render(
        request,
        services,
        "settings.html",
        session,
        status_code,
        agent=agent,
        modes=[(m, MODE_TEXT.get(m, "")) for m in approval_modes()],
        event_types=list(get_args(EventType)),
        enabled_types=enabled_types,
        numbers={
            name: {"label": info.description or name.replace("_", " "), "value": agent.get(name)}
            for name, info in number_settings().items()
        },
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
    chosen = set(posted.all("trigger"))
    # A trigger's payload filters (set through the API) are kept while its type stays on.
    triggers = [t for t in agent.get("triggers") or [] if t["event_type"] in chosen]
    kept = {t["event_type"] for t in triggers}
    triggers += [{"event_type": t} for t in get_args(EventType) if t in chosen - kept]
    changes: dict[str, Any] = {"approval_mode": posted.get("approval_mode"), "triggers": triggers}
    for name in number_settings():
        if posted.get(name).strip():
            changes[name] = posted.get(name).strip()
    try:
        validated = AgentUpdate.model_validate(changes).model_dump(exclude_none=True)
    except ValidationError as exc:
        error = "; ".join(describe_validation_error(exc))
        return await _settings_page(request, services, posted.session, 422, error=error)
    await change_agent(
        services, posted.caller, agent["id"], enabled=posted.get("enabled") == "on", **validated
    )
    return redirect("/inbox/settings?notice=settings_saved")
