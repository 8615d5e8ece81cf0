"""The event loop the service's processes run on: uvloop (installed with uvicorn[standard])
when present, which spends less CPU per I/O wait than asyncio's default loop; asyncio's
otherwise. uvicorn picks it the same way for the API."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, Any]) -> Any:
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
