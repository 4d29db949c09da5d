"""Trade indicators as Ibis expressions: one pipeline for DuckDB (default) and Spark (PySpark).

Input: a bilateral flows table with the columns of :data:`FLOW_COLUMNS` (``year``,
``exporter``, ``importer``, ``hs6``, ``value_usd``), e.g. BACI or UN Comtrade loaded by
``qiankua.store.trade``. The keys may be text (ISO alpha-3, ``"090210"``) or, as the store keeps
them, integer codes: grouping 11 million rows by integers is several times faster, and
:func:`named_pairs` turns the codes back into ISO3 and zero-padded HS6 on the (much smaller)
pair output. Every function takes and returns Ibis
expressions and never executes them, so the same code runs on whichever backend holds the
table (methods.md section 1: ITC EPI, supply x demand x ease):

* RCA (Balassa) of the exporter ``i`` in product ``k``: ``(x_ik / x_i) / (x_wk / x_w)``
* supply share ``S_k = x_ik / x_wk`` (the exporter's share of world exports of k)
* import demand ``m_jk`` and its growth over the previous year ``m_jk,t / m_jk,t-1 - 1``
* the exporter's share of market j's imports of k: ``x_ijk / m_jk``
* bilateral ease ``B_j = sum_k x_ijk / sum_k S_k m_jk`` (actual over hypothetical, EPI 1.4)
* potential ``PEV_jk = S_k * m_jk * B_j`` and untapped ``max(PEV - x_ijk, 0)`` in USD

Except for the cached aggregate in :func:`pair_indicators`, nothing here executes. This module
imports ibis but never duckdb (the store does), nor any UI library.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

FLOW_COLUMNS = ("year", "exporter", "importer", "hs6", "value_usd")
PAIR_COLUMNS = (
    "importer",
    "hs6",
    "import_value_usd",
    "import_prev_usd",
    "import_growth",
    "exporter_value_usd",
    "exporter_share",
    "rca",
    "supply_share",
    "ease",
    "potential_usd",
    "untapped_usd",
)


def _year(flows: ir.Table, year: int) -> ir.Table:
    return flows.filter(flows.year == year)


def product_supply(flows: ir.Table, exporter: str, year: int) -> ir.Table:
    """Per hs6: world exports ``x_wk``, the exporter's ``x_ik``, RCA and supply share."""
    f = _year(flows, year)
    world_k = f.group_by("hs6").aggregate(x_wk=f.value_usd.sum())
    world = f.aggregate(x_w=f.value_usd.sum())
    mine = f.filter(f.exporter == exporter)
    mine_k = mine.group_by("hs6").aggregate(x_ik=mine.value_usd.sum())
    mine_total = mine.aggregate(x_i=mine.value_usd.sum())
    t = world_k.left_join(mine_k, "hs6").select(world_k.hs6, world_k.x_wk, x_ik=mine_k.x_ik.fill_null(0.0))
    t = t.cross_join(world).cross_join(mine_total)
    rca = ibis.ifelse((t.x_wk > 0) & (t.x_i > 0), (t.x_ik / t.x_i) / (t.x_wk / t.x_w), 0.0)
    share = ibis.ifelse(t.x_wk > 0, t.x_ik / t.x_wk, 0.0)
    return t.select("hs6", "x_wk", "x_ik", rca=rca, supply_share=share)


def province_rca(province_exports: ir.Table, flows: ir.Table, year: int) -> ir.Table:
    """RCA of a province g: ``(x_gk / x_g) / (x_wk / x_w)`` from its exports by hs6 (``hs6``, ``value_usd``)."""
    f = _year(flows, year)
    world_k = f.group_by("hs6").aggregate(x_wk=f.value_usd.sum())
    world = f.aggregate(x_w=f.value_usd.sum())
    g_k = province_exports.group_by("hs6").aggregate(x_gk=province_exports.value_usd.sum())
    g = province_exports.aggregate(x_g=province_exports.value_usd.sum())
    t = g_k.inner_join(world_k, "hs6").cross_join(world).cross_join(g)
    rca = ibis.ifelse((t.x_wk > 0) & (t.x_g > 0), (t.x_gk / t.x_g) / (t.x_wk / t.x_w), 0.0)
    return t.select("hs6", "x_gk", "x_wk", province_rca=rca)


def import_demand(flows: ir.Table, year: int, exclude_exporter: str | None = None) -> ir.Table:
    """Per importer x hs6: imports in ``year`` and ``year - 1`` and the growth between them."""
    f = flows
    if exclude_exporter is not None:
        f = f.filter(f.importer != exclude_exporter)
    now = _year(f, year)
    cur = now.group_by("importer", "hs6").aggregate(import_value_usd=now.value_usd.sum())
    before = _year(f, year - 1)
    prev = before.group_by("importer", "hs6").aggregate(import_prev_usd=before.value_usd.sum())
    t = cur.left_join(prev, ["importer", "hs6"]).select(
        cur.importer, cur.hs6, cur.import_value_usd, prev.import_prev_usd
    )
    growth = ibis.ifelse(t.import_prev_usd > 0, t.import_value_usd / t.import_prev_usd - 1.0, ibis.null("float64"))
    return t.mutate(import_growth=growth)


def pair_indicators(
    flows: ir.Table,
    exporter: str | int,
    year: int,
    *,
    importers: Sequence[str | int] | None = None,
    products: Sequence[str | int] | None = None,
    materialise: bool = False,
) -> ir.Table:
    """Every indicator for (importer j, product k) pairs, with the EPI potential in USD.

    One pass over the flows: a single group-by (importer, hs6) with conditional sums gives this
    year's imports, last year's imports and the exporter's shipments; every world and exporter
    total is then taken from that (much smaller) aggregate. The exporter's own imports are left out
    of the pairs (not out of the world totals). ``exporter``, ``importers`` and ``products`` are
    in the table's own keys (ISO3 / hs6 text, or integer codes). ``importers`` and ``products`` filter
    the output only: world totals, RCA and ease are computed on the whole table. With
    ``materialise`` the (importer, hs6) aggregate is computed once and cached by the
    backend (a temp table on DuckDB, a cached DataFrame on Spark) — the only eager step here;
    otherwise engines that inline CTEs would redo the big pass for every reference.
    """
    f = flows.filter(flows.year.isin([year, year - 1]))
    now = f.year == year
    base = f.group_by("importer", "hs6").aggregate(
        m_now=f.value_usd.sum(where=now),
        m_prev=f.value_usd.sum(where=f.year == year - 1),
        x_now=f.value_usd.sum(where=now & (f.exporter == exporter)),
    )
    if materialise:
        base = base.cache()  # the one 11M-row pass, kept: totals and pairs below all read it
    # world and exporter totals per hs6 (a pair without this year's imports adds nothing to either
    # sum), and the grand totals from those ~5,000 rows rather than from the ~1M pairs
    by_k = base.group_by("hs6").aggregate(x_wk=base.m_now.sum(), x_ik=base.x_now.sum().fill_null(0.0))
    totals = by_k.aggregate(x_w=by_k.x_wk.sum(), x_i=by_k.x_ik.sum())
    sup = by_k.cross_join(totals)
    sup = sup.select(
        "hs6",
        rca=ibis.ifelse((sup.x_wk > 0) & (sup.x_i > 0), (sup.x_ik / sup.x_i) / (sup.x_wk / sup.x_w), 0.0),
        supply_share=ibis.ifelse(sup.x_wk > 0, sup.x_ik / sup.x_wk, 0.0),
    )
    pairs = base.filter(base.m_now.notnull() & (base.importer != exporter))
    t = pairs.inner_join(sup, "hs6").select(
        pairs.importer,
        pairs.hs6,
        import_value_usd=pairs.m_now,
        import_prev_usd=pairs.m_prev,
        exporter_value_usd=pairs.x_now.fill_null(0.0),
        rca=sup.rca,
        supply_share=sup.supply_share,
    )
    t = t.mutate(
        import_growth=ibis.ifelse(
            t.import_prev_usd > 0, t.import_value_usd / t.import_prev_usd - 1.0, ibis.null("float64")
        ),
        hypothetical=t.supply_share * t.import_value_usd,
    )
    ease = t.group_by("importer").aggregate(actual=t.exporter_value_usd.sum(), hyp=t.hypothetical.sum())
    ease = ease.select("importer", ease=ibis.ifelse(ease.hyp > 0, ease.actual / ease.hyp, ibis.null("float64")))
    t = t.inner_join(ease, "importer").select(t, ease.ease)
    share = ibis.ifelse(t.import_value_usd > 0, t.exporter_value_usd / t.import_value_usd, ibis.null("float64"))
    t = t.mutate(exporter_share=share, potential_usd=t.supply_share * t.import_value_usd * t.ease)
    t = t.mutate(untapped_usd=ibis.greatest(t.potential_usd - t.exporter_value_usd, 0.0))
    if importers is not None:
        t = t.filter(t.importer.isin(list(importers)))
    if products is not None:
        t = t.filter(t.hs6.isin(list(products)))
    return t.select(*PAIR_COLUMNS)


def named_pairs(pairs: ir.Table, countries: ir.Table) -> ir.Table:
    """Pairs keyed by integer codes -> ``importer`` as ISO3 (from ``countries``: ``code``, ``iso3``)
    and ``hs6`` as six-digit text; every other column unchanged, same row count."""
    c = countries.select(_code=countries.code, _iso3=countries.iso3)
    t = pairs.left_join(c, pairs.importer == c._code)
    return t.select(
        importer=t._iso3,
        hs6=t.hs6.cast("string").lpad(6, "0"),
        **{col: t[col] for col in pairs.columns if col not in ("importer", "hs6")},
    )


PANEL_COLUMNS = ("year", *PAIR_COLUMNS, "realised_avg_usd")


def panel_indicators(
    flows: ir.Table,
    exporter: str | int,
    years: Sequence[int],
    *,
    materialise: bool = False,
) -> ir.Table:
    """:func:`pair_indicators` for every year of ``years`` at once, plus the pair's average realised exports.

    One group-by (year, importer, hs6) over the flows of ``years`` and the year before the first (for the
    growth of the first year); world and exporter totals, RCA, supply share and ease per year from that
    aggregate; last year's imports by a join of the aggregate on itself shifted by one year.
    ``realised_avg_usd`` is the exporter's mean yearly exports of the pair over ``years`` (a year without
    a flow counts as 0): ITC's "actual exports" are such an average over five years. Each year's rows
    equal ``pair_indicators(flows, exporter, year)`` (tests/opportunity/test_panel.py). Nothing here
    executes unless ``materialise`` caches the aggregate on the backend.
    """
    ys = sorted({int(y) for y in years})
    if not ys:
        raise ValueError("panel_indicators needs at least one year")
    f = flows.filter(flows.year.isin([ys[0] - 1, *ys]))
    base = f.group_by("year", "importer", "hs6").aggregate(
        m=f.value_usd.sum(), x=f.value_usd.sum(where=f.exporter == exporter)
    )
    if materialise:
        base = base.cache()
    prev = base.select(year=(base.year + 1).cast("int32"), importer=base.importer, hs6=base.hs6, m_prev=base.m)
    cur = base.filter(base.year.isin(ys))
    by_k = cur.group_by("year", "hs6").aggregate(x_wk=cur.m.sum(), x_ik=cur.x.sum().fill_null(0.0))
    totals = by_k.group_by("year").aggregate(x_w=by_k.x_wk.sum(), x_i=by_k.x_ik.sum())
    sup = by_k.inner_join(totals, "year")
    sup = sup.select(
        "year",
        "hs6",
        rca=ibis.ifelse((sup.x_wk > 0) & (sup.x_i > 0), (sup.x_ik / sup.x_i) / (sup.x_wk / sup.x_w), 0.0),
        supply_share=ibis.ifelse(sup.x_wk > 0, sup.x_ik / sup.x_wk, 0.0),
    )
    pairs = cur.filter(cur.importer != exporter)
    t = pairs.inner_join(sup, ["year", "hs6"]).left_join(prev, ["year", "importer", "hs6"])
    t = t.select(
        year=pairs.year.cast("int32"),
        importer=pairs.importer,
        hs6=pairs.hs6,
        import_value_usd=pairs.m,
        import_prev_usd=prev.m_prev,
        exporter_value_usd=pairs.x.fill_null(0.0),
        rca=sup.rca,
        supply_share=sup.supply_share,
    )
    t = t.mutate(
        import_growth=ibis.ifelse(
            t.import_prev_usd > 0, t.import_value_usd / t.import_prev_usd - 1.0, ibis.null("float64")
        ),
        hypothetical=t.supply_share * t.import_value_usd,
    )
    ease = t.group_by("year", "importer").aggregate(actual=t.exporter_value_usd.sum(), hyp=t.hypothetical.sum())
    ease = ease.select("year", "importer", ease=ibis.ifelse(ease.hyp > 0, ease.actual / ease.hyp, ibis.null("float64")))
    avg = t.group_by("importer", "hs6").aggregate(realised_avg_usd=t.exporter_value_usd.sum() / float(len(ys)))
    t = t.inner_join(ease, ["year", "importer"]).inner_join(avg, ["importer", "hs6"])
    t = t.select(
        *[t[c] for c in ("year", "importer", "hs6", "import_value_usd", "import_prev_usd", "exporter_value_usd")],
        t.rca,
        t.supply_share,
        t.import_growth,
        t.ease,
        t.realised_avg_usd,
    )
    share = ibis.ifelse(t.import_value_usd > 0, t.exporter_value_usd / t.import_value_usd, ibis.null("float64"))
    t = t.mutate(exporter_share=share, potential_usd=t.supply_share * t.import_value_usd * t.ease)
    t = t.mutate(untapped_usd=ibis.greatest(t.potential_usd - t.exporter_value_usd, 0.0))
    return t.select(*PANEL_COLUMNS)
