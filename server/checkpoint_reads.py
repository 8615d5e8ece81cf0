"""One read of a thread's checkpoint per event instead of two.

`process_event` looks at the thread's state (`aget_state`) to decide whether to run, go on
or only record the event, and the run it starts reads the same checkpoint again. Inside
`reusing_reads()` the saver keeps the latest checkpoint it read of a thread and hands it
to the next read of that thread, once. The job holds the thread's lock, so nothing else
writes the thread in between; any write through the saver drops what was kept.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import CheckpointTuple
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

_kept: ContextVar[dict[tuple[str, str], CheckpointTuple | None] | None] = ContextVar(
    "kept_checkpoint_reads", default=None
)


@contextlib.contextmanager
def reusing_reads() -> Iterator[None]:
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def _latest_of(config: RunnableConfig) -> tuple[str, str] | None:
    """The thread and namespace of a read of the latest checkpoint; None for another read."""
    configurable = config.get("configurable") or {}
    if configurable.get("checkpoint_id") or "thread_id" not in configurable:
        return None
    return str(configurable["thread_id"]), configurable.get("checkpoint_ns", "")


class ReusingSaver(AsyncPostgresSaver):
    """AsyncPostgresSaver that, inside `reusing_reads()`, reads a thread's latest
    checkpoint once for two consecutive reads."""

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        kept, key = _kept.get(), _latest_of(config)
        if kept is None or key is None:
            return await super().aget_tuple(config)
        if key in kept:
            return kept.pop(key)
        found = await super().aget_tuple(config)
        kept[key] = found
        return found

    async def aput(self, *args: Any, **kwargs: Any) -> RunnableConfig:
        self._forget()
        return await super().aput(*args, **kwargs)

    async def aput_writes(self, *args: Any, **kwargs: Any) -> None:
        self._forget()
        return await super().aput_writes(*args, **kwargs)

    @staticmethod
    def _forget() -> None:
        kept = _kept.get()
        if kept:
            kept.clear()
