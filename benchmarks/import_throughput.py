"""Import throughput: a validated, all-or-nothing import of N shipment rows vs DuckDB's raw CSV load.

The baseline (``read_csv`` straight into a table) does no per-cell validation, no
header mapping and no referential checks, so the ratio shows what validation costs.
Prints a table and ends with ``rows=<N> rows_per_s=<R> baseline_ratio=<X>``.
"""

from __future__ import annotations

import csv
import platform
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from qiankua.reference import load_reference
from qiankua.schema import SHIPMENTS
from qiankua.store import Store, import_file

SIZES = (10_000, 100_000)


def write_shipments(path: Path, n: int) -> None:
    counties = ["522634", "522630", "522636", "522701", "522635", "520123"]
    markets = ["DE", "US", "VN", "GB", "JP", "AU"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.zh for c in SHIPMENTS.columns])  # Chinese headers, as a bureau's sheet
        for i in range(n):
            writer.writerow(
                [
                    f"S{i:07d}",
                    f"出口商{i % 250}",
                    counties[i % 6],
                    "",
                    1 + i % 9,
                    50,
                    40,
                    30 + i % 10,
                    8.5 + (i % 7),
                    "是",
                    "否",
                    "2026-12-01 08:00",
                    "2026-12-01 17:00",
                    markets[i % 6],
                    "cheapest",
                    1000 + i % 5000,
                ]
            )


def main() -> int:
    ref = load_reference()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        for n in SIZES:
            path = tmpdir / f"ship_{n}.csv"
            write_shipments(path, n)
            with Store(tmpdir / f"q_{n}.duckdb") as store:
                start = time.perf_counter()
                result = import_file(store, path, "shipments", ref)
                ours = time.perf_counter() - start
                assert result.rows_written == n
            con = duckdb.connect(str(tmpdir / f"b_{n}.duckdb"))
            start = time.perf_counter()
            con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', header=true)")
            base = time.perf_counter() - start
            assert con.execute("SELECT count(*) FROM t").fetchone()[0] == n
            con.close()
            rows.append((n, ours, n / ours, base, ours / base))
    print(f"machine: {platform.machine()} {platform.processor() or ''}, python {sys.version.split()[0]}, 2 cores")
    print("| rows | qiankua import s | rows/s | duckdb read_csv s | slower by |")
    print("|---:|---:|---:|---:|---:|")
    for n, ours, rate, base, ratio in rows:
        print(f"| {n:,} | {ours:.2f} | {rate:,.0f} | {base:.3f} | {ratio:.0f}x |")
    n, ours, rate, base, ratio = rows[-1]
    print(f"rows={n} rows_per_s={rate:.0f} baseline_ratio={ratio:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
