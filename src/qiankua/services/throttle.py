"""Login throttling and the bounded password-hashing gate.

:class:`LoginThrottle` counts failed logins per account (its case-folded name) and per client
address. The first few failures are free; after them each attempt must wait twice as long as the
one before (exponential backoff, capped), answered ``429`` with ``Retry-After`` *without* checking
the password, so a blocked guess costs the server nothing. After :attr:`Policy.lock_after` failures
the key is locked for :attr:`Policy.lock_seconds`. An attempt is counted when it starts (so 32
parallel guesses cannot all slip in before the first failure is known) and forgotten on success.
Every delay and lock is logged (logger ``qiankua.auth``). State is in memory: a restart forgets it.

:class:`HashGate` runs argon2 (19 MiB and ~85 ms of CPU per hash, :func:`qiankua.services.passwords.password_hasher`)
in worker threads, at most ``concurrency`` at once. A caller who would wait in line longer than ``max_wait_s``
(estimated from the recent hash times) — or find ``queue`` callers already waiting — is refused at once
(:class:`ServerBusy`, ``503`` + ``Retry-After``) rather than piling up memory, threads and latency: under a
flood a login answers quickly, either checked or "busy, retry after".
"""

from __future__ import annotations

import functools
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from qiankua.exceptions import QiankuaError

__all__ = ["HashGate", "LoginThrottle", "LoginThrottled", "Policy", "ServerBusy"]

log = logging.getLogger("qiankua.auth")
T = TypeVar("T")


class LoginThrottled(QiankuaError):
    """Too many failed logins for this account or address: retry after ``retry_after`` seconds (HTTP 429)."""

    def __init__(self, retry_after: int, *, locked: bool = False) -> None:
        what = "temporarily locked" if locked else "throttled"
        super().__init__(f"Too many failed logins: {what}; retry after {retry_after} s.")
        self.retry_after = retry_after
        self.locked = locked


class ServerBusy(QiankuaError):
    """The server is busy checking other passwords: retry after ``retry_after`` seconds (HTTP 503)."""

    def __init__(self, retry_after: int = 2) -> None:
        super().__init__(f"The server is busy checking passwords; retry after {retry_after} s.")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """Backoff for one kind of key: ``free`` failures without delay, then ``base * 2**(n - free)``
    seconds (at most ``cap``) after the n-th failure; ``lock_after`` failures lock for ``lock_seconds``."""

    free: int = 3
    base: float = 1.0
    cap: float = 300.0
    lock_after: int = 10
    lock_seconds: float = 900.0

    def delay(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return float(min(self.base * 2 ** (failures - self.free), self.cap))


ACCOUNT_POLICY = Policy()
# an address may be shared (an office behind one NAT): more room before it is slowed down
ADDRESS_POLICY = Policy(free=20, base=1.0, cap=300.0, lock_after=100, lock_seconds=900.0)


@dataclass(slots=True)
class _Record:
    failures: int = 0
    last: float = 0.0
    locked_until: float = 0.0


@dataclass
class LoginThrottle:
    """Failed-login bookkeeping per account and per address (thread-safe)."""

    account: Policy = ACCOUNT_POLICY
    address: Policy = ADDRESS_POLICY
    clock: Callable[[], float] = time.monotonic
    max_keys: int = 100_000
    _records: dict[tuple[str, str], _Record] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _policy(self, kind: str) -> Policy:
        return self.account if kind == "account" else self.address

    def _wait(self, kind: str, key: str, now: float) -> tuple[float, bool]:
        record = self._records.get((kind, key))
        if record is None:
            return 0.0, False
        policy = self._policy(kind)
        if record.locked_until > now:
            return record.locked_until - now, True
        if now - record.last > policy.lock_seconds:  # quiet long enough: start afresh
            del self._records[(kind, key)]
            return 0.0, False
        return max(0.0, record.last + policy.delay(record.failures) - now), False

    def begin(self, account: str, address: str) -> None:
        """Called before a password is checked: raise :class:`LoginThrottled`, or count the attempt."""
        now = self.clock()
        keys = (("account", account), ("address", address))
        with self._lock:
            waits = [(*self._wait(kind, key, now), kind, key) for kind, key in keys]
            wait, locked, kind, key = max(waits)
            if wait > 0:
                retry = max(1, math.ceil(wait))
                log.warning(
                    "login throttled: %s %r, retry after %d s%s", kind, key, retry, " (locked)" if locked else ""
                )
                raise LoginThrottled(retry, locked=locked)
            if len(self._records) >= self.max_keys:  # forget the oldest half rather than grow without bound
                for old in sorted(self._records, key=lambda k: self._records[k].last)[: self.max_keys // 2]:
                    del self._records[old]
            for kind, key in keys:
                record = self._records.setdefault((kind, key), _Record())
                record.failures += 1
                record.last = now
                policy = self._policy(kind)
                if record.failures >= policy.lock_after and record.locked_until <= now:
                    record.locked_until = now + policy.lock_seconds
                    log.warning(
                        "login locked: %s %r after %d failed attempts, for %d s",
                        kind,
                        key,
                        record.failures,
                        policy.lock_seconds,
                    )

    def failed(self, account: str, address: str) -> None:
        """The password was wrong (already counted by :meth:`begin`): log it."""
        failures = self._records.get(("account", account), _Record()).failures
        log.info("login failed: account %r from %s (%d recent failures)", account, address, failures)

    def succeeded(self, account: str, address: str) -> None:
        """The password was right: forget the account's failures and this attempt of the address."""
        with self._lock:
            self._records.pop(("account", account), None)
            record = self._records.get(("address", address))
            if record is not None:
                record.failures = max(0, record.failures - 1)

    def undo(self, account: str, address: str) -> None:
        """The attempt counted by :meth:`begin` was never checked (the server was busy): uncount it."""
        with self._lock:
            for key in (("account", account), ("address", address)):
                record = self._records.get(key)
                if record is not None:
                    record.failures = max(0, record.failures - 1)

    def clear(self, account: str) -> None:
        """Forget an account's failures and lock (an administrator re-enabled it)."""
        with self._lock:
            self._records.pop(("account", account), None)


_POOLS: dict[int, Any] = {}


def _hash_pool(threads: int) -> Any:
    """A process-wide pool of ``threads`` threads for password hashing, at the lowest priority (argon2's own
    threads inherit it): a flood of guesses slows down guessing, not the engines or the event loop."""
    from concurrent.futures import ThreadPoolExecutor

    from qiankua.services.jobs import HASHING_NICE, background_priority

    with _POOLS_GUARD:
        pool = _POOLS.get(threads)
        if pool is None:
            pool = _POOLS[threads] = ThreadPoolExecutor(
                threads, thread_name_prefix="password-hash", initializer=background_priority, initargs=(HASHING_NICE,)
            )
        return pool


_POOLS_GUARD = threading.Lock()


class HashGate:
    """Run blocking password hashing in threads, ``concurrency`` at a time; a caller who would wait longer
    than ``max_wait_s`` in line, or find ``queue`` callers waiting, gets :class:`ServerBusy` at once."""

    def __init__(self, concurrency: int | None = None, queue: int = 16, max_wait_s: float = 0.25) -> None:
        # by default one core is always left to everything else: a flood of guesses (each check ~85 ms of CPU)
        # may take the other cores, never all of them (the soak's first seconds, when every guess is still
        # checked, took users' p99 to 2.5 s with both of 2 cores hashing)
        self.concurrency = concurrency if concurrency is not None else max(1, (os.cpu_count() or 2) - 1)
        self.queue = queue
        self.max_wait_s = max_wait_s
        self.waiting = 0  # callers inside run(): running or in line
        self.running = 0
        self.peak = 0
        self.mean_s = 0.1  # moving average of one check's duration (wall clock, in its thread)
        self._limiter: Any = None
        self._count_lock = threading.Lock()

    def expected_wait(self) -> float:
        """Seconds a newcomer would wait in line before its check starts (0 while a thread is free)."""
        return (self.waiting // max(1, self.concurrency)) * self.mean_s

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        import asyncio

        if self._limiter is None:
            self._limiter = _hash_pool(self.concurrency)
        wait = self.expected_wait()
        if self.waiting >= self.concurrency + self.queue or wait > self.max_wait_s:
            log.warning("password hashing busy: %d callers waiting (~%.2f s); refused one", self.waiting, wait)
            raise ServerBusy(max(1, math.ceil(wait)))
        self.waiting += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._limiter, functools.partial(self._counted, fn, *args))
        finally:
            self.waiting -= 1

    def _counted(self, fn: Callable[..., T], *args: Any) -> T:
        with self._count_lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        started = time.monotonic()
        try:
            return fn(*args)
        finally:
            took = time.monotonic() - started
            with self._count_lock:
                self.running -= 1
                self.mean_s = 0.8 * self.mean_s + 0.2 * took
