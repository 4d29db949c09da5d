"""Soak test (issue 21 item 10): mixed traffic on loopback against ``qiankua serve --multi-user``.

Starts the server (REST API only) in a fresh home with one user, measures ``/health`` alone for a baseline,
then for ``--seconds`` (60) sends mixed traffic while a probe times ``/health`` every 50 ms.

Arrival model (default: OPEN loop). Requests start at stated rates whatever the server does, as real
clients do; a slow answer does not slow the arrivals, so queueing shows up in the latencies instead of
being hidden by clients that wait (each request is one asyncio task, timed from the moment it was due
to start, so a lagging generator counts against the result too):

* ``--users`` (8) logged-in people, each acting on average every ``--think`` (1.5) seconds, exponential
  gaps (Poisson arrivals: 8 users ~ 5.3 requests/s). Each action is, as in the closed loop: 40% a quote,
  20% routes, 10% an opportunity ranking (one random market), 10% a small products import (one new
  product, so the catalogue grows), 20% a read of the products rows.
* wrong-password logins at ``--attack-rate`` (100) per second in all (Poisson), from ``--attackers`` (32)
  addresses in turn (``X-Forwarded-For``, trusted from loopback), alternating the account ``alice`` and
  one unknown account per address; they ignore ``Retry-After``.

The table gives, per kind, the offered rate (arrivals/s), the achieved rate (answers/s within the window),
p50/p99/max; when an achieved rate falls short of the offered one (the server cannot keep up: a backlog
grows: more than 5% of a kind's arrivals, and more than 3, still unanswered when the window closes) it
says so. Requests still open when the window ends are awaited and counted with their real
latency (a request that never answers is an error).

Before the soak the user makes each kind of request once per market, one at a time (``--no-warmup`` skips
it): a server that has just started fills its caches on first use (rules per market, route results, the user's
store: up to 3-5 s for a first import or ranking); the soak measures a server in use. The warm-up's times are
printed on their own line, not in the last one. The server warms its own caches when it starts
(:mod:`qiankua.services.warmup`); the soak waits for that to end as it waits for ``/health`` to say
``warm`` (the start-up line says when each ended), so ``--no-warmup`` measures a server that has just
started and is ready; ``--cold-server`` starts the same server with that warm-up off
(``Settings(warm_up=False)``): the cold baseline to compare with.

``--closed-loop``: the saturation/stress mode instead — ``--users`` clients and ``--attackers`` wrong-login
clients each firing the next request the moment the previous answers (zero think time). On a small
machine this saturates the cores by construction, so its p99 measures the queue, not the service; it
reports throughput (answers/s per kind).

An error is a transport failure or an unexpected status: wrong logins may answer 401, 429 or 503
(that is the throttle working); everything else must answer 200. Prints a table, then ends with
``requests=<n> errors=<e> p99_ms=<x> health_p99_ms=<h>`` (targets: errors=0, p99 < 500 ms,
health p99 < 100 ms): p99 over every request of the soak, wrong logins included (nothing is left out),
n includes the /health probes. After the soak a burst of ``--burst`` (50) concurrent uploads is sent while
``/catalogue`` and ``/data/tables`` are read every 50 ms (item 8: target ``/catalogue`` p99 < 200 ms;
uploads beyond the import queue are answered 503 + Retry-After); its line comes before the last.
The table is headed by the machine's load average and the server's CPU seconds and memory during the
soak (Linux), so runs on a shared machine can be compared.

    .venv/bin/python benchmarks/api_soak.py [--seconds 60] [--think 1.5] [--attack-rate 100] [--closed-loop]
        [--no-warmup]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

PRODUCTS_CSV = (
    "id,name_en,name_zh,category,hs6,origin_adcode,unit,unit_value_cny,unit_gross_kg\n"
    "soak-tea-{n},Soak tea {n},测试茶{n},tea,090210,522701,tin,120,0.4\n"
)
MARKETS = ("US", "DE", "FR", "GB", "JP", "AU", "SG", "MY")
WRONG_LOGIN_CODES = {401, 429, 503}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds the process ``pid`` used so far (Linux ``/proc``; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _memory_mb(pid: int) -> tuple[float, float] | None:
    """(resident, peak resident) MiB of the process ``pid`` (Linux ``/proc``; None elsewhere)."""
    try:
        status = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
        )
        return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024
    except (OSError, KeyError, ValueError):
        return None


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


class Stats:
    """Per kind: latencies (ms), errors, arrivals (requests due to start inside the window) and answers
    (requests answered inside the window, whatever their status)."""

    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.offered: dict[str, int] = defaultdict(int)
        self.answered: dict[str, int] = defaultdict(int)
        self.start = time.perf_counter()  # start of the window
        self.until = float("inf")  # end of the window (perf_counter)
        self.slow: list[tuple[float, float, str]] = []  # (ms, seconds into the window when it was due, kind)

    def arrive(self, kind: str) -> None:
        self.offered[kind] += 1

    def record(self, kind: str, ms: float, ok: bool) -> None:
        self.latency[kind].append(ms)
        if kind != "wrong_login":
            self.slow.append((ms, time.perf_counter() - ms / 1000 - self.start, kind))
        if time.perf_counter() <= self.until:
            self.answered[kind] += 1
        if not ok:
            self.errors[kind] += 1


def _session(base: str, *, timeout: float, cookie: str | None = None, limit: int = 100) -> Any:
    """An aiohttp session on ``base`` (as in api_load.py: lighter than httpx, so the generator takes less of the
    cores it shares with the server), sending the session cookie as a header when given."""
    import aiohttp

    headers = {"Cookie": cookie} if cookie else None
    return aiohttp.ClientSession(
        base_url=base,
        timeout=aiohttp.ClientTimeout(total=timeout),
        headers=headers,
        connector=aiohttp.TCPConnector(limit=limit),
    )


async def _timed(session: Any, method: str, url: str, *, due: float | None = None, **kw: Any) -> tuple[float, int]:
    """(ms, status) of one request; timed from ``due`` (when it was meant to start) when given, else from now."""
    import aiohttp

    started = time.perf_counter() if due is None else due
    try:
        async with session.request(method, url, **kw) as r:
            await r.read()
            status = r.status
    except (aiohttp.ClientError, TimeoutError):
        status = 0
    return (time.perf_counter() - started) * 1000, status


def _upload(n: str) -> Any:
    import aiohttp

    form = aiohttp.FormData()
    form.add_field("file", PRODUCTS_CSV.format(n=n).encode(), filename="soak.csv", content_type="text/csv")
    return form


async def _health_probe(base: str, until: float, out: list[float]) -> None:
    async with _session(base, timeout=10) as session:
        while time.perf_counter() < until:
            ms, status = await _timed(session, "GET", "/api/v1/health")
            out.append(ms if status == 200 else 10_000.0)
            await asyncio.sleep(0.05)


KINDS = ("quote", "routes", "opportunities", "import", "rows")


def _request(kind: str, market: str, tag: str) -> tuple[str, str, dict[str, Any]]:
    """``(method, url, keyword arguments)`` of one logged-in request of ``kind``."""
    if kind == "quote":
        return "POST", "/api/v1/quote", {"json": {"market": market, "product_id": "duyun-maojian-250g"}}
    if kind == "routes":
        return "POST", "/api/v1/routes", {"json": {"origin": "522701", "market": market, "weight_kg": 20}}
    if kind == "opportunities":
        return "POST", "/api/v1/opportunities", {"json": {"markets": [market]}}
    if kind == "import":
        return "POST", "/api/v1/data/products/import", {"data": _upload(tag)}
    return "GET", "/api/v1/data/products/rows", {}


async def _user_action(session: Any, rng: random.Random, stats: Stats, tag: str, due: float | None = None) -> None:
    """One logged-in user's action, drawn from the mix (40% quote, 20% routes, 10% opportunities, 10% import,
    20% rows), recorded in ``stats``."""
    market = rng.choice(MARKETS)
    pick = rng.random()
    kind = KINDS[0 if pick < 0.4 else 1 if pick < 0.6 else 2 if pick < 0.7 else 3 if pick < 0.8 else 4]
    method, url, kw = _request(kind, market, tag)
    stats.arrive(kind)
    ms, status = await _timed(session, method, url, due=due, **kw)
    stats.record(kind, ms, status == 200)


async def _warm_up(base: str, cookie: str) -> dict[str, list[float]]:
    """Each kind of request once per market, one after another (a server that has just started fills its
    caches: rules per market, route results, the user's store); timed and printed, not in the last line."""
    times: dict[str, list[float]] = defaultdict(list)
    async with _session(base, timeout=60, cookie=cookie) as session:
        for market in MARKETS:
            for kind in KINDS:
                method, url, kw = _request(kind, market, f"warm-{market.lower()}")
                ms, status = await _timed(session, method, url, **kw)
                if status != 200:
                    raise SystemExit(f"warm-up {kind} {market} answered {status}")
                times[kind].append(ms)
    return times


async def _wrong_login(session: Any, address: int, i: int, stats: Stats, due: float | None = None) -> None:
    headers = {"X-Forwarded-For": f"10.66.0.{address}"}
    body = {"username": "alice" if i % 2 else f"nobody{address}", "password": f"wrong-guess-{i}"}
    stats.arrive("wrong_login")
    ms, status = await _timed(session, "POST", "/api/v1/auth/login", due=due, json=body, headers=headers)
    stats.record("wrong_login", ms, status in WRONG_LOGIN_CODES)


# ---------------------------------------------------------------------------------------------- open loop


async def _poisson(rate: float, until: float, rng: random.Random, fire: Any) -> None:
    """Call ``fire(due)`` at Poisson arrival times of ``rate`` per second until ``until``, whatever the
    server does (``fire`` starts a task and returns at once)."""
    due = time.perf_counter()
    while True:
        due += rng.expovariate(rate)
        if due >= until:
            return
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        fire(due)


async def _open_loop(
    base: str, cookie: str, until: float, stats: Stats, *, users: int, think: float, attackers: int, attack_rate: float
) -> int:
    """The open-loop soak; returns how many requests were still unanswered 35 s after the window (errors)."""
    pending: set[asyncio.Task[None]] = set()

    def start(coro: Any) -> None:
        task = asyncio.create_task(coro)
        pending.add(task)
        task.add_done_callback(pending.discard)

    async with (
        _session(base, timeout=30, cookie=cookie, limit=0) as people,
        _session(base, timeout=30, limit=0) as attack,
    ):
        arrivals = []
        for u in range(users):
            rng = random.Random(u)
            count = iter(range(1, 1 << 30))
            arrivals.append(
                _poisson(
                    1 / think,
                    until,
                    random.Random(1000 + u),
                    lambda due, rng=rng, u=u, count=count: start(
                        _user_action(people, rng, stats, f"{u}-{next(count)}", due)
                    ),
                )
            )
        if attack_rate > 0 and attackers > 0:
            guesses = iter(range(1, 1 << 30))

            def guess(due: float) -> None:
                i = next(guesses)
                start(_wrong_login(attack, i % attackers, i // attackers, stats, due))

            arrivals.append(_poisson(attack_rate, until, random.Random(99), guess))
        await asyncio.gather(*arrivals)
        late = 0
        if pending:
            _, still = await asyncio.wait(set(pending), timeout=35)
            late = len(still)
            for task in still:
                task.cancel()
    return late


# -------------------------------------------------------------------------------------------- closed loop


async def _user_worker(base: str, cookie: str, until: float, stats: Stats, seed: int) -> None:
    rng = random.Random(seed)
    async with _session(base, timeout=30, cookie=cookie) as session:
        n = 0
        while time.perf_counter() < until:
            n += 1
            await _user_action(session, rng, stats, f"{seed}-{n}")


async def _attacker(base: str, until: float, stats: Stats, seed: int) -> None:
    async with _session(base, timeout=30) as session:
        i = 0
        while time.perf_counter() < until:
            i += 1
            await _wrong_login(session, seed, i, stats)


WARM_UP_DONE = ("qiankua.warmup: warm-up done", "qiankua.warmup: warm-up failed", "qiankua.warmup: warm-up not")


def _wait_for_warm_up(log: Path, deadline: float) -> bool:
    """Wait until the server's start-up cache warm-up (:mod:`qiankua.services.warmup`) has logged its end, as
    an operator waits for a server to be ready (``/health`` ``warm`` says the costing kernel is loaded);
    False when it never logs one before ``deadline``."""
    while time.perf_counter() < deadline:
        try:
            text = log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        if any(marker in text for marker in WARM_UP_DONE):
            return True
        time.sleep(0.2)
    return False


def _started_note() -> str:
    return "no cache warm-up logged (a server without one)"


# ``python -m qiankua.api ...`` with ``Settings(warm_up=False)`` (the module has no option for it)
COLD_SERVER = (
    "import sys; from dataclasses import replace; import qiankua.api.__main__ as m; import qiankua.api.app as a; "
    "serve = a.serve; m.serve = lambda settings, *rest: serve(replace(settings, warm_up=False), *rest); "
    "m.main(sys.argv[1:])"
)


def _login_cookie(base: str) -> str:
    """The ``Cookie`` header of a fresh session of the soak user."""
    with httpx.Client(base_url=base, timeout=60) as client:
        r = client.post("/api/v1/auth/login", json={"username": "soak-user", "password": "soak-password-2026"})
        r.raise_for_status()
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


async def _soak(base: str, args: argparse.Namespace, cookie: str) -> tuple[Stats, list[float], list[float], int]:
    if args.warmup:
        warm = await _warm_up(base, cookie)
        spent = sum(sum(v) for v in warm.values()) / 1000
        print(
            f"warm-up ({len(MARKETS)} markets x {len(KINDS)} kinds, one at a time, {spent:.1f} s; not in the last line): "
            + ", ".join(f"{k} first {v[0]:.0f} ms, max {max(v):.0f} ms" for k, v in warm.items())
        )
    baseline: list[float] = []
    await _health_probe(base, time.perf_counter() + min(5.0, args.seconds / 4), baseline)
    stats = Stats()
    health: list[float] = []
    stats.start = time.perf_counter()
    until = stats.start + args.seconds
    stats.until = until
    probe = asyncio.create_task(_health_probe(base, until, health))
    late = 0
    if args.closed_loop:
        tasks = [_user_worker(base, cookie, until, stats, s) for s in range(args.users)]
        tasks += [_attacker(base, until, stats, s) for s in range(args.attackers)]
        await asyncio.gather(*tasks)
    else:
        late = await _open_loop(
            base,
            cookie,
            until,
            stats,
            users=args.users,
            think=args.think,
            attackers=args.attackers,
            attack_rate=args.attack_rate,
        )
    await probe
    return stats, health, baseline, late


async def _burst(base: str, cookie: str, uploads: int) -> tuple[list[int], list[float], list[float]]:
    """``uploads`` concurrent imports at once while ``/catalogue`` and ``/data/tables`` are read every 50 ms
    (issue 21 item 8: reads never wait behind an import; a full queue answers 503 + Retry-After)."""
    stop = asyncio.Event()
    catalogue: list[float] = []
    tables: list[float] = []

    async def reader(path: str, out: list[float]) -> None:
        async with _session(base, timeout=60, cookie=cookie) as session:
            while not stop.is_set():
                ms, status = await _timed(session, "GET", path)
                out.append(ms if status == 200 else 60_000.0)
                await asyncio.sleep(0.05)

    async def upload(session: Any, n: int) -> int:
        _, status = await _timed(session, "POST", "/api/v1/data/products/import", data=_upload(f"burst-{n}"))
        return status

    readers = [asyncio.create_task(reader("/api/v1/catalogue", catalogue))]
    readers.append(asyncio.create_task(reader("/api/v1/data/tables", tables)))
    await asyncio.sleep(0.3)
    async with _session(base, timeout=300, cookie=cookie, limit=uploads + 4) as session:
        codes = await asyncio.gather(*(upload(session, n) for n in range(uploads)))
    stop.set()
    await asyncio.gather(*readers)
    return list(codes), catalogue, tables


def _run(coro: Any) -> Any:
    try:
        import uvloop  # the faster loop when present, as in api_load.py
    except ImportError:  # pragma: no cover
        return asyncio.run(coro)
    return uvloop.run(coro)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the soak (default 60)")
    parser.add_argument("--users", type=int, default=8, help="logged-in users (default 8)")
    parser.add_argument(
        "--think",
        type=float,
        default=1.5,
        help="open loop: mean seconds between one user's actions, exponential gaps (default 1.5)",
    )
    parser.add_argument("--attackers", type=int, default=32, help="addresses sending wrong logins (default 32)")
    parser.add_argument(
        "--attack-rate",
        type=float,
        default=100.0,
        help="open loop: wrong logins per second from all addresses together, Poisson (default 100; 0: none)",
    )
    parser.add_argument(
        "--closed-loop",
        action="store_true",
        help="stress mode: every user and attacker fires its next request as soon as the previous answers",
    )
    parser.add_argument(
        "--burst", type=int, default=50, help="concurrent uploads in the burst after the soak (0: none)"
    )
    parser.add_argument(
        "--no-warmup",
        dest="warmup",
        action="store_false",
        help="start the soak on a cold server (default: each request kind once per market first, printed apart)",
    )
    parser.add_argument(
        "--cold-server",
        action="store_true",
        help="start the server with its start-up cache warm-up off (Settings(warm_up=False)): the cold baseline",
    )
    parser.add_argument("--keep-home", action="store_true", help="keep the server's home (its log) afterwards")
    args = parser.parse_args()

    from qiankua.services.accounts import AccountStore

    home = Path(tempfile.mkdtemp(prefix="qiankua-soak-"))
    store = AccountStore(home / "accounts.sqlite3")
    store.add_user("soak-user", "soak-password-2026", "soak")
    store.add_user("alice", "alice-password", "other")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["QIANKUA_HOME"] = str(home)
    log = (home / "server.log").open("wb")
    cmd = [sys.executable, "-m", "qiankua.api", "--port", str(port), "--home", str(home), "--multi-user", "--no-ui"]
    if args.cold_server:  # the same server (qiankua.api.__main__ calls serve the same way), warm-up off
        cmd[1:3] = ["-c", COLD_SERVER]
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        launched = time.perf_counter()
        deadline = launched + 240
        while time.perf_counter() < deadline:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).json().get("warm"):
                    break
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        warm_s = time.perf_counter() - launched
        if args.cold_server:
            print(f"server start-up: /health warm after {warm_s:.1f} s; its cache warm-up OFF (--cold-server)")
        else:
            started = _wait_for_warm_up(home / "server.log", deadline)
            print(
                f"server start-up: /health warm after {warm_s:.1f} s; "
                + (
                    f"its cache warm-up done after {time.perf_counter() - launched:.1f} s"
                    if started
                    else _started_note()
                )
            )
        load_before = os.getloadavg()
        cpu_before = _cpu_seconds(server.pid)
        cookie = _login_cookie(base)
        stats, health, baseline, late = _run(_soak(base, args, cookie))
        cpu_soak = _cpu_seconds(server.pid)
        memory = _memory_mb(server.pid)
        load_after = os.getloadavg()
        burst = None
        if args.burst:
            burst = _run(_burst(base, _login_cookie(base), args.burst))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a hung server (e.g. a deadlock): say where its log is, then kill it
            print(f"server did not stop; its log: {home / 'server.log'}", file=sys.stderr)
            server.kill()
            server.wait(timeout=30)
            args.keep_home = True
        log.close()
        if not args.keep_home:
            shutil.rmtree(home, ignore_errors=True)

    secs = args.seconds
    if args.closed_loop:
        print(
            f"soak {secs:.0f} s on loopback, CLOSED loop (stress: zero think time): {args.users} users + "
            f"{args.attackers} wrong-login clients, each firing as soon as its previous request answers"
        )
    else:
        print(
            f"soak {secs:.0f} s on loopback, OPEN loop: {args.users} users acting every {args.think:g} s on average "
            f"(~{args.users / args.think:.1f} req/s) + {args.attack_rate:g} wrong logins/s from "
            f"{args.attackers} addresses (Poisson arrivals)"
        )
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load_before[0]:.2f} before / {load_after[0]:.2f} after; "
        + (
            f"server CPU {cpu_soak - cpu_before:.1f} s during the soak (incl. the 5 s /health baseline)"
            if cpu_before is not None and cpu_soak is not None
            else "server CPU n/a"
        )
        + (f"; server memory {memory[0]:.0f} MiB (peak {memory[1]:.0f} MiB)" if memory else "")
    )
    head = f"{'kind':<16}{'offered/s':>10}{'achieved/s':>11}{'requests':>10}{'errors':>8}"
    print(head + f"{'p50_ms':>9}{'p99_ms':>9}{'max_ms':>9}")
    everything: list[float] = []
    short: list[str] = []
    for kind, values in sorted(stats.latency.items()):
        everything += values
        offered = "-" if args.closed_loop else f"{stats.offered[kind] / secs:.2f}"
        achieved = stats.answered[kind] / secs
        backlog = stats.offered[kind] - stats.answered[kind]  # due in the window, not answered in it
        if not args.closed_loop and backlog > max(3, 0.05 * stats.offered[kind]):
            short.append(kind)
        print(
            f"{kind:<16}{offered:>10}{achieved:>11.2f}{len(values):>10}{stats.errors[kind]:>8}"
            f"{_pct(values, 50):>9.1f}{_pct(values, 99):>9.1f}{max(values, default=0):>9.1f}"
        )
    total_offered = "-" if args.closed_loop else f"{sum(stats.offered.values()) / secs:.2f}"
    print(
        f"{'all':<16}{total_offered:>10}{sum(stats.answered.values()) / secs:>11.2f}{len(everything):>10}"
        f"{sum(stats.errors.values()):>8}{_pct(everything, 50):>9.1f}{_pct(everything, 99):>9.1f}"
        f"{max(everything, default=0):>9.1f}"
    )
    print(
        f"{'health (base)':<16}{'':>10}{'':>11}{len(baseline):>10}{'':>8}"
        f"{_pct(baseline, 50):>9.1f}{_pct(baseline, 99):>9.1f}{max(baseline, default=0):>9.1f}"
    )
    print(
        f"{'health (soak)':<16}{'':>10}{'':>11}{len(health):>10}{'':>8}"
        f"{_pct(health, 50):>9.1f}{_pct(health, 99):>9.1f}{max(health, default=0):>9.1f}"
    )
    if args.closed_loop:
        print("closed loop: the achieved rates are the server's throughput under saturation; p99 measures the queue")
    elif short or late:
        print(
            f"SATURATED: achieved rate below offered for {', '.join(short) or 'no kind'} "
            f"({late} requests still unanswered 35 s after the window): the server did not keep up"
        )
    else:
        print("achieved = offered for every kind (at most 5% or 3 requests in flight at the end): the server kept up")
    if burst is not None:
        codes, catalogue, tables = burst
        ok, busy = codes.count(200), codes.count(503)
        print(
            f"burst of {len(codes)} uploads: {ok} imported, {busy} told to retry (503), {len(codes) - ok - busy} other; "
            f"during it /catalogue p99 {_pct(catalogue, 99):.0f} ms ({len(catalogue)} reads), "
            f"/data/tables p99 {_pct(tables, 99):.0f} ms ({len(tables)} reads)"
        )
    users = [ms for kind, values in stats.latency.items() if kind != "wrong_login" for ms in values]
    print(f"logged-in users' requests: {len(users)}, p50 {_pct(users, 50):.0f} ms, p99 {_pct(users, 99):.0f} ms")
    slowest = ", ".join(f"{kind} {ms:.0f} ms at {at:.1f} s" for ms, at, kind in sorted(stats.slow, reverse=True)[:5])
    print(f"slowest logged-in requests (when due, seconds into the soak): {slowest}")
    n = len(everything) + len(health) + late
    errors = sum(stats.errors.values()) + late + sum(1 for h in health if h >= 10_000.0)
    print(f"requests={n} errors={errors} p99_ms={_pct(everything, 99):.0f} health_p99_ms={_pct(health, 99):.0f}")


if __name__ == "__main__":
    main()
