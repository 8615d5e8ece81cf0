"""FastAPI dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from server.services import Services


async def get_services(request: Request) -> Services:
    # async: FastAPI runs a plain `def` dependency in its thread pool, a thread hop (and
    # the GIL handed back and forth) on every request.
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]
