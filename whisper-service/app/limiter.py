"""Bounded concurrency for blocking work: N running, M waiting, the rest turned away.

Work runs in a dedicated thread pool (one thread per slot), so the event loop stays free and
inference does not compete with the default pool used for file I/O. A slot is released when the
thread finishes, not when the request goes away: a client that disconnects mid-transcription
cannot make the service run more than ``max_concurrency`` transcriptions at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from .errors import Overloaded

T = TypeVar("T")


class ConcurrencyLimiter:
    def __init__(self, max_concurrency: int, max_queue: int, retry_after_seconds: int) -> None:
        self.max_concurrency = max_concurrency
        self.max_queue = max_queue
        self.retry_after_seconds = retry_after_seconds
        self._executor = ThreadPoolExecutor(
            max_workers=max_concurrency, thread_name_prefix="transcribe"
        )
        self._semaphore: asyncio.Semaphore | None = None
        self._admitted = 0  # running + waiting
        self._running = 0

    @property
    def running(self) -> int:
        return self._running

    @property
    def waiting(self) -> int:
        return self._admitted - self._running

    def _sem(self) -> asyncio.Semaphore:
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.max_concurrency)
        return self._semaphore

    def _release(self) -> None:
        self._running -= 1
        self._admitted -= 1
        self._sem().release()

    async def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` in the pool once a slot is free; Overloaded when the queue is full."""
        if self._admitted >= self.max_concurrency + self.max_queue:
            raise Overloaded(
                f"all {self.max_concurrency} transcription slots and {self.max_queue} queue "
                f"places are taken; retry in {self.retry_after_seconds} s",
                headers={"Retry-After": str(self.retry_after_seconds)},
            )
        self._admitted += 1
        try:
            await self._sem().acquire()
        except BaseException:
            self._admitted -= 1
            raise
        self._running += 1
        loop = asyncio.get_running_loop()
        try:
            future: Future[T] = self._executor.submit(fn)
        except BaseException:
            self._release()
            raise

        def done(_: Future[T]) -> None:
            with contextlib.suppress(RuntimeError):  # loop already closed at shutdown
                loop.call_soon_threadsafe(self._release)

        future.add_done_callback(done)
        return await asyncio.wrap_future(future)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
