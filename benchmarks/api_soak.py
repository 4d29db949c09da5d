"""Soak test (issue 21 item 10): mixed traffic on loopback against ``qiankua serve --multi-user``.

Starts the server (REST API only) in a fresh home with one user, then for ``--seconds`` (60) runs
concurrent clients: quotes, routes, opportunities, small imports, rows reads (all as the logged-in
user), and a flood of wrong-password logins (from 32 simulated addresses, ``X-Forwarded-For`` — the
server trusts it from loopback), while a probe times ``/health`` every 50 ms. Before the soak a
baseline of ``/health`` alone is measured in the same run.

An error is a transport failure or an unexpected status: wrong logins may answer 401, 429 or 503
(that is the throttle working); everything else must answer 200. Prints a table, then ends with
``requests=<n> errors=<e> p99_ms=<x> health_p99_ms=<h>`` (targets: errors=0, p99 < 500 ms,
health p99 < 100 ms). After the soak a burst of ``--burst`` (50) concurrent uploads is sent while
``/catalogue`` and ``/data/tables`` are read every 50 ms (item 8: target ``/catalogue`` p99 < 200 ms;
uploads beyond the import queue are answered 503 + Retry-After); its line comes before the last.
The table is headed by the machine's load average and the server's CPU seconds and memory during the
soak (Linux), so runs on a shared machine can be compared; every kind of request, wrong logins included,
counts in the last line's p99.

    .venv/bin/python benchmarks/api_soak.py [--seconds 60]
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
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)

    def record(self, kind: str, ms: float, ok: bool) -> None:
        self.latency[kind].append(ms)
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


async def _timed(session: Any, method: str, url: str, **kw: Any) -> tuple[float, int]:
    import aiohttp

    started = time.perf_counter()
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


async def _user_worker(base: str, cookie: str, until: float, stats: Stats, seed: int) -> None:
    rng = random.Random(seed)
    async with _session(base, timeout=30, cookie=cookie) as session:
        n = 0
        while time.perf_counter() < until:
            n += 1
            market = rng.choice(MARKETS)
            pick = rng.random()
            if pick < 0.4:
                kind = "quote"
                quote = {"market": market, "product_id": "duyun-maojian-250g"}
                ms, status = await _timed(session, "POST", "/api/v1/quote", json=quote)
            elif pick < 0.6:
                kind = "routes"
                route = {"origin": "522701", "market": market, "weight_kg": 20}
                ms, status = await _timed(session, "POST", "/api/v1/routes", json=route)
            elif pick < 0.7:
                kind = "opportunities"
                ms, status = await _timed(session, "POST", "/api/v1/opportunities", json={"markets": [market]})
            elif pick < 0.8:
                kind = "import"
                form = _upload(f"{seed}-{n}")
                ms, status = await _timed(session, "POST", "/api/v1/data/products/import", data=form)
            else:
                kind = "rows"
                ms, status = await _timed(session, "GET", "/api/v1/data/products/rows")
            stats.record(kind, ms, status == 200)


async def _attacker(base: str, until: float, stats: Stats, seed: int) -> None:
    headers = {"X-Forwarded-For": f"10.66.0.{seed}"}
    async with _session(base, timeout=30) as session:
        i = 0
        while time.perf_counter() < until:
            i += 1
            body = {"username": "alice" if i % 2 else f"nobody{seed}", "password": f"wrong-guess-{i}"}
            ms, status = await _timed(session, "POST", "/api/v1/auth/login", json=body, headers=headers)
            stats.record("wrong_login", ms, status in WRONG_LOGIN_CODES)


def _login_cookie(base: str) -> str:
    """The ``Cookie`` header of a fresh session of the soak user."""
    with httpx.Client(base_url=base, timeout=60) as client:
        r = client.post("/api/v1/auth/login", json={"username": "soak-user", "password": "soak-password-2026"})
        r.raise_for_status()
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


async def _soak(
    base: str, seconds: float, users: int, attackers: int, cookie: str
) -> tuple[Stats, list[float], list[float]]:
    baseline: list[float] = []
    await _health_probe(base, time.perf_counter() + min(5.0, seconds / 4), baseline)
    stats = Stats()
    health: list[float] = []
    until = time.perf_counter() + seconds
    tasks = [_health_probe(base, until, health)]
    tasks += [_user_worker(base, cookie, until, stats, s) for s in range(users)]
    tasks += [_attacker(base, until, stats, s) for s in range(attackers)]
    await asyncio.gather(*tasks)
    return stats, health, baseline


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
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--users", type=int, default=8, help="concurrent logged-in clients")
    parser.add_argument("--attackers", type=int, default=32, help="concurrent wrong-password clients")
    parser.add_argument(
        "--burst", type=int, default=50, help="concurrent uploads in the burst after the soak (0: none)"
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
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.perf_counter() + 240
        while time.perf_counter() < deadline:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).json().get("warm"):
                    break
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        load_before = os.getloadavg()
        cpu_before = _cpu_seconds(server.pid)
        cookie = _login_cookie(base)
        stats, health, baseline = _run(_soak(base, args.seconds, args.users, args.attackers, cookie))
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

    print(f"soak {args.seconds:.0f} s on loopback, {args.users} users + {args.attackers} wrong-login clients")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load_before[0]:.2f} before / {load_after[0]:.2f} after; "
        + (
            f"server CPU {cpu_soak - cpu_before:.1f} s during the soak (incl. the 5 s /health baseline)"
            if cpu_before is not None and cpu_soak is not None
            else "server CPU n/a"
        )
        + (f"; server memory {memory[0]:.0f} MiB (peak {memory[1]:.0f} MiB)" if memory else "")
    )
    print(f"{'kind':<16}{'requests':>10}{'errors':>8}{'p50_ms':>10}{'p99_ms':>10}")
    everything: list[float] = []
    for kind, values in sorted(stats.latency.items()):
        everything += values
        print(f"{kind:<16}{len(values):>10}{stats.errors[kind]:>8}{_pct(values, 50):>10.1f}{_pct(values, 99):>10.1f}")
    print(f"{'health (base)':<16}{len(baseline):>10}{'':>8}{_pct(baseline, 50):>10.1f}{_pct(baseline, 99):>10.1f}")
    print(f"{'health (soak)':<16}{len(health):>10}{'':>8}{_pct(health, 50):>10.1f}{_pct(health, 99):>10.1f}")
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
    n = len(everything) + len(health)
    errors = sum(stats.errors.values()) + sum(1 for h in health if h >= 10_000.0)
    print(f"requests={n} errors={errors} p99_ms={_pct(everything, 99):.0f} health_p99_ms={_pct(health, 99):.0f}")


if __name__ == "__main__":
    main()
