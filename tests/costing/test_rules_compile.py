"""The rule compile resolves each (market, HS line, epoch) cell once per distinct case (the EU's members and HS
lines under the same rows share one) and once per run of epochs in which the rows in force stay the same. These
tests check it against the rule stated plainly, cell by cell, and that extra HS lines change no other cell."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from qiankua.costing import compile_rules
from qiankua.reference import ReferenceData
from qiankua.services.costing import costing_tables, known_hs

EXTRA = ["711319", "220820", "090230", "999999"]  # a 7113 line, a 2208 line, a built-in line, a line no row covers
MARKETS = ("DE", "FR", "US", "GB", "JP", "SA", "AU")


@pytest.fixture(scope="module")
def compiled(cref: ReferenceData) -> tuple[Any, Any, Any]:
    tables = costing_tables(cref)
    hs = sorted(set(known_hs(tables, cref)) | set(EXTRA))
    return tables, compile_rules(tables, hs), compile_rules(tables, known_hs(tables, cref))


def _live(row: dict[str, Any], day: dt.date) -> bool:
    return (row["valid_from"] is None or row["valid_from"] <= day) and (
        row["valid_to"] is None or day < row["valid_to"]
    )


def _days(rules: Any) -> list[dt.date]:
    """A day inside each epoch (the day before the first breakpoint, then each breakpoint)."""
    day0 = dt.date(1970, 1, 1)
    points = [int(b) for b in rules.breakpoints]
    return [day0 + dt.timedelta(days=d) for d in [points[0] - 1, *points]]


def test_mfn_tariff_and_excise_cells_follow_the_plain_rule(cref: ReferenceData, compiled: tuple[Any, Any, Any]):
    tables, rules, _ = compiled
    union = dict(cref.markets.select("iso2", "customs_union").iter_rows())
    tariffs = tables["tariffs"].to_dicts()
    excise = tables["excise"].to_dicts()
    A = rules.arrays
    checked = 0
    for m in MARKETS:
        mi = rules.markets.index(m)
        area = union[m] or m
        for hi, hs in enumerate(rules.hs_codes):
            for e, day in enumerate(_days(rules)):
                live = [r for r in tariffs if r["area"] == area and hs.startswith(r["hs_prefix"]) and _live(r, day)]
                live.sort(key=lambda r: -len(r["hs_prefix"]))
                mfn = [r for r in live if r["agreement"] == "MFN"]
                rule = A["t_mfn_rule"][mi, hi, e]
                if not mfn:
                    assert rule == -1 and np.isnan(A["t_mfn"][mi, hi, e]), (m, hs, day)
                else:
                    want = np.nan if mfn[0]["rate"] is None else mfn[0]["rate"]
                    np.testing.assert_equal(A["t_mfn"][mi, hi, e], want)
                    assert (
                        rules.registry[rule]["key"] == f"{area}:{mfn[0]['hs_prefix']}:MFN:{mfn[0]['valid_from'] or ''}"
                    )
                exc = [r for r in excise if r["area"] in (m, area) and hs.startswith(r["hs_prefix"]) and _live(r, day)]
                exc.sort(key=lambda r: (r["area"] != m, -len(r["hs_prefix"])))
                if exc:
                    want = np.nan if exc[0]["per_lpa"] is None else exc[0]["per_lpa"]
                    np.testing.assert_equal(A["x_lpa"][mi, hi, e], want)
                else:
                    assert A["x_rule"][mi, hi, e] == -1
                checked += 1
    assert checked > 1000


def test_extra_hs_lines_leave_every_other_cell_as_it_was(compiled: tuple[Any, Any, Any]):
    _, more, base = compiled
    pick = [more.hs_codes.index(h) for h in base.hs_codes]
    key = {i: r["key"] for i, r in enumerate(more.registry)} | {-1: ""}
    base_key = {i: r["key"] for i, r in enumerate(base.registry)} | {-1: ""}
    layers = {i: tuple(key[j] for j in ids) for i, ids in enumerate(more.layer_sets)}
    base_layers = {i: tuple(base_key[j] for j in ids) for i, ids in enumerate(base.layer_sets)}
    for name, arr in base.arrays.items():
        got = more.arrays[name]
        if name[:2] in ("t_", "l_", "x_"):
            got = got[:, pick]
        elif name[:2] == "b_":
            got = got[pick]
        if name.endswith("_rule"):  # the same rows, whatever their index in the registry
            np.testing.assert_array_equal(np.vectorize(key.get)(got), np.vectorize(base_key.get)(arr), err_msg=name)
        elif name == "l_set":
            np.testing.assert_array_equal(
                np.vectorize(layers.get, otypes=[object])(got), np.vectorize(base_layers.get, otypes=[object])(arr)
            )
        else:
            np.testing.assert_array_equal(got, arr, err_msg=name)


def test_a_line_no_row_covers_has_no_tariff_and_no_rebate(compiled: tuple[Any, Any, Any]):
    _, rules, _ = compiled
    hi = rules.hs_codes.index("999999")
    assert (rules.arrays["t_mfn_rule"][:, hi] == -1).all() and np.isnan(rules.arrays["t_mfn"][:, hi]).all()
    assert rules.arrays["b_rule"][hi] == -1
    j = rules.hs_codes.index("711319")
    assert rules.registry[rules.arrays["b_rule"][j]]["key"] == "7113"  # the rebate row covers heading 7113
