"""Bounded concurrency for blocking work: N running, M waiting, the rest turned away.

A request takes its place with ``admit()`` *before* its body is read, so a request that would
be refused gets its 503 at once instead of after uploading, and at most ``max_concurrency +
max_queue`` uploads are on disk at any time ("waiting" counts requests still uploading too).

Work runs in a dedicated thread pool (one thread per slot), so the event loop stays free and
inference does not compete with the default pool used for file I/O. A slot is released when the
thread finishes, not when the request goes away: a client that disconnects mid-transcription
cannot make the service run more than ``max_concurrency`` transcriptions at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from .errors import Overloaded

T = TypeVar("T")


class Ticket:
    """A place in the queue, held from admission until the work (if any) has finished."""

    def __init__(self, limiter: ConcurrencyLimiter) -> None:
        self._limiter = limiter
        self.handed_off = False  # True once a pool thread owns the place (and frees it)
        self.used = False

    async def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` in the pool once a slot is free (one call per ticket)."""
        if self.used:
            raise RuntimeError("a ticket runs one piece of work")
        self.used = True
        return await self._limiter._run(self, fn)


class ConcurrencyLimiter:
    def __init__(self, max_concurrency: int, max_queue: int, retry_after_seconds: int) -> None:
        self.max_concurrency = max_concurrency
        self.max_queue = max_queue
        self.retry_after_seconds = retry_after_seconds
        self._executor = ThreadPoolExecutor(
            max_workers=max_concurrency, thread_name_prefix="transcribe"
        )
        self._semaphore: asyncio.Semaphore | None = None
        self._admitted = 0  # running + waiting (waiting includes requests still uploading)
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

    @contextlib.contextmanager
    def admit(self) -> Iterator[Ticket]:
        """A queue place for the duration of the block; Overloaded (503) at once when full.

        Leaving the block (normally, on an error or a client disconnect) gives the place back,
        unless the work was handed to a pool thread: then the thread's end gives it back."""
        if self._admitted >= self.max_concurrency + self.max_queue:
            raise Overloaded(
                f"all {self.max_concurrency} transcription slots and {self.max_queue} queue "
                f"places are taken; retry in {self.retry_after_seconds} s",
                headers={"Retry-After": str(self.retry_after_seconds)},
            )
        self._admitted += 1
        ticket = Ticket(self)
        try:
            yield ticket
        finally:
            if not ticket.handed_off:
                self._admitted -= 1

    async def _run(self, ticket: Ticket, fn: Callable[[], T]) -> T:
        sem = self._sem()
        await sem.acquire()
        self._running += 1
        loop = asyncio.get_running_loop()
        try:
            future: Future[T] = self._executor.submit(fn)
        except BaseException:
            self._running -= 1
            sem.release()
            raise
        ticket.handed_off = True

        def done(_: Future[T]) -> None:
            with contextlib.suppress(RuntimeError):  # loop already closed at shutdown
                loop.call_soon_threadsafe(self._release)

        future.add_done_callback(done)
        return await asyncio.wrap_future(future)

    async def run(self, fn: Callable[[], T]) -> T:
        """Admit and run in one step (for work that has no upload to receive first)."""
        with self.admit() as ticket:
            return await ticket.run(fn)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
