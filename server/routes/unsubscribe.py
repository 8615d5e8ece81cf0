"""`/unsubscribe/{token}`: the link in every email to a lead (server/unsubscribe_links.py).

No login: the signed token names the lead and the creator. `POST` (a mailbox's one-click
request, RFC 8058, body `List-Unsubscribe=One-Click`, or the page's button) opts the lead
out of that creator's email at once; repeating it changes nothing more. `GET` only shows a
page with the button: mailbox link scanners open links, and must not unsubscribe anyone.
A token that is not ours gets 404 with a plain page. Not in the OpenAPI document: the lead's
mailbox and browser are its callers.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from domain.unsubscribe_tokens import UnsubscribeTarget, verify
from server.channel_opt_out import opt_out_of_channel
from server.deps import ServicesDep
from server.inbox_pages import PAGE_HEADERS, templates
from server.store import creator_records, leads

router = APIRouter(include_in_schema=False)

NOT_OURS = "This unsubscribe link is not valid. Use the link in the email exactly as it came."
NO_LEAD = "There is nothing to unsubscribe: this sender keeps no details for this link."
# What a mailbox's one-click request carries (RFC 8058); the page's button sends it too.
ONE_CLICK = b"List-Unsubscribe=One-Click"
MAX_FORM_BYTES = 1024


def _page(request: Request, code: int, title: str, message: str, ask: bool = False):
    response = templates().TemplateResponse(
        request,
        "unsubscribe.html",
        {
            "code": code,
            "title": title,
            "message": message,
            "ask": ask,
            "action": request.url.path,
        },
        status_code=code,
    )
    response.headers.update(PAGE_HEADERS)
    return response


def _target(services, token: str) -> UnsubscribeTarget | None:
    return verify(services.unsubscribe.secret, token)


async def _sender_name(conn, creator_id: str) -> str:
    creator = await creator_records.get_creator(conn, creator_id, creator_id)
    return (creator or {}).get("display_name") or creator_id


@router.get("/unsubscribe/{token}")
async def unsubscribe_page(token: str, request: Request, services: ServicesDep) -> HTMLResponse:
    target = _target(services, token)
    if target is None:
        return _page(request, 404, "Link not valid", NOT_OURS)
    async with services.pool.connection() as conn:
        lead = await leads.get_lead(conn, target.creator_id, target.consumer_id)
        sender = await _sender_name(conn, target.creator_id)
    if lead is None:
        return _page(request, 404, "Nothing to unsubscribe", NO_LEAD)
    if (lead["consent"] or {}).get("email") is False:
        return _page(request, 200, "You are unsubscribed", f"{sender} sends you no more emails.")
    return _page(
        request,
        200,
        "Unsubscribe?",
        f"Stop all emails from {sender}? Press the button and none will be sent again.",
        ask=True,
    )


@router.post("/unsubscribe/{token}")
async def unsubscribe(token: str, request: Request, services: ServicesDep) -> HTMLResponse:
    target = _target(services, token)
    if target is None:
        return _page(request, 404, "Link not valid", NOT_OURS)
    # Any body or none: the token is what counts. Only its first bytes are looked at.
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            break
    evidence = {"via": "one_click" if body.strip() == ONE_CLICK else "link"}
    async with services.pool.connection() as conn:
        async with conn.transaction():
            done = await opt_out_of_channel(
                conn,
                target.creator_id,
                target.consumer_id,
                "email",
                source="unsubscribe_link",
                given_by="lead",
                evidence=evidence,
            )
        sender = await _sender_name(conn, target.creator_id)
    if done is None:
        return _page(request, 404, "Nothing to unsubscribe", NO_LEAD)
    return _page(request, 200, "You are unsubscribed", f"{sender} sends you no more emails.")
