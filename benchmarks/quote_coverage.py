"""Quote coverage: the catalogue x the 24 headline markets, 9610 postal via AliExpress.

Quotes every built-in product in every headline market (issue 13) on a fixed date inside the
data (2026-08-01) and on a date after the newest data (``--today``, default the wall clock), at
a list price of 3x the product's value in the market's currency, and counts how many quotes
are ``ok`` (every figure sourced), ``incomplete`` (a figure missing, flagged) and ``no_rule``
(no regime, VAT or FX). Prints the share per market and the flags that make quotes incomplete.

Run: ``uv run python benchmarks/quote_coverage.py [--today YYYY-MM-DD] [--service postal]``.
Ends with ``ok_share_dated=<x> ok_share_today=<y> no_rule=<n>``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter

import polars as pl

from qiankua.costing import STATUS, decode_flags
from qiankua.reference import load_reference
from qiankua.services.costing import HEADLINE_MARKETS as HEADLINE
from qiankua.services.costing import compiled_rules, fx_arrays, quote_table

DATED = dt.date(2026, 8, 1)


def run(day: dt.date, service: str) -> pl.DataFrame:
    ref = load_reference()
    rules = compiled_rules(ref)
    fx = fx_arrays(rules.currencies, day, day)
    ccy = dict(zip(rules.markets, rules.market_ccy, strict=True))
    per_cny = {m: float(fx[ccy[m]][0]) for m in HEADLINE}
    reqs = (
        ref.products.select(pl.col("id").alias("product_id"), "unit_value_cny")
        .join(pl.DataFrame({"market": list(HEADLINE)}), how="cross")
        .with_columns(mode=pl.lit("9610"), service=pl.lit(service), platform=pl.lit("aliexpress"), date=pl.lit(day))
    )
    reqs = reqs.with_columns(
        price=pl.col("unit_value_cny") * 3 / pl.col("market").replace_strict(per_cny, return_dtype=pl.Float64)
    ).drop("unit_value_cny")
    res = quote_table(reqs, ref, columns=("status", "flags", "reason"))
    return reqs.select("product_id", "market").with_columns(
        status=pl.Series([STATUS[s] for s in res["status"].to_list()]),
        flags=pl.Series([";".join(decode_flags(int(f))) for f in res["flags"].to_list()]),
    )


def summary(frame: pl.DataFrame, label: str) -> float:
    n = frame.height
    ok = int((frame["status"] == "ok").sum())
    print(
        f"\n## {label}: {n} quotes, ok {ok} ({ok / n:.0%}), incomplete "
        f"{int((frame['status'] == 'incomplete').sum())}, no_rule {int((frame['status'] == 'no_rule').sum())}"
    )
    by_market = (
        frame.group_by("market")
        .agg(
            (pl.col("status") == "ok").mean().alias("ok_share"), (pl.col("status") == "no_rule").sum().alias("no_rule")
        )
        .sort("market")
    )
    print("| market | ok share | no_rule |\n|---|---|---|")
    for r in by_market.iter_rows(named=True):
        print(f"| {r['market']} | {r['ok_share']:.2f} | {r['no_rule']} |")
    counts: Counter[str] = Counter()
    missing: dict[str, set[str]] = {}
    for r in frame.filter(pl.col("status") != "ok").iter_rows(named=True):
        for f in (r["flags"] or "").split(";"):
            if f.endswith("_missing"):
                counts[f] += 1
                missing.setdefault(f, set()).add(r["market"])
    print("| flag on non-ok quotes | rows | markets |\n|---|---|---|")
    for f, c in counts.most_common():
        print(f"| {f} | {c} | {' '.join(sorted(missing[f]))} |")
    return ok / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    ap.add_argument("--service", default="postal")
    args = ap.parse_args()
    dated = run(DATED, args.service)
    today = run(args.today, args.service)
    a = summary(dated, f"{DATED} ({args.service})")
    b = summary(today, f"{args.today} ({args.service})")
    no_rule = int((dated["status"] == "no_rule").sum() + (today["status"] == "no_rule").sum())
    print(f"\nok_share_dated={a:.3f} ok_share_today={b:.3f} no_rule={no_rule}")


if __name__ == "__main__":
    main()
