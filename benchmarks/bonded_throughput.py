"""1210 bonded retail import: 1,000,000 orders from 200,000 buyers (with payments and waybills; sample
data) read from CSV, checked, taxed and ledgered (committed to a DuckDB file) end to end.

Baseline in the same run: the single-order path (``qiankua.bonded.order_tax``) called per order in Python
on a sample, extrapolated. Usage: ``python benchmarks/bonded_throughput.py [n_orders] [n_buyers]``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "bonded"))

from factory import frames

from qiankua.bonded import order_tax
from qiankua.services import bonded as svc


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    buyers = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    tmp = Path(tempfile.mkdtemp(prefix="qk-bonded-"))
    o, p, w = frames(n, buyers, seed=7)
    paths = (tmp / "orders.csv", tmp / "payments.csv", tmp / "waybills.csv")
    for frame, path in zip((o, p, w), paths, strict=True):
        frame.write_csv(path)
    # warm: imports, numba kernel (cached), rules
    warm = tmp / "warm"
    warm.mkdir()
    small = frames(200, 50, seed=3)
    for frame, name in zip(small, ("o.csv", "p.csv", "w.csv"), strict=True):
        frame.write_csv(warm / name)
    svc.check_files(warm / "o.csv", warm / "p.csv", warm / "w.csv", tmp / "warm.duckdb")

    db = tmp / "bench.duckdb"
    load = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    doc = svc.check_files(*paths, db=db)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    summary = doc["summary"]
    # the same files again: every order is decided already, nothing changes (idempotence)
    t2 = time.perf_counter()
    again = svc.check_files(*paths, db=db)
    resubmit = time.perf_counter() - t2
    assert again["summary"]["orders"] == 0 and again["summary"]["already_decided"] == n

    # baseline: the one-order path in a Python loop on a sample
    lim = svc.load_rules(None).limits_on(
        o["order_time"][0].date() if hasattr(o["order_time"][0], "date") else __import__("datetime").date(2026, 12, 1)
    )
    sample = min(n, 20_000)
    values = (o["quantity"] * o["unit_price"] + o["freight"]).head(sample).to_list()
    t1 = time.perf_counter()
    used = 0.0
    for v in values:
        used = order_tax(v, vat_rate=0.13, annual_used=used % 20_000, limits=lim)["annual_used_after"]
    base_rate = sample / (time.perf_counter() - t1)

    print(f"{'path':<46}{'orders':>10}{'seconds':>10}{'cpu s':>8}{'orders/s':>12}")
    print(
        f"{'baseline: order_tax per order (Python loop)':<46}{sample:>10}{sample / base_rate:>10.2f}{'':>8}"
        f"{base_rate:>12,.0f}"
    )
    print(f"{'vectorised: files -> check -> tax -> ledger':<46}{n:>10}{seconds:>10.2f}{cpu:>8.2f}{n / seconds:>12,.0f}")
    print(f"{'re-submission of the same files (no change)':<46}{n:>10}{resubmit:>10.2f}{'':>8}{n / resubmit:>12,.0f}")
    print(
        f"machine: {os.cpu_count()} cores, load average {load:.1f} at the start (cpu s = process CPU time, all threads)"
    )
    print(
        f"accepted={summary['accepted']} rejected={summary['rejected']} buyers={summary['buyers']} "
        f"tax_cny={summary['tax_cny']:,.2f} rejections={summary['rejections']}"
    )
    print(f"orders={n} seconds={seconds:.2f} orders_per_s={n / seconds:.0f}")
    shutil.rmtree(tmp, ignore_errors=True)  # ~200 MB of CSV files and ledger


if __name__ == "__main__":
    main()
