"""Bounded background work for the server: imports queue instead of piling up.

An import parses and checks a whole file (seconds for a large one) and then writes it; fifty uploads
at once used to take fifty worker threads, hold the store and starve every other request. Here at most
``concurrency`` imports run at once (each on a worker thread), at most ``queue`` more wait their turn
*without* holding a thread, and a waiter is refused after ``wait_s`` seconds in line; anything beyond
the queue is refused at once with :class:`ImportsBusy` — HTTP ``503`` with ``Retry-After`` (an
estimate from the recent import times), so a client knows to come back rather than time out.

Reads never wait here: only imports pass the gate, and an import holds the database file alone only
for its write transaction (:mod:`qiankua.store.locking`).

The gate is process-wide (the API and the web pages share it) and safe across event loops and
threads. Settings (:mod:`qiankua.settings`, read when the gate is first used): ``QIANKUA_IMPORT_CONCURRENCY``
(default 2), ``QIANKUA_IMPORT_QUEUE`` (default 16), ``QIANKUA_IMPORT_WAIT`` (seconds, default 120).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from qiankua.exceptions import QiankuaError

__all__ = ["BACKGROUND_NICE", "HASHING_NICE", "ImportGate", "ImportsBusy", "background_priority", "import_gate"]

T = TypeVar("T")


#: how much lower (``nice``) worker threads run than the event loop's thread by default
BACKGROUND_NICE = 0  # measured on a shared 2-core machine: no gain from lowering the engines (issue 21 soak)
#: password hashing (argon2, several threads of its own per hash) runs lower still: a flood of guesses
#: slows down guesses, not the engines
HASHING_NICE = 15
_LOWERED = threading.local()


def background_priority(nice: int | None = None) -> None:
    """Run the calling worker thread at a lower CPU priority than the server's event loop (Linux: ``nice``
    is per thread; once per thread, never raised again, as raising needs privileges). Under CPU pressure
    the loop thread — accepting connections, answering ``/health``, handing work out — is scheduled before
    the engines, imports and password hashes it started; with idle CPUs nothing changes. A no-op where the
    platform cannot do it, and on the main thread. ``nice``: how much lower (default :data:`BACKGROUND_NICE`);
    password hashing uses :data:`HASHING_NICE`, below the engines."""
    if getattr(_LOWERED, "done", False) or threading.current_thread() is threading.main_thread():
        return
    _LOWERED.done = True
    if nice is None:
        nice = BACKGROUND_NICE
    setpriority = getattr(os, "setpriority", None)
    if not nice or setpriority is None or not hasattr(threading, "get_native_id"):
        return
    with contextlib.suppress(OSError):  # on Linux PRIO_PROCESS with a thread id sets that thread's nice value
        setpriority(os.PRIO_PROCESS, threading.get_native_id(), min(19, os.getpriority(os.PRIO_PROCESS, 0) + nice))


def lowered(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` after :func:`background_priority` (for a worker thread)."""
    background_priority()
    return fn(*args, **kwargs)


class ImportsBusy(QiankuaError):
    """Too many imports running and waiting: retry after ``retry_after`` seconds (HTTP 503)."""

    def __init__(self, retry_after: int, *, waiting: int, running: int) -> None:
        self.retry_after = retry_after
        self.waiting = waiting
        self.running = running
        self.message_zh = f"服务器正忙：{running} 个导入正在进行，{waiting} 个在排队；请 {retry_after} 秒后重试。"
        self.message_en = (
            f"The server is busy importing ({running} running, {waiting} waiting); retry after {retry_after} s."
        )
        super().__init__(f"{self.message_en} / {self.message_zh}")


@dataclass(eq=False)
class _Waiter:
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[None]
    granted: bool = False


@dataclass
class ImportGate:
    """At most ``concurrency`` jobs at once, at most ``queue`` waiting (each at most ``wait_s`` seconds)."""

    concurrency: int = 2
    queue: int = 16
    wait_s: float = 120.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _running: int = 0
    _waiters: deque[_Waiter] = field(default_factory=deque, repr=False)
    _mean_s: float = 2.0  # moving average of a job's duration, for Retry-After

    @property
    def running(self) -> int:
        return self._running

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def retry_after(self, ahead: int | None = None) -> int:
        """Seconds until a slot is likely free for a newcomer with ``ahead`` jobs waiting before it."""
        ahead = self.waiting if ahead is None else ahead
        return max(1, min(300, math.ceil(self._mean_s * (ahead + 1) / max(1, self.concurrency))))

    def _busy(self) -> ImportsBusy:
        return ImportsBusy(self.retry_after(), waiting=self.waiting, running=self._running)

    async def _enter(self) -> None:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._running < self.concurrency and not self._waiters:
                self._running += 1
                return
            if len(self._waiters) >= self.queue:
                raise self._busy()
            waiter = _Waiter(loop=loop, future=loop.create_future())
            self._waiters.append(waiter)
        try:
            await asyncio.wait_for(asyncio.shield(waiter.future), self.wait_s)
        except (TimeoutError, asyncio.CancelledError) as exc:
            with self._lock:
                if not waiter.granted:  # still in line: leave it
                    self._waiters.remove(waiter)
                    if isinstance(exc, asyncio.CancelledError):
                        raise
                    raise self._busy() from None
            # the slot was handed over as time ran out: take it (or give it on when cancelled)
            if isinstance(exc, asyncio.CancelledError):
                self._leave(0.0, record=False)
                raise

    def _leave(self, seconds: float, *, record: bool = True) -> None:
        with self._lock:
            if record:
                self._mean_s = 0.8 * self._mean_s + 0.2 * max(0.05, seconds)
            if self._waiters:
                waiter = self._waiters.popleft()  # the slot passes to the next in line
                waiter.granted = True
                waiter.loop.call_soon_threadsafe(_grant, waiter.future)
            else:
                self._running -= 1

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Wait for a slot (or raise :class:`ImportsBusy`), then ``fn(*args, **kwargs)`` on a worker thread."""
        await self._enter()
        started = time.monotonic()
        try:
            return await asyncio.to_thread(lowered, fn, *args, **kwargs)
        finally:
            self._leave(time.monotonic() - started)


def _grant(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


_GATE: ImportGate | None = None
_GATE_GUARD = threading.Lock()


def import_gate() -> ImportGate:
    """The process-wide import gate (settings from the environment on first use)."""
    global _GATE
    with _GATE_GUARD:
        if _GATE is None:
            from qiankua.settings import current

            settings = current()
            _GATE = ImportGate(
                concurrency=settings.import_concurrency, queue=settings.import_queue, wait_s=settings.import_wait_s
            )
        return _GATE
