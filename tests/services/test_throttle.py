"""The password-hashing gate: bounded concurrency, and a refusal instead of a long wait (issue 21)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from qiankua.services.throttle import HashGate, ServerBusy

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_a_caller_who_would_wait_too_long_is_refused_at_once():
    gate = HashGate(concurrency=1, queue=16, max_wait_s=0.25)
    release = threading.Event()

    def slow() -> str:
        release.wait(5)
        return "checked"

    first = asyncio.create_task(gate.run(slow))
    await asyncio.sleep(0.05)
    gate.mean_s = 1.0  # a check takes about a second here: the next in line would wait ~1 s > 0.25 s
    started = time.perf_counter()
    with pytest.raises(ServerBusy) as busy:
        await gate.run(slow)
    assert time.perf_counter() - started < 0.1
    assert busy.value.retry_after >= 1
    release.set()
    assert await first == "checked"


async def test_short_checks_queue_and_all_complete_within_the_bound():
    gate = HashGate(concurrency=2, queue=16, max_wait_s=0.25)

    def quick() -> float:
        time.sleep(0.01)
        return 1.0

    # before any check has finished the gate assumes 0.1 s a check: 6 callers on 2 threads wait <= 0.2 s
    results = await asyncio.gather(*(gate.run(quick) for _ in range(6)), return_exceptions=True)
    assert all(r == 1.0 for r in results)
    more = await asyncio.gather(*(gate.run(quick) for _ in range(7)), return_exceptions=True)
    assert all(r == 1.0 for r in more)  # having learnt that a check takes ~10 ms, 7 at once fit too
    assert gate.peak <= 2 and gate.waiting == 0
    assert gate.mean_s < 0.1  # the moving average learnt that checks are quick
