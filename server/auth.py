"""API keys: who is calling, and which creator's data they may see.

`admin` is the marketplace's integration key (every creator); `creator:<id>` is one
creator's key. Reads of another creator's things answer 404 (as if they did not exist),
writes 403. Keys are stored as their sha256 only and shown once, when issued.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from psycopg import AsyncConnection

from server import sign_in
from server.deps import ServicesDep
from server.store import api_keys
from server.store.rows import Scope

log = logging.getLogger("creator_agents")

ADMIN = "admin"
KEY_PREFIX = "ca_"
ADMIN_KEY_FILE = "admin_api_key"
MAX_KEY_LENGTH = 200
# The key id of a caller signed in to the inbox (its session stands for a creator key).
INBOX_SESSION = "inbox-session"
# Serialises the first start's admin key across processes starting together.
BOOTSTRAP_LOCK = 7_411_002

bearer = HTTPBearer(
    auto_error=False,
    description="An API key: the admin key, or a creator key from POST /keys",
)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def creator_scope(creator_id: str) -> str:
    return f"creator:{creator_id}"


@dataclass(frozen=True)
class Caller:
    key_id: str
    creator_id: str | None  # None for the admin key

    @property
    def is_admin(self) -> bool:
        return self.creator_id is None

    @property
    def scope(self) -> Scope:
        """The creators whose rows this caller's queries may touch."""
        return self.creator_id

    @property
    def actor(self) -> str:
        """Who the audit log says acted: the creator, or the integration ('api')."""
        return "api" if self.is_admin else "creator"

    def may_see(self, creator_id: str) -> bool:
        return self.is_admin or self.creator_id == creator_id

    def read(self, creator_id: str, not_found: str) -> None:
        """Another creator's thing reads as missing: its existence is not revealed."""
        if not self.may_see(creator_id):
            raise HTTPException(404, not_found)

    def write(self, creator_id: str) -> None:
        if not self.may_see(creator_id):
            raise HTTPException(403, f"this key cannot change creator {creator_id!r}'s data")

    def creator_for(self, creator_id: str | None, what: str) -> str:
        """The creator a request is about: a creator key implies its own; the admin key
        must name one."""
        if creator_id is None:
            if self.creator_id is None:
                raise HTTPException(422, f"{what} needs creator_id with the admin key")
            return self.creator_id
        self.write(creator_id)
        return creator_id

    def listing(self, creator_id: str | None) -> str | None:
        """A list's creator_id filter: a creator key lists its own; another creator's list
        reads as a creator that does not exist."""
        if creator_id is not None:
            self.read(creator_id, f"creator {creator_id!r} not found")
            return creator_id
        return self.creator_id


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


async def authenticate(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    if credentials is None:
        return await _inbox_caller(request, services)
    key = credentials.credentials
    if len(key) > MAX_KEY_LENGTH:
        raise _unauthorized("the API key is not valid (unknown or revoked)")
    async with services.pool.connection() as conn:
        row = await api_keys.active_key_by_hash(conn, hash_key(key))
    if row is None:
        raise _unauthorized("the API key is not valid (unknown or revoked)")
    return Caller(key_id=row["id"], creator_id=row["creator_id"])


async def _inbox_caller(request: Request, services) -> Caller:
    """The inbox's own calls (the check while a creator types): the session cookie stands for
    the creator's key, and anything but a read must carry the session's CSRF token."""
    if sign_in.SESSION_COOKIE in request.cookies:
        async with services.pool.connection() as conn:
            session = await sign_in.session_of(conn, request)
        if session is not None:
            if request.method not in sign_in.SAFE_METHODS and not session.csrf_ok(
                request.headers.get(sign_in.CSRF_HEADER)
            ):
                raise HTTPException(
                    403, f"a request with the inbox session needs its {sign_in.CSRF_HEADER} header"
                )
            return Caller(key_id=INBOX_SESSION, creator_id=session.creator_id)
    raise _unauthorized("send an API key as 'Authorization: Bearer <key>'")


async def admin_only(caller: Annotated[Caller, Depends(authenticate)]) -> Caller:
    if not caller.is_admin:
        raise HTTPException(403, "this needs the admin key")
    return caller


CallerDep = Annotated[Caller, Depends(authenticate)]
AdminDep = Annotated[Caller, Depends(admin_only)]


async def issue_key(
    conn: AsyncConnection, creator_id: str | None, name: str | None, key: str | None = None
) -> tuple[dict, str]:
    """A new key (admin when creator_id is None): its row, and the key, shown only now."""
    key = key or new_key()
    scope = ADMIN if creator_id is None else creator_scope(creator_id)
    row = await api_keys.insert_key(conn, uuid.uuid4().hex, scope, creator_id, hash_key(key), name)
    return row, key


async def bootstrap_admin_key(
    conn: AsyncConnection, configured: str | None, data_dir: Path
) -> str | None:
    """Make sure an admin key exists. ADMIN_API_KEY is registered when it is new; with none
    configured and no admin key yet, one is created and written to DATA_DIR. Returns a
    key created just now (to print once), else None."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (BOOTSTRAP_LOCK,))
        if configured is not None:
            known = await api_keys.key_by_hash(conn, hash_key(configured))
            if known is not None and known["revoked_at"] is not None:
                # Starting would silently bring a revoked key back: refuse, and say why.
                raise RuntimeError(
                    f"ADMIN_API_KEY was revoked (key {known['id']}, at {known['revoked_at']}); "
                    "set a new ADMIN_API_KEY"
                )
            if known is not None and known["scope"] != ADMIN:
                raise RuntimeError("ADMIN_API_KEY is a creator's key; set a new ADMIN_API_KEY")
            if known is None:
                await issue_key(conn, None, "ADMIN_API_KEY", configured)
            return None
        if await api_keys.has_active_admin_key(conn):
            return None
        _, key = await issue_key(conn, None, "first start")
        # Written before the commit: a key nobody can read is never left behind.
        _write_private(data_dir / ADMIN_KEY_FILE, key + "\n")
    return key


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # the mode above applies only to a file created now
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
