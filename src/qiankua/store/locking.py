"""Sharing one DuckDB file between processes and threads: wait for it, never fail at once.

DuckDB lets one process write a file, or any number of processes read it, never both; a second
process that opens it in the wrong moment fails at once ("Could not set lock on file …"). qiankua's
processes (``qiankua serve``, every CLI command, the web app's workers) therefore agree on three
advisory lock files beside the database and *wait* for their turn, up to a stated time:

==========================  ==========================================================================
``<db>.lock``               the file itself: shared while a connection reads it, exclusive while a
                            connection may write it (DuckDB's own rule, made into a queue)
``<db>.writer.lock``        exclusive for a whole write operation (an import from its first look at
                            the existing keys to its commit), so two imports never interleave
``<db>.queue.lock``         a turnstile held for an instant on the way in, so a waiting writer is not
                            starved by a steady stream of readers
==========================  ==========================================================================

The locks are ``flock`` locks on separately opened files, so they exclude threads of one process as
well as other processes, and vanish with the process that held them (a killed import leaves no stale
lock; DuckDB's WAL leaves the data before or after the transaction). A lock not had within
``QIANKUA_LOCK_TIMEOUT`` seconds (default 30; :mod:`qiankua.settings`) raises :class:`StoreBusyError`,
which says so in Chinese and English. Where ``fcntl`` is missing (Windows) only DuckDB's own lock is
used, with the same waiting and retrying when it is refused.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TypeVar

from qiankua.exceptions import StoreError

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "StoreBusyError",
    "StoreLocks",
    "is_lock_conflict",
    "lock_timeout",
    "retry_on_conflict",
]

T = TypeVar("T")


def lock_timeout(value: float | None = None) -> float:
    """``value``, else ``QIANKUA_LOCK_TIMEOUT`` (:attr:`qiankua.settings.Settings.lock_timeout_s`, read now)."""
    if value is not None:
        return max(0.0, float(value))
    from qiankua.settings import current

    return current().lock_timeout_s


class StoreBusyError(StoreError):
    """The database was in use for longer than the lock timeout (CLI exit 2, HTTP 503 + ``Retry-After``).

    The message names the file (not its directory) and says what to do, in Chinese and English; it never
    names the process holding the lock."""

    def __init__(self, name: str, waited_s: float, *, retry_after: int = 5, what: str = "") -> None:
        self.file_name = name
        self.waited_s = waited_s
        self.retry_after = retry_after
        zh = (
            f"数据库 {name} 正忙：另一个 qiankua 进程（导入、命令行命令或服务器）正在使用它，"
            f"已等待 {waited_s:.0f} 秒仍未轮到{what and f'（{what}）'}。请稍后重试，"
            "或用环境变量 QIANKUA_LOCK_TIMEOUT（秒）延长等待时间。"
        )
        en = (
            f"The database {name} is busy: another qiankua process (an import, a CLI command or the server) "
            f"is using it; waited {waited_s:.0f} s without getting a turn{what and f' ({what})'}. Retry shortly, "
            "or wait longer with QIANKUA_LOCK_TIMEOUT (seconds)."
        )
        self.message_zh = zh
        self.message_en = en
        super().__init__(f"{zh} / {en}")

    def message(self, lang: str) -> str:
        return self.message_zh if lang == "zh" else self.message_en


def is_lock_conflict(exc: BaseException) -> bool:
    """A DuckDB refusal that waiting may cure: the file locked by another process, or opened in this one
    with another configuration (read-only vs read-write) by a connection that is about to close."""
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text or "different configuration" in text


def retry_on_conflict(open_: Callable[[], T], *, name: str, deadline: float, started: float) -> T:
    """``open_()``, retried with backoff while DuckDB refuses it for a lock (see :func:`is_lock_conflict`),
    until ``deadline`` (``time.monotonic()``); then :class:`StoreBusyError`."""
    pause = 0.005
    while True:
        try:
            return open_()
        except Exception as exc:
            if not is_lock_conflict(exc):
                raise
            if time.monotonic() >= deadline:
                raise StoreBusyError(name, time.monotonic() - started) from None
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


# per thread: the data locks it holds shared, so a nested reader on the same thread skips the turnstile
# (a writer waiting there would wait for this thread, which would wait for it: a deadlock)
_HELD = threading.local()


def _held() -> dict[str, int]:
    held: dict[str, int] | None = getattr(_HELD, "shared", None)
    if held is None:
        held = _HELD.shared = {}
    return held


class _Flock:
    """One ``flock`` on its own open file (own open file description: excludes other threads too)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    def acquire(self, *, exclusive: bool, deadline: float) -> bool:
        """Take the lock, polling until ``deadline``; False when the time ran out."""
        assert fcntl is not None
        handle = self.path.open("a+b")
        mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
        pause = 0.001
        while True:
            try:
                fcntl.flock(handle.fileno(), mode)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.close()
                    return False
                time.sleep(pause)
                pause = min(pause * 2, 0.05)
                continue
            except OSError:  # a file system without locks: go on without (DuckDB's own lock remains)
                handle.close()
                return True
            self._file = handle
            return True

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class StoreLocks:
    """The three locks of one database file (see the module docstring), for one :class:`Store`."""

    def __init__(self, db: Path, *, timeout_s: float | None = None) -> None:
        self.db = db
        self.name = db.name
        self.timeout_s = lock_timeout(timeout_s)
        self.enabled = fcntl is not None and db.parent.is_dir() and os.access(db.parent, os.W_OK)
        self._key = str(db.resolve()) if self.enabled else str(db)
        self._data = _Flock(db.with_name(f"{db.name}.lock"))
        self._writer = _Flock(db.with_name(f"{db.name}.writer.lock"))
        self._queue = _Flock(db.with_name(f"{db.name}.queue.lock"))
        self._mode: str | None = None  # None, "shared" or "exclusive" (the data lock)
        self._writing = False
        self._held_in: dict[str, int] | None = None  # the thread's table a shared hold was counted in

    def deadline(self) -> tuple[float, float]:
        started = time.monotonic()
        return started, started + self.timeout_s

    def _busy(self, started: float, what: str) -> StoreBusyError:
        return StoreBusyError(self.name, time.monotonic() - started, what=what)

    # ---- the writer lock: one write operation at a time ---------------------------------------------

    def begin_writing(self) -> None:
        if not self.enabled or self._writing:
            return
        if _held().get(self._key):
            raise StoreError(f"{self.name} is open for reading on this thread; close it before opening it for writing.")
        started, deadline = self.deadline()
        if not self._writer.acquire(exclusive=True, deadline=deadline):
            raise self._busy(started, "another write is in progress")
        self._writing = True

    def end_writing(self) -> None:
        if self._writing:
            self._writer.release()
            self._writing = False

    # ---- the data lock: readers share it, a connection that may write holds it alone ------------------

    def hold(self, *, exclusive: bool) -> None:
        if not self.enabled or self._mode is not None:
            return
        started, deadline = self.deadline()
        held = _held()
        nested = not exclusive and held.get(self._key, 0) > 0
        if not nested and not self._queue.acquire(exclusive=True, deadline=deadline):
            raise self._busy(started, "waiting in line")
        try:
            if not self._data.acquire(exclusive=exclusive, deadline=deadline):
                raise self._busy(started, "being written" if not exclusive else "being read or written")
        finally:
            if not nested:
                self._queue.release()
        self._mode = "exclusive" if exclusive else "shared"
        if not exclusive:
            held[self._key] = held.get(self._key, 0) + 1
            self._held_in = held

    def let_go(self) -> None:
        if self._mode is None:
            return
        if self._mode == "shared" and self._held_in is not None:
            self._held_in[self._key] = max(0, self._held_in.get(self._key, 0) - 1)
            self._held_in = None
        self._data.release()
        self._mode = None

    def release_all(self) -> None:
        self.let_go()
        self.end_writing()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        self.begin_writing()
        try:
            yield
        finally:
            self.end_writing()
