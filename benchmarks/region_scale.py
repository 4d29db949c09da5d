"""Regional evaluation at county scale: the region engine against the same formulas in pandas.

Generates a synthetic panel (clearly synthetic: lognormal values, a few cells missing) of ``--units``
areas x ``--years`` years x ``--indicators`` indicators (half digital, half CBEC, one in five a cost
indicator), in the long form a user imports. Both sides start from that long table and do the whole
evaluation: pivot, global min-max with the 1e-4 shift, entropy weights per subsystem, subsystem indices
(weights renormalised over the cells present), corrected and traditional coupling C, T, D, the band and
the obstacle degree of every indicator for every area-year. The two results must agree (asserted).

* engine: :func:`qiankua.region.evaluate` (Polars pivot, numpy kernels);
* pandas: the same formulas written as a careful pandas user would (pivot_table, column arithmetic,
  no Python loops over rows).

Each side runs once untimed (imports, first calls), then ``--repeat`` times; the median is reported.
Ends with ``units=<n> seconds=<s> pandas_ratio=<r>`` (n = area-years, s = engine seconds).

    .venv/bin/python benchmarks/region_scale.py [--units 3000] [--years 10] [--indicators 40] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
import pandas as pd
import polars as pl

from qiankua.region import Band, Indicator, Options, evaluate

SHIFT = 1e-4


def make_panel(units: int, years: int, indicators: int, seed: int = 0) -> tuple[pl.DataFrame, list[Indicator]]:
    rng = np.random.default_rng(seed)
    system = [
        Indicator(
            indicator=f"i{j:02d}",
            subsystem="digital" if j < indicators // 2 else "cbec",
            direction=-1 if j % 5 == 4 else 1,
        )
        for j in range(indicators)
    ]
    area = np.repeat(np.arange(units), years * indicators).astype(str)
    year = np.tile(np.repeat(np.arange(2015, 2015 + years), indicators), units)
    ind = np.tile(np.array([s.indicator for s in system]), units * years)
    value = rng.lognormal(mean=2.0, sigma=1.0, size=area.size)
    keep = rng.random(area.size) > 0.01  # 1% of cells missing: they stay missing on both sides
    frame = pl.DataFrame({"area": area[keep], "year": year[keep], "indicator": ind[keep], "value": value[keep]})
    return frame, system


BANDS = [Band(band=i + 1, d_low=i / 10, d_high=(i + 1) / 10, name_zh="", name_en="") for i in range(10)]


def run_engine(panel: pl.DataFrame, system: list[Indicator]) -> pd.Series:
    ev = evaluate(panel, system, BANDS, Options())
    _ = ev.obstacles.height
    return ev.scores.select("area", "year", "d").to_pandas().set_index(["area", "year"])["d"]


def run_pandas(panel: pd.DataFrame, system: list[Indicator]) -> pd.Series:
    wide = panel.pivot_table(index=["area", "year"], columns="indicator", values="value", aggfunc="first")
    direction = pd.Series({s.indicator: s.direction for s in system})
    lo, hi = wide.min(), wide.max()
    span = (hi - lo).where(hi > lo, 1.0)
    z = (wide - lo) / span
    cost = (direction[wide.columns] < 0).to_numpy()
    z = pd.DataFrame(np.where(cost, (hi - wide) / span, z), index=wide.index, columns=wide.columns)
    z = z * (1 - SHIFT) + SHIFT
    u = {}
    contrib = {}
    for sub in ("digital", "cbec"):
        cols = [s.indicator for s in system if s.subsystem == sub]
        zs = z[cols]
        p = zs / zs.sum()
        n = zs.notna().sum()
        e = -(p * np.log(p)).sum() / np.log(n)
        d = (1 - e).clip(lower=0)
        w = d / d.sum()
        present = zs.notna().mul(w)
        u[sub] = zs.mul(w).sum(axis=1) / present.sum(axis=1)
        for c in cols:
            contrib[c] = 0.5 * w[c]
    u1, u2 = u["digital"], u["cbec"]
    top = np.maximum(u1, u2)
    c = np.sqrt((1 - (u1 - u2).abs()) * np.minimum(u1, u2) / top)
    _c_trad = 2 * np.sqrt(u1 * u2) / (u1 + u2)
    t = 0.5 * u1 + 0.5 * u2
    dd = np.sqrt(c * t)
    _band = pd.cut(dd, bins=[-0.001] + [b.d_high for b in BANDS], labels=False)
    dev = (1 - z).fillna(0).mul(pd.Series(contrib))
    _obstacle = dev.div(dev.sum(axis=1), axis=0)
    return dd.rename("d")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=3000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--indicators", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    panel, system = make_panel(args.units, args.years, args.indicators)
    pdf = panel.to_pandas()
    small, small_sys = make_panel(20, 3, args.indicators, seed=1)
    run_engine(small, small_sys)
    run_pandas(small.to_pandas(), small_sys)

    def timed(fn, *a):  # type: ignore[no-untyped-def]
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn(*a)
        return time.perf_counter() - t0, time.process_time() - c0, out

    eng_t, pd_t, eng_c, pd_c = [], [], [], []
    for _ in range(args.repeat):
        s, c, eng = timed(run_engine, panel, system)
        eng_t.append(s)
        eng_c.append(c)
        s, c, ref = timed(run_pandas, pdf, system)
        pd_t.append(s)
        pd_c.append(c)
    ref = ref.sort_index()
    eng = eng.sort_index()
    np.testing.assert_allclose(eng.to_numpy(), ref.to_numpy(), rtol=1e-9, atol=1e-12)
    e, p = statistics.median(eng_t), statistics.median(pd_t)
    units = args.units * args.years
    print(f"machine: {platform.machine()} {platform.processor() or ''} cores=2 python={platform.python_version()}")
    ec, pc = statistics.median(eng_c), statistics.median(pd_c)
    print(f"load average {os.getloadavg()[0]:.1f} (a busy machine stretches wall time; cpu = process CPU seconds)")
    print(f"{'side':<10}{'seconds':>10}{'cpu':>10}{'area-years/s':>16}")
    print(f"{'engine':<10}{e:>10.3f}{ec:>10.3f}{units / e:>16,.0f}")
    print(f"{'pandas':<10}{p:>10.3f}{pc:>10.3f}{units / p:>16,.0f}")
    print(f"cpu ratio (pandas cpu / engine cpu) = {pc / ec:.2f}")
    print(f"units={units} seconds={e:.3f} pandas_ratio={p / e:.2f}")


if __name__ == "__main__":
    main()
