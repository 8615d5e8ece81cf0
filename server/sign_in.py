"""How a creator's browser signs in to the inbox: one-time links, sessions and CSRF tokens.

A session is a random token in an HTTP-only, SameSite=Lax cookie (Secure over https); the
database keeps its sha256 only. Every form and every unsafe request made with the cookie
carries the session's CSRF token, derived from the session token (so it is never stored, and
a page of one session is useless to another).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import Request, Response
from psycopg import AsyncConnection

from server.settings import Settings
from server.store import inbox_sessions

SESSION_COOKIE = "inbox_session"
# Before a session exists the sign-in forms use a double-submitted token: this cookie and
# the form's hidden field must match, so another site cannot sign a browser in.
SIGN_IN_COOKIE = "inbox_sign_in"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
LINK_PATH = "/inbox/sign-in/link"
MAX_TOKEN_LENGTH = 200


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_for(secret: str) -> str:
    return hmac.new(secret.encode(), b"creator-agents inbox csrf", hashlib.sha256).hexdigest()


def same_token(expected: str, sent: str | None) -> bool:
    return sent is not None and hmac.compare_digest(expected.encode(), sent.encode())


@dataclass(frozen=True)
class InboxSession:
    creator_id: str
    token: str

    @property
    def csrf(self) -> str:
        return csrf_for(self.token)

    def csrf_ok(self, sent: str | None) -> bool:
        return same_token(self.csrf, sent)


async def issue_sign_in_link(
    conn: AsyncConnection,
    creator_id: str,
    settings: Settings,
    base_url: str,
    lifetime: timedelta | None = None,
) -> tuple[str, datetime]:
    """A single-use sign-in URL for the creator's inbox, and when it expires: after
    `lifetime`, by default SIGN_IN_LINK_MINUTES. Only the token's hash is stored."""
    token = secrets.token_urlsafe(32)
    lifetime = lifetime or timedelta(minutes=settings.sign_in_link_minutes)
    expires_at = datetime.now(UTC) + lifetime
    await inbox_sessions.insert_link(conn, token_hash(token), creator_id, expires_at)
    base = (settings.public_base_url or base_url).rstrip("/")
    return f"{base}{LINK_PATH}?token={token}", expires_at


async def link_creator(conn: AsyncConnection, token: str) -> str | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return await inbox_sessions.link_creator(conn, token_hash(token))


async def use_link(conn: AsyncConnection, token: str) -> str | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return await inbox_sessions.use_link(conn, token_hash(token))


async def open_session(
    conn: AsyncConnection, creator_id: str, api_key_id: str | None, settings: Settings
) -> InboxSession:
    token = secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + timedelta(hours=settings.inbox_session_hours)
    await inbox_sessions.insert_session(conn, token_hash(token), creator_id, api_key_id, expires_at)
    return InboxSession(creator_id, token)


async def session_of(conn: AsyncConnection, request: Request) -> InboxSession | None:
    """The request's signed-in session, or None."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = await inbox_sessions.active_session(conn, token_hash(token))
    return InboxSession(row["creator_id"], token) if row else None


async def end_session(conn: AsyncConnection, session: InboxSession) -> None:
    await inbox_sessions.end_session(conn, token_hash(session.token))


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(
    response: Response, request: Request, session: InboxSession, settings: Settings
) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=int(settings.inbox_session_hours * 3600),
        path="/",
        secure=_secure(request),
        httponly=True,
        samesite="lax",
    )
    response.delete_cookie(SIGN_IN_COOKIE, path="/inbox")


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=_secure(request), httponly=True, samesite="lax"
    )


def sign_in_token(request: Request) -> str:
    """The double-submit token for a sign-in form: the browser's, or a new one."""
    current = request.cookies.get(SIGN_IN_COOKIE)
    return current if current and len(current) <= MAX_TOKEN_LENGTH else secrets.token_urlsafe(24)


def set_sign_in_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        SIGN_IN_COOKIE,
        token,
        max_age=3600,
        path="/inbox",
        secure=_secure(request),
        httponly=True,
        samesite="lax",
    )


def sign_in_form_ok(request: Request, sent: str | None) -> bool:
    cookie = request.cookies.get(SIGN_IN_COOKIE)
    return bool(cookie) and same_token(cookie, sent)
