"""Import throughput: a validated, all-or-nothing import of N shipment rows vs DuckDB's raw CSV load.

The baseline (``read_csv`` straight into a table) does no per-cell validation, no
header mapping and no referential checks, so the ratio shows what validation costs.
``per-row`` is the path imports took before the column-wise checks (one pydantic model call
per row, :meth:`~qiankua.schema.TableSpec.validate_rows`; its per-row reference checks left out,
so it is if anything flattered), measured in the same run on the same files. Each figure is
the best of ``REPEAT`` runs (the machine is shared). Prints a table and ends with
``rows=<N> rows_per_s=<R> baseline_ratio=<X>``.
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
from qiankua.schema import SHIPMENTS, MarketNames
from qiankua.store import Store, import_file
from qiankua.store.files import read_sheets
from qiankua.store.importer import normalise_markets, write_rows

SIZES = (10_000, 100_000)
REPEAT = 2


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


def per_row_import(store: Store, path: Path, ref) -> int:  # type: ignore[no-untyped-def]
    """The former path: rows as dicts, markets normalised row by row, one pydantic call per row."""
    spec = SHIPMENTS
    names = MarketNames(ref.markets.iter_rows(named=True))
    [sheet] = read_sheets(path)
    mapping, _, _ = spec.map_headers(sheet.header)
    raw = [(n, {mapping[i]: v for i, v in enumerate(values) if i in mapping}) for n, values in sheet.rows]
    for _, row in raw:
        normalise_markets(spec, row, names)
    good, issues = spec.validate_rows(raw, file=path.name)
    assert not issues
    return int(write_rows(store, spec, spec.frame(good), mode="append", file_name=path.name, sha256=""))


def best(run, repeat: int = REPEAT) -> float:  # type: ignore[no-untyped-def]
    times = []
    for k in range(repeat):
        start = time.perf_counter()
        run(k)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    ref = load_reference()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        for n in SIZES:
            path = tmpdir / f"ship_{n}.csv"
            write_shipments(path, n)

            def ours_run(k: int, n: int = n, path: Path = path) -> None:
                with Store(tmpdir / f"q_{n}_{k}.duckdb") as store:
                    assert import_file(store, path, "shipments", ref).rows_written == n

            def old_run(k: int, n: int = n, path: Path = path) -> None:
                with Store(tmpdir / f"o_{n}_{k}.duckdb") as store:
                    assert per_row_import(store, path, ref) == n

            def base_run(k: int, n: int = n, path: Path = path) -> None:
                con = duckdb.connect(str(tmpdir / f"b_{n}_{k}.duckdb"))
                con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', header=true)")
                assert con.execute("SELECT count(*) FROM t").fetchone() == (n,)
                con.close()

            ours, old, base = best(ours_run), best(old_run, 1), best(base_run)
            rows.append((n, old, n / old, ours, n / ours, base, ours / base))
    print(
        f"machine: {platform.machine()} {platform.processor() or ''}, python {sys.version.split()[0]}, 2 cores (shared)"
    )
    print("| rows | per-row (before) s | rows/s | column-wise (now) s | rows/s | duckdb read_csv s | slower by |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n, old, old_rate, ours, rate, base, ratio in rows:
        print(f"| {n:,} | {old:.2f} | {old_rate:,.0f} | {ours:.2f} | {rate:,.0f} | {base:.3f} | {ratio:.1f}x |")
    n, _, _, ours, rate, base, ratio = rows[-1]
    print(f"rows={n} rows_per_s={rate:.0f} baseline_ratio={ratio:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
