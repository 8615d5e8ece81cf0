"""What an API client sees when its request fails: what to fix, in a short answer that always
encodes, and never the service's internals (exception text, SQL, tracebacks)."""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.plain_json import MAX_INT, MIN_INT

log = logging.getLogger("creator_agents")

MAX_ERRORS = 20  # a list of 10,000 bad items gets the first few, not 10,000 errors
MAX_SUMMARISED = 3  # problems named in an error's one-line `detail`
MAX_EXCERPT = 80  # characters of the client's input echoed back
MAX_MESSAGE = 500
INTERNAL_ERROR = "internal error: the service failed to handle this request; it has been logged"


def safe_text(text: str, limit: int) -> str:
    """At most `limit` characters, with anything that is not valid Unicode (a lone surrogate)
    shown as its escape, so the answer always encodes."""
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text):,} characters)"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _excerpt(value: Any) -> Any:
    """A short echo of a scalar input; objects and lists are not echoed at all."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if MIN_INT <= value <= MAX_INT else safe_text(str(value), 30)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return safe_text(value, MAX_EXCERPT)
    return None


def _error(error: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": str(error.get("type", "value_error")),
        "loc": [p if isinstance(p, int) else safe_text(str(p), MAX_EXCERPT) for p in error["loc"]],
        "msg": safe_text(str(error.get("msg", "")), MAX_MESSAGE),
    }
    if (echo := _excerpt(error.get("input"))) is not None:
        out["input"] = echo
    if ctx := error.get("ctx"):
        out["ctx"] = {str(k): _ctx_value(v) for k, v in ctx.items()}
    return out


def _ctx_value(value: Any) -> Any:
    """A limit (max_length: 200) stays a number; anything else, e.g. the ValueError a
    validator raised, becomes its short text."""
    if isinstance(value, int | float) and _excerpt(value) == value:
        return value
    return safe_text(str(value), MAX_MESSAGE)


def _place(loc: list[Any]) -> str:
    return ".".join(str(p) for p in loc) or "request"


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 with one line saying what to fix in `detail`, and each problem in `errors`
    ({"type", "loc", "msg", "input"?, "ctx"?}), the input cut to an excerpt (a 5 MB name is
    not echoed back) and made encodable."""
    errors = list(exc.errors())
    items = [_error(e) for e in errors[:MAX_ERRORS]]
    if len(errors) > MAX_ERRORS:
        items.append(
            {
                "type": "too_many_errors",
                "loc": ["body"],
                "msg": f"{len(errors) - MAX_ERRORS} more errors not shown",
            }
        )
    shown = "; ".join(f"{_place(e['loc'])}: {e['msg']}" for e in items[:MAX_SUMMARISED])
    more = len(errors) - MAX_SUMMARISED
    detail = f"the request is not valid: {shown}" + (f" (and {more} more)" if more > 0 else "")
    body = {"detail": safe_text(detail, MAX_MESSAGE), "errors": items}
    return JSONResponse(body, status_code=422)


def _safe_item(item: dict[str, Any]) -> dict[str, Any]:
    """An error item's texts short and encodable: they may quote what the client sent."""
    return {
        key: safe_text(value, MAX_MESSAGE) if isinstance(value, str) else value
        for key, value in item.items()
    } | {"loc": [p if isinstance(p, int) else safe_text(str(p), MAX_EXCERPT) for p in item["loc"]]}


class ApiError(HTTPException):
    """An HTTP error with the problems it found, each with its place (`loc`), as `errors`."""

    def __init__(self, status_code: int, detail: str, errors: list[dict[str, Any]]):
        super().__init__(status_code, detail)
        self.errors = errors


NOT_UTF8 = "the body is not UTF-8 text; send JSON encoded as UTF-8"


async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Every HTTPException in the one error shape: {"detail": str, "errors"?: [...]}."""
    if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
        # FastAPI's 400 for a body it cannot decode: invalid JSON like any other, so a 422.
        item = {"type": "json_invalid", "loc": ["body"], "msg": NOT_UTF8}
        return JSONResponse({"detail": NOT_UTF8, "errors": [item]}, status_code=422)
    body: dict[str, Any] = {"detail": safe_text(str(exc.detail), MAX_MESSAGE)}
    if isinstance(exc, ApiError):
        body["errors"] = [_safe_item(item) for item in exc.errors[:MAX_ERRORS]]
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def unstorable_data(request: Request, exc: Exception) -> JSONResponse:
    # Postgres refused a value (e.g. a NUL character) that the edge checks let through: the
    # client's data, not our failure. Its message names our tables, so it is only logged.
    log.warning("Postgres refused data on %s %s: %s", request.method, request.url.path, exc)
    return JSONResponse(
        {
            "detail": "the request contains data that cannot be stored (for example a NUL "
            "character or a number out of range); check the values sent"
        },
        status_code=422,
    )


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # A connection the server closed, or a database that is down or restarting: nothing the
    # client did wrong, and a retry shortly after usually works (the pool replaces it).
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    return JSONResponse(
        {"detail": "the database is unavailable for a moment; retry the request shortly"},
        status_code=503,
        headers={"Retry-After": "1"},
    )


class ResponseWatch:
    """Wraps `send` and tells whether the answer has begun: after that, an error can no
    longer be turned into an answer of its own."""

    def __init__(self, send: Send):
        self._send = send
        self.started = False

    async def send(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)


class InternalErrors:
    """The last resort for an unexpected exception: log the traceback, answer a generic 500
    whose body says nothing about the internals."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        watch = ResponseWatch(send)
        try:
            await self.app(scope, receive, watch.send)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if watch.started:
                raise  # the answer is under way: the server can only drop the connection
            response = JSONResponse({"detail": INTERNAL_ERROR}, status_code=500)
            await response(scope, receive, send)
