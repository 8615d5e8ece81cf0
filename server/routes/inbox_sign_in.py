"""The inbox's sign-in pages: sign in with a creator key, or with a one-time link (a page
with a button, then its form), and sign out. Before a session exists the forms carry a
double-submitted CSRF token (server/sign_in.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from server import sign_in
from server.auth import hash_key
from server.deps import ServicesDep
from server.inbox_pages import InboxPageError, PostedForm, field, read_form, redirect, render
from server.store import api_keys, audit_trail

router = APIRouter(prefix="/inbox", include_in_schema=False)


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
