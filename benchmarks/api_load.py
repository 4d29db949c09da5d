"""Load on the REST API: the quote endpoint at 200 requests/s for 60 s, from a second process.

Starts the full server (API + NiceGUI pages, ``python -m qiankua.api``) on 127.0.0.1 on a free
port, then runs the load generator in another process: an open-loop schedule (request ``i`` is due
at ``t0 + i / rate``; latency is measured from that due time to the last byte of the response, so
a server that falls behind is not flattered by coordinated omission), bounded in count (rate x
seconds), in time (seconds + 15 s drain) and in concurrency (at most 512 requests in flight; more
count as errors). The generator is aiohttp on uvloop with pre-encoded bodies, and reports its own
send lag (how late it sent against the schedule) so that a saturated generator shows. The request
mix is every catalogue product x 12 markets, 9610 parcels, half with a list price (price solver on).

Before measuring, the server answers one cold quote (rule tables, FX, the costing kernel's
compilation) and then every distinct request of the mix once (the routing memo per consignment
is then warm, as on a server that has been running); both times are printed. Baseline in the
same run: ``GET /api/v1/health`` at the same rate for 15 s (the server's own floor). Prints a
table and ends with ``rps=<R> p50_ms=<A> p99_ms=<B> errors=<E>`` for the quote run.
Environment: QIANKUA_LOAD_RATE (200), QIANKUA_LOAD_SECONDS (60), QIANKUA_LOAD_BASELINE_SECONDS (15).
Run on its own: ``.venv/bin/python benchmarks/api_load.py`` (about 2-3 minutes).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RATE = float(os.environ.get("QIANKUA_LOAD_RATE", "200"))
SECONDS = float(os.environ.get("QIANKUA_LOAD_SECONDS", "60"))
BASELINE_SECONDS = float(os.environ.get("QIANKUA_LOAD_BASELINE_SECONDS", "15"))
MAX_IN_FLIGHT = 512
TIMEOUT_S = 10.0
MARKETS = ("US", "DE", "FR", "GB", "JP", "AU", "SG", "MY", "TH", "MX", "BR", "CL")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bodies() -> list[dict[str, object]]:
    from qiankua.reference import load_reference

    products = load_reference().products["id"].to_list()
    bodies: list[dict[str, object]] = []
    for i, product in enumerate(products):
        for j, market in enumerate(MARKETS):
            body: dict[str, object] = {"market": market, "product_id": product, "date": "2026-08-01"}
            if (i + j) % 2:
                body["price"] = 50.0
            bodies.append(body)
    return bodies


async def _drive(url: str, method: str, bodies: list[bytes] | None, rate: float, seconds: float) -> dict[str, float]:
    """Open-loop: request ``i`` is sent at ``t0 + i / rate`` whatever the server does; its latency runs
    from that due time to the last byte of the response. aiohttp (a NiceGUI dependency) keeps the
    generator cheap: one connection per request in flight, pooled."""
    import aiohttp

    total = int(rate * seconds)
    latencies: list[float] = []
    lags: list[float] = []
    errors = 0
    in_flight = 0
    connector = aiohttp.TCPConnector(limit=MAX_IN_FLIGHT, force_close=False)
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
    headers = {"content-type": "application/json"}
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def one(i: int, due: float) -> None:
            nonlocal errors, in_flight
            in_flight += 1
            try:
                if method == "GET":
                    request = session.get(url)
                else:
                    request = session.post(url, data=bodies[i % len(bodies)], headers=headers)  # type: ignore[index]
                async with request as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
                    else:
                        latencies.append(time.perf_counter() - due)
            except Exception:
                errors += 1
            finally:
                in_flight -= 1

        tasks = set()
        t0 = time.perf_counter()
        for i in range(total):
            due = t0 + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            lags.append(time.perf_counter() - due)
            if in_flight >= MAX_IN_FLIGHT:
                errors += 1
                continue
            task = asyncio.create_task(one(i, due))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        sent_done = time.perf_counter()
        if tasks:
            await asyncio.wait(tasks, timeout=TIMEOUT_S + 5)
        elapsed = max(time.perf_counter() - t0, 1e-9)
    ok = len(latencies)
    lat = sorted(latencies)
    lags.sort()

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, int(p * len(values)))] * 1000 if values else float("nan")

    return {
        "requests": total,
        "ok": ok,
        "errors": total - ok,
        "rps": ok / elapsed,
        "send_s": sent_done - t0,
        "p50_ms": pct(lat, 0.50),
        "p90_ms": pct(lat, 0.90),
        "p99_ms": pct(lat, 0.99),
        "max_ms": lat[-1] * 1000 if lat else float("nan"),
        "mean_ms": statistics.fmean(lat) * 1000 if lat else float("nan"),
        "send_lag_p99_ms": pct(lags, 0.99),
        "send_lag_max_ms": lags[-1] * 1000 if lags else float("nan"),
    }


async def _warm(url: str, bodies: list[bytes]) -> float:
    """Send every distinct body once (8 at a time): the server's per-consignment route memo is then warm,
    as it is on a server that has been running. Returns the seconds it took (the cold cost)."""
    import aiohttp

    t0 = time.perf_counter()
    sem = asyncio.Semaphore(8)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600)) as session:

        async def one(body: bytes) -> None:
            async with sem, session.post(url, data=body, headers={"content-type": "application/json"}) as r:
                await r.read()

        await asyncio.gather(*(one(b) for b in bodies))
    return time.perf_counter() - t0


def client_main(base: str) -> None:
    """The second process: warm-up, baseline run, then the quote run; prints one JSON line."""
    try:
        import uvloop  # the generator must not be the bottleneck: the faster loop when present
    except ImportError:  # pragma: no cover
        uvloop = None  # type: ignore[assignment]
    runner = uvloop.run if uvloop is not None else asyncio.run
    bodies = [json.dumps(b).encode() for b in _bodies()]
    warm_s = runner(_warm(f"{base}/api/v1/quote", bodies))
    baseline = runner(_drive(f"{base}/api/v1/health", "GET", None, RATE, BASELINE_SECONDS))
    quote = runner(_drive(f"{base}/api/v1/quote", "POST", bodies, RATE, SECONDS))
    print(json.dumps({"baseline": baseline, "quote": quote, "warm_s": warm_s, "distinct_bodies": len(bodies)}))


def main() -> None:
    import httpx

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    home = Path(tempfile.mkdtemp(prefix="qiankua-load-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    log_path = home / "server.log"  # a file, not a pipe nobody reads (a full pipe would stall the server)
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "qiankua.api", "--host", "127.0.0.1", "--port", str(port), "--home", str(home)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise SystemExit("server did not start:\n" + log_path.read_text(errors="replace")[-2000:])
        modules = {m["name"]: m["available"] for m in httpx.get(f"{base}/api/v1/modules").json()["modules"]}
        if not modules.get("costing"):
            raise SystemExit("the costing engine is not installed: no quote endpoint to load")
        # start-up warm-up: the server loads the rule tables and the costing kernel (numba; minutes when
        # its cache is cold) in the background; /health says when it is done
        t = time.perf_counter()
        while time.perf_counter() - t < 240 and not httpx.get(f"{base}/api/v1/health").json().get("warm", True):
            time.sleep(0.5)
        httpx.post(f"{base}/api/v1/quote", json=_bodies()[0], timeout=240).raise_for_status()
        first_s = time.perf_counter() - t
        client = subprocess.run(
            [sys.executable, __file__, "--client", base],
            capture_output=True,
            text=True,
            timeout=BASELINE_SECONDS + SECONDS + 150,
            check=False,
        )
        if client.returncode != 0:
            raise SystemExit(f"load generator failed:\n{client.stderr[-3000:]}")
        result = json.loads(client.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    print(
        f"server warm-up + first quote {first_s:.1f} s; warm-up: {result['distinct_bodies']} distinct requests once "
        f"in {result['warm_s']:.1f} s; load average {Path('/proc/loadavg').read_text().split()[0]}"
        if Path("/proc/loadavg").exists()
        else ""
    )
    print(
        f"{'run':<22}{'requests':>9}{'ok':>7}{'errors':>7}{'rps':>8}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'send lag p99':>14}"
    )
    for name, key in (("GET /health (baseline)", "baseline"), ("POST /quote", "quote")):
        r = result[key]
        print(
            f"{name:<22}{r['requests']:>9}{r['ok']:>7}{r['errors']:>7}{r['rps']:>8.1f}{r['p50_ms']:>9.1f}"
            f"{r['p90_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['max_ms']:>9.1f}{r['send_lag_p99_ms']:>14.1f}"
        )
    q, b = result["quote"], result["baseline"]
    print(
        f"quote/baseline p99 ratio: {q['p99_ms'] / b['p99_ms']:.1f}x (target p99 < 100 ms, 0 errors, "
        f"{RATE:.0f} req/s for {SECONDS:.0f} s); send lag = how late the generator sent (it must stay small)"
    )
    print(f"rps={q['rps']:.1f} p50_ms={q['p50_ms']:.1f} p99_ms={q['p99_ms']:.1f} errors={q['errors']}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--client":
        client_main(sys.argv[2])
    else:
        main()
