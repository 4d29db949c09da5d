"""Orders throughput: N order lines from five platform export layouts read, mapped, costed and stored.

SAMPLE DATA: the files are synthetic (made-up orders in the Amazon All Orders, AliExpress, Temu, TikTok
Shop and Shopee layouts of ``qiankua.orders.formats``), written before the clock starts. The timed path is
the one ``qiankua orders import`` + ``qiankua orders margin`` take: read and normalise every file (polars),
map SKUs against remembered mappings (joins), price every line with the costing engine's vectorised batch
path on its own date, currency and destination (flags decoded to names, as ``orders margin`` returns them),
and store the lines idempotently in DuckDB with the sales feed (one transaction). Baseline in the same run: DuckDB's own ``read_csv`` of the same files into a table
(no normalisation, mapping, costing or checks). The machine is shared: figures are one run each, printed
with the load average and each stage's CPU seconds (all threads of this process), which the other
processes on the machine change much less than the wall-clock seconds.

Usage: ``python benchmarks/orders_throughput.py [LINES]`` (default 1,000,000). Ends with
``lines=<n> seconds=<s> lines_per_s=<r>``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
PRODUCTS = [
    ("duyun-maojian-250g", "Duyun Maojian green tea 250 g"),
    ("laoganma-chili-crisp-280g", "Lao Gan Ma chili crisp 280 g"),
    ("danzhai-batik-wall-hanging", "Danzhai batik wall hanging"),
    ("yuping-bamboo-dizi", "Yuping bamboo dizi"),
    ("leishan-miao-silver-necklace", "Miao silver necklace"),
    ("chishui-bamboo-woven-basket", "Chishui bamboo basket"),
    ("meitan-cuiya-250g", "Meitan Cuiya tea 250 g"),
    ("songtao-miao-embroidery-cushion-cover", "Miao embroidered cushion cover"),
]
MARKETS = {
    "amazon": ["US", "DE", "GB", "JP"],
    "aliexpress": ["FR", "ES", "US", "PL"],
    "temu": ["US"],
    "tiktok": ["GB"],
    "shopee": ["SG", "MY"],
}
CCY = {
    "US": "USD",
    "DE": "EUR",
    "GB": "GBP",
    "JP": "JPY",
    "FR": "EUR",
    "ES": "EUR",
    "PL": "PLN",
    "SG": "SGD",
    "MY": "MYR",
}


def _base(n: int, seed: int, platform: str) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    orders = np.arange(n) // 2  # two lines per order
    return {
        "order": orders,
        "prod": rng.integers(0, len(PRODUCTS), n),
        "qty": rng.integers(1, 4, n),
        "price": np.round(rng.uniform(5, 60, n), 2),
        "market": rng.integers(0, len(MARKETS[platform]), n)[orders % n] if n else orders,
        "day": rng.integers(0, 28, n)[orders],
        "minute": rng.integers(0, 1440, n)[orders],
    }


def write_files(folder: Path, n: int) -> list[tuple[Path, str | None]]:
    per = n // 5
    out: list[tuple[Path, str | None]] = []
    for k, platform in enumerate(("amazon", "aliexpress", "temu", "tiktok", "shopee")):
        m = per if k < 4 else n - 4 * per
        b = _base(m, k, platform)
        sku = np.array([f"GZ-{i:02d}" for i in range(len(PRODUCTS))])[b["prod"]]
        title = np.array([p[1] for p in PRODUCTS])[b["prod"]]
        mk = np.array(MARKETS[platform])[b["market"]]
        ccy = np.array([CCY[x] for x in MARKETS[platform]])[b["market"]]
        minutes = (b["day"] * 1440 + b["minute"]).astype("timedelta64[m]")
        t = pl.Series((np.datetime64("2026-03-01T00:00") + minutes).astype("datetime64[ms]"))
        oid = pl.Series(b["order"]).cast(pl.String)
        qty = pl.Series(b["qty"]).cast(pl.String)
        unit = pl.Series(b["price"])
        line = (unit * pl.Series(b["qty"])).round(2)
        if platform == "amazon":
            frame = pl.DataFrame(
                {
                    "amazon-order-id": "111-" + oid.str.zfill(7) + "-0000001",
                    "merchant-order-id": "",
                    "purchase-date": t.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                    "last-updated-date": t.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                    "order-status": "Shipped",
                    "fulfillment-channel": "Merchant",
                    "sales-channel": "Amazon.com",
                    "product-name": title,
                    "sku": sku,
                    "asin": "B0SAMPLE",
                    "item-status": "Shipped",
                    "quantity": qty,
                    "currency": ccy,
                    "item-price": line.cast(pl.String),
                    "item-tax": "0.00",
                    "shipping-price": "0.00",
                    "item-promotion-discount": "0.00",
                    "ship-promotion-discount": "0.00",
                    "ship-city": "CITY",
                    "ship-postal-code": "00000",
                    "ship-country": mk,
                }
            )
            path = folder / "amazon.txt"
            frame.write_csv(path, separator="\t")
            out.append((path, None))
        elif platform == "aliexpress":
            frame = pl.DataFrame(
                {
                    "订单号": "81" + oid.str.zfill(12),
                    "下单时间": t.dt.strftime("%Y-%m-%d %H:%M:%S"),
                    "订单状态": "等待买家收货",
                    "商品编码": sku,
                    "产品名称": title,
                    "产品数量": qty,
                    "产品单价": unit.cast(pl.String),
                    "币种": "USD",
                    "运费": "0",
                    "收货国家": mk,
                }
            )
            path = folder / "aliexpress.csv"
            frame.write_csv(path)
            out.append((path, None))
        elif platform == "temu":
            frame = pl.DataFrame(
                {
                    "Order ID": "PO-" + oid,
                    "order status": "Shipped",
                    "Order item ID": "PO-" + oid + "-" + pl.Series(np.arange(m) % 2).cast(pl.String),
                    "order item status": "Shipped",
                    "product name": title,
                    "contribution sku": sku,
                    "quantity purchased": qty,
                    "quantity shipped": qty,
                    "ship country": "United States",
                    "purchase date": t.dt.strftime("%Y-%m-%d %H:%M:%S"),
                    "goods base price": unit.cast(pl.String),
                    "shipping cost": "0.00",
                }
            )
            path = folder / "temu.csv"
            frame.write_csv(path)
            out.append((path, "USD"))
        elif platform == "tiktok":
            frame = pl.DataFrame(
                {
                    "Order ID": "576" + oid.str.zfill(12),
                    "Order Status": "Delivered",
                    "Cancelation/Return Type": "",
                    "Seller SKU": sku,
                    "Product Name": title,
                    "Quantity": qty,
                    "SKU Unit Original Price": unit.cast(pl.String),
                    "SKU Subtotal Before Discount": line.cast(pl.String),
                    "SKU Platform Discount": "0",
                    "SKU Seller Discount": "0",
                    "SKU Subtotal After Discount": line.cast(pl.String),
                    "Shipping Fee After Discount": "0",
                    "Created Time": t.dt.strftime("%d/%m/%Y %H:%M:%S"),
                    "Country": "United Kingdom",
                }
            )
            path = folder / "tiktok.csv"
            frame.write_csv(path)
            out.append((path, "GBP"))
        else:
            frame = pl.DataFrame(
                {
                    "Order ID": "2603" + oid.str.zfill(10),
                    "Order Status": "Completed",
                    "Order Creation Date": t.dt.strftime("%Y-%m-%d %H:%M"),
                    "SKU Reference No.": sku,
                    "Product Name": title,
                    "Deal Price": unit.cast(pl.String),
                    "Quantity": qty,
                    "Country": mk,
                }
            )
            path = folder / "shopee.csv"
            frame.write_csv(path)
            out.append((path, "SGD"))
    return out


def main() -> None:
    import duckdb

    from qiankua.orders.mapping import apply_mappings
    from qiankua.services.costing import warm_kernel
    from qiankua.services.orders import _catalogue, margin_table, read_lines
    from qiankua.store import Store
    from qiankua.store.orders import load_mappings, save_mappings, upsert_orders

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        files = write_files(folder, N)
        gen = time.perf_counter() - t0
        db = folder / "bench.duckdb"
        maps = pl.DataFrame(
            [
                {"platform": p, "key_kind": "sku", "key": f"GZ-{i:02d}", "product_id": pid}
                for p in ("amazon", "aliexpress", "temu", "tiktok", "shopee")
                for i, (pid, _) in enumerate(PRODUCTS)
            ]
        )
        with Store(db) as store:
            save_mappings(store, maps)  # the mappings a seller confirmed once, before this week's reports
        warm_kernel()  # the compiled costing kernel loaded once per process, as in a server
        catalogue = _catalogue(db)

        load_before = os.getloadavg()[0]
        # --- baseline: DuckDB's own CSV reader, same files, no checks
        t = time.perf_counter()
        c = time.process_time()
        con = duckdb.connect()
        base_rows = 0
        for path, _ in files:
            sep = "\t" if path.suffix == ".txt" else ","
            con.execute(
                f"CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('{path}', delim='{sep}', header=true, "
                "all_varchar=true)"
            )
            base_rows += con.execute("SELECT count(*) FROM t").fetchall()[0][0]
        baseline = time.perf_counter() - t
        baseline_cpu = time.process_time() - c

        # --- the orders path
        stages: dict[str, tuple[float, float]] = {}
        start, start_cpu = time.perf_counter(), time.process_time()
        t, c = start, start_cpu

        def lap(name: str) -> None:
            nonlocal t, c
            stages[name] = (time.perf_counter() - t, time.process_time() - c)
            t, c = time.perf_counter(), time.process_time()

        frames = []
        for path, ccy in files:
            lines, _info, _digest = read_lines([path], currency=ccy, db=db)
            frames.append(lines)
        lines = pl.concat(frames)
        lap("read + normalise (5 layouts)")
        with Store(db, read_only=True) as store:
            remembered = load_mappings(store)
        mapped = apply_mappings(lines, remembered, catalogue)
        lap("map SKUs")
        margins = margin_table(mapped, db)
        lap("cost (costing engine, own date/ccy/market)")
        with Store(db) as store:
            # keys are unique without a dedupe pass: one file per platform, as read_lines guarantees
            counts = upsert_orders(store, mapped, file_names=[p.name for p, _ in files], sha256="bench", dedupe=False)
        lap("store (DuckDB upsert + sales feed)")
        total = time.perf_counter() - start
        total_cpu = time.process_time() - start_cpu
        load_after = os.getloadavg()[0]

    n = lines.height
    priced = int(margins["profit_cny"].is_not_null().sum())
    print(f"orders throughput — {n:,} lines, synthetic SAMPLE files (generated in {gen:.1f} s, not timed)")
    print(
        f"python {sys.version.split()[0]}, polars {pl.__version__}, duckdb {duckdb.__version__}; shared 2-core machine"
    )
    print(f"load average (1 min) {load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} cores")
    print(f"{'stage':<46}{'seconds':>9}{'lines/s':>11}{'CPU s':>8}")
    for name, (sec, cpu) in stages.items():
        print(f"{name:<46}{sec:>9.2f}{n / sec:>11,.0f}{cpu:>8.2f}")
    print(f"{'total (read, map, cost, store)':<46}{total:>9.2f}{n / total:>11,.0f}{total_cpu:>8.2f}")
    print(
        f"{'baseline: DuckDB read_csv only (same files)':<46}{baseline:>9.2f}{base_rows / baseline:>11,.0f}"
        f"{baseline_cpu:>8.2f}"
    )
    print(
        f"mapped {int(mapped['product_id'].is_not_null().sum()):,}, priced {priced:,}, stored new {counts.new:,}, sales rows {counts.sales_rows:,}"
    )
    print(f"lines={n} seconds={total:.2f} lines_per_s={n / total:.0f}")


if __name__ == "__main__":
    main()
