"""Load on the REST API: the quote endpoint at 200 requests/s for 60 s, from a second process.

Starts the full server (API + NiceGUI pages, ``python -m qiankua.api``) on 127.0.0.1 on a free
port, then runs the load generator in another process: an open-loop schedule (request ``i`` is due
at ``t0 + i / rate``; latency is measured from that due time, so a server that falls behind is not
flattered by coordinated omission), bounded in count (rate x seconds), in time (seconds + 15 s
drain) and in concurrency (at most 512 requests in flight; more counts as errors). The request mix
is every catalogue product x 12 markets, 9610 parcels, half with a list price (price solver on).

Baseline in the same run: ``GET /api/v1/health`` at the same rate for 15 s (the server's own
floor). Prints a table and ends with ``rps=<R> p50_ms=<A> p99_ms=<B> errors=<E>`` for the quote run.
Environment: QIANKUA_LOAD_RATE (200), QIANKUA_LOAD_SECONDS (60), QIANKUA_LOAD_BASELINE_SECONDS (15).
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


async def _drive(url: str, method: str, bodies: list[dict[str, object]] | None, rate: float,
                 seconds: float) -> dict[str, float]:
    import httpx

    total = int(rate * seconds)
    latencies: list[float] = []
    errors = 0
    in_flight = 0
    limits = httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=MAX_IN_FLIGHT)
    async with httpx.AsyncClient(timeout=TIMEOUT_S, limits=limits) as client:
        async def one(i: int, due: float) -> None:
            nonlocal errors, in_flight
            in_flight += 1
            try:
                if method == "GET":
                    response = await client.get(url)
                else:
                    response = await client.post(url, json=bodies[i % len(bodies)])  # type: ignore[index]
                if response.status_code != 200:
                    errors += 1
                else:
                    latencies.append(time.perf_counter() - due)
            except Exception:  # noqa: BLE001 — a timeout or refused connection is an error, counted
                errors += 1
            finally:
                in_flight -= 1

        tasks = []
        t0 = time.perf_counter()
        for i in range(total):
            due = t0 + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if in_flight >= MAX_IN_FLIGHT:
                errors += 1
                continue
            tasks.append(asyncio.create_task(one(i, due)))
        sent_done = time.perf_counter()
        if tasks:
            await asyncio.wait(tasks, timeout=TIMEOUT_S + 5)
        elapsed = max(time.perf_counter() - t0, 1e-9)
    ok = len(latencies)
    lat = sorted(latencies)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")

    return {"requests": total, "ok": ok, "errors": total - ok if errors < total - ok else errors,
            "rps": ok / elapsed, "send_s": sent_done - t0, "p50_ms": pct(0.50), "p90_ms": pct(0.90),
            "p99_ms": pct(0.99), "max_ms": lat[-1] * 1000 if lat else float("nan"),
            "mean_ms": statistics.fmean(lat) * 1000 if lat else float("nan")}


def client_main(base: str) -> None:
    """The second process: baseline run, then the quote run; prints one JSON line."""
    bodies = _bodies()
    baseline = asyncio.run(_drive(f"{base}/api/v1/health", "GET", None, RATE, BASELINE_SECONDS))
    quote = asyncio.run(_drive(f"{base}/api/v1/quote", "POST", bodies, RATE, SECONDS))
    print(json.dumps({"baseline": baseline, "quote": quote}))


def main() -> None:
    import httpx

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    home = Path(tempfile.mkdtemp(prefix="qiankua-load-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    server = subprocess.Popen([sys.executable, "-m", "qiankua.api", "--host", "127.0.0.1", "--port", str(port),
                               "--home", str(home)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise SystemExit("server did not start")
        modules = {m["name"]: m["available"] for m in httpx.get(f"{base}/api/v1/modules").json()["modules"]}
        if not modules.get("costing"):
            raise SystemExit("the costing engine is not installed: no quote endpoint to load")
        # warm-up: load the rule tables and FX once (first quote compiles the rules)
        httpx.post(f"{base}/api/v1/quote", json=_bodies()[0], timeout=120)
        client = subprocess.run([sys.executable, __file__, "--client", base], capture_output=True, text=True,
                                timeout=BASELINE_SECONDS + SECONDS + 120, check=True)
        result = json.loads(client.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    print(f"{'run':<22}{'requests':>9}{'ok':>7}{'errors':>7}{'rps':>8}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}"
          f"{'max ms':>9}")
    for name, key in ((f"GET /health (baseline)", "baseline"), ("POST /quote", "quote")):
        r = result[key]
        print(f"{name:<22}{r['requests']:>9}{r['ok']:>7}{r['errors']:>7}{r['rps']:>8.1f}{r['p50_ms']:>9.1f}"
              f"{r['p90_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['max_ms']:>9.1f}")
    q, b = result["quote"], result["baseline"]
    print(f"quote/baseline p99 ratio: {q['p99_ms'] / b['p99_ms']:.1f}x (target p99 < 100 ms, 0 errors, "
          f"{RATE:.0f} req/s for {SECONDS:.0f} s)")
    print(f"rps={q['rps']:.1f} p50_ms={q['p50_ms']:.1f} p99_ms={q['p99_ms']:.1f} errors={q['errors']}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--client":
        client_main(sys.argv[2])
    else:
        main()
