"""Blocking provider SDK calls (twilio, boto3) off the event loop, each transport on its own
bounded set of threads, so a provider that hangs holds only its own threads: never the
loop's default executor, which the graph's sync nodes and everything else share.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class NoFreeSlot(Exception):
    """Every thread of this provider stayed busy for the whole wait: nothing was sent."""


class ProviderCalls:
    def __init__(self, name: str, max_concurrency: int, slot_wait_s: float):
        self._name = name
        self._slot_wait_s = slot_wait_s
        self._slots = asyncio.Semaphore(max_concurrency)
        # As many threads as slots: a call that holds a slot starts at once.
        self._executor = ThreadPoolExecutor(max_concurrency, thread_name_prefix=name)

    async def run(self, call: Callable[..., T], /, *args, **kwargs) -> T:
        """Run `call` on one of this provider's threads once one is free.

        Waiting for a thread is bounded: when the provider is so slow that all its threads
        stay busy, NoFreeSlot says so before any request was made (a retry is safe).
        """
        try:
            async with asyncio.timeout(self._slot_wait_s):
                await self._slots.acquire()
        except TimeoutError:
            raise NoFreeSlot(
                f"all {self._name} calls stayed busy for {self._slot_wait_s:g} s"
            ) from None
        loop = asyncio.get_running_loop()
        try:
            running = self._executor.submit(functools.partial(call, *args, **kwargs))
        except BaseException:
            self._slots.release()
            raise
        # The slot is free when the thread is, even if the caller stopped waiting.
        running.add_done_callback(lambda _: _call_soon(loop, self._slots.release))
        return await asyncio.wrap_future(running)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _call_soon(loop: asyncio.AbstractEventLoop, callback: Callable[[], object]) -> None:
    try:
        loop.call_soon_threadsafe(callback)
    except RuntimeError:
        pass  # the loop is closed: nobody waits for a slot any more


def error_chain(exc: BaseException) -> list[BaseException]:
    """The exception and every exception it was raised from or while handling."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def caused_by(exc: BaseException, kinds: type | tuple[type, ...]) -> bool:
    return any(isinstance(error, kinds) for error in error_chain(exc))


def raised_in_tls_handshake(exc: BaseException) -> bool:
    """Whether the error comes from the TLS handshake, before any request byte was written.

    urllib3 raises the same SSLError for a failed handshake and for a TLS failure while the
    request or response is under way, so ask the traceback where the failure happened.
    """
    for error in error_chain(exc):
        tb = error.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_name == "do_handshake":
                return True
            tb = tb.tb_next
    return False
