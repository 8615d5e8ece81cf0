"""A cap on request bodies for the whole API, enforced as the bytes arrive.

A declared Content-Length over the cap is refused before anything is read; otherwise the
bytes are counted as they stream in, so a missing or false Content-Length does not help.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.errors import ResponseWatch

MAX_BODY_BYTES = 2 * 1024 * 1024


class BodyTooLarge(HTTPException):
    # An HTTPException: FastAPI passes it through its body reading untouched, and the
    # standard handler answers it.
    def __init__(self, limit: int):
        super().__init__(413, f"the request body is larger than {limit:,} bytes (the limit)")


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = BodyTooLarge(self.max_bytes)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await _refuse(too_large, scope, receive, send)
            return

        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise too_large
            return message

        watch = ResponseWatch(send)
        try:
            await self.app(scope, counted_receive, watch.send)
        except BodyTooLarge:
            # Raised where nothing turned it into a response (outside a route).
            if watch.started:
                raise
            await _refuse(too_large, scope, receive, send)


async def capped_body(request: Request, limit: int) -> bytes:
    """The body of a route with a smaller cap than the whole API's (a webhook)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"the request body is larger than {limit:,} bytes")
    return body


async def _refuse(exc: BodyTooLarge, scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
    await response(scope, receive, send)
