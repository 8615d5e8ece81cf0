"""Counting database round trips and statements on the client, inside one process.

Installed in the process that runs the baseline, and in the service's process by
`bench.serve`. It wraps psycopg's async connection and cursor methods (it changes nothing
they do), because the embedded Postgres has no `pg_stat_statements`:

- a round trip is one exchange the client waits for: each `AsyncConnection.wait()` outside
  pipeline mode that waits on the socket at all (a query, BEGIN, COMMIT, a pool check; not a
  `commit()` with no transaction open, which sends nothing), and each Sync of a pipeline (its
  `sync()` and its end), which sends every queued statement and waits for all their results;
  an `executemany()` outside a pipeline is one round trip (it pipelines its statements);
  LISTEN's waits for notifications are none (the server pushes those);
- a statement is each `execute()`, each parameter set of an `executemany()`, and each
  transaction command psycopg sends itself (BEGIN, COMMIT, ROLLBACK, SAVEPOINT...).
"""

from __future__ import annotations

import contextvars
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from psycopg import AsyncConnection, AsyncCursor, AsyncPipeline
from psycopg._connection_base import BaseConnection


@dataclass
class DbCounts:
    round_trips: int = 0
    statements: int = 0


COUNTS = DbCounts()
_in_executemany = contextvars.ContextVar("bench_in_executemany", default=False)
_installed = False


def snapshot() -> DbCounts:
    return DbCounts(COUNTS.round_trips, COUNTS.statements)


def install() -> None:
    """Wrap psycopg once per process."""
    global _installed
    if _installed:
        return
    _installed = True
    wait, execute, executemany = AsyncConnection.wait, AsyncCursor.execute, AsyncCursor.executemany
    sync, end_pipeline = AsyncPipeline.sync, AsyncPipeline.__aexit__
    exec_command = BaseConnection._exec_command

    def count_round_trip() -> None:
        if not _in_executemany.get():
            COUNTS.round_trips += 1

    async def counted_wait(self: AsyncConnection, gen: Any, *args: Any, **kwargs: Any) -> Any:
        # In pipeline mode a wait only sends or reads what is there; its Sync is the trip.
        if self._pipeline is None and getattr(gen, "__name__", "") != "notifies":
            gen = _counted_if_it_waits(gen)
        return await wait(self, gen, *args, **kwargs)

    def _counted_if_it_waits(gen: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
        """`gen`, counted as a round trip once it first asks to wait on the socket."""
        try:
            request = gen.send(None)
        except StopIteration as done:
            return done.value  # it needed nothing from the server
        count_round_trip()
        while True:
            try:
                answer = yield request
            except GeneratorExit:
                gen.close()
                raise
            except BaseException as error:
                try:
                    request = gen.throw(error)
                except StopIteration as done:
                    return done.value
                continue
            try:
                request = gen.send(answer)
            except StopIteration as done:
                return done.value

    async def counted_sync(self: AsyncPipeline) -> None:
        count_round_trip()
        await sync(self)

    async def counted_end_pipeline(self: AsyncPipeline, *args: Any) -> None:
        count_round_trip()
        await end_pipeline(self, *args)

    async def counted_execute(self: AsyncCursor, *args: Any, **kwargs: Any) -> Any:
        COUNTS.statements += 1
        return await execute(self, *args, **kwargs)

    async def counted_executemany(self: AsyncCursor, query: Any, params_seq: Any, **kw: Any) -> Any:
        params_seq = list(params_seq)
        COUNTS.statements += len(params_seq)
        if self.connection._pipeline is None:
            count_round_trip()  # its own pipeline; inside one, the pipeline's Sync counts
        token = _in_executemany.set(True)
        try:
            return await executemany(self, query, params_seq, **kw)
        finally:
            _in_executemany.reset(token)

    def counted_exec_command(self: BaseConnection, *args: Any, **kwargs: Any) -> Any:
        COUNTS.statements += 1
        return exec_command(self, *args, **kwargs)

    AsyncConnection.wait = counted_wait  # type: ignore[method-assign]
    AsyncCursor.execute = counted_execute  # type: ignore[method-assign]
    AsyncCursor.executemany = counted_executemany  # type: ignore[method-assign]
    AsyncPipeline.sync = counted_sync  # type: ignore[method-assign]
    AsyncPipeline.__aexit__ = counted_end_pipeline  # type: ignore[method-assign]
    BaseConnection._exec_command = counted_exec_command  # type: ignore[method-assign]
