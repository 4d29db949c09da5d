"""The opportunity section: recommendation sentences and heatmap from hand-made ranking entries, and the
heatmap's cell texts on the built-in data."""

import polars as pl
import pytest

from qiankua.reference import load_reference
from qiankua.report.opportunity import heatmap_svg, recommendations


def _entry(product, market, *, feasible=True, reqs=()):
    return {
        "product": product,
        "market": market,
        "score": 0.81,
        "stability": 0.9,
        "potential_usd": 1_200_000.0,
        "confidence": "likely",
        "feasible": feasible,
        "reasons": [
            {"direction": "against", "text_zh": "反", "text_en": "against"},
            {"direction": "for", "text_zh": "需求大", "text_en": "large demand"},
        ],
        "requirements": [{"requirement": r, "authority": "FDA"} for r in reqs],
    }


def test_one_line_per_feasible_pair_in_both_languages():
    """Infeasible pairs are skipped; each line names the pair, its best reason and its first requirement."""
    ref = load_reference()
    entries = [
        _entry("duyun-maojian-250g", "US", feasible=False),
        _entry("duyun-maojian-250g", "DE", reqs=("food facility registration", "label")),
        _entry("leishan-miao-silver-necklace", "JP"),
    ]
    lines = recommendations(entries, ref, k=20, n=5)
    assert len(lines) == 2
    (zh, en), (_zh2, en2) = lines
    assert "DE" in en and "large demand" in en and "food facility registration" in en and "需求大" in zh
    assert "JP" in en2 and "FDA" not in en2


def test_heatmap_marks_infeasible_cells_grey_and_escapes_names():
    table = pl.DataFrame(
        {"product": ["<p>", "<p>"], "market": ["US", "DE"], "score": [0.9, 0.4], "feasible": [True, False]}
    )
    svg = heatmap_svg(table, ["<p>"], ["US", "DE"])
    assert "<p>" not in svg and "&lt;p&gt;" in svg
    assert svg.count("<rect") == 2 and 'fill="#ddd"' in svg and "infeasible" in svg


# ---- the heatmap on the built-in data


@pytest.mark.slow
def test_heatmap_of_the_demo_ranking_is_the_reference_text():
    """On the built-in data, every cell of the report's heatmap is the per-cell reference text of its pair."""
    from qiankua.report.opportunity import _shade, opportunity_sections
    from qiankua.services import opportunity as svc

    ref = load_reference()
    result = svc.opportunities(ref=ref, top=20, samples=10)
    heat = next(t for t in opportunity_sections(ref, result)[0].tables if t.name == "opportunity_heatmap").frame
    table = result.ranking.table
    expected = {(p, m): _shade(s, f) for p, m, s, f in table.select("product", "market", "score", "feasible").rows()}
    markets = heat.columns[1:]
    assert len(markets) == 12 and heat["product"].to_list() == ref.products["id"].to_list()
    shown = {(row["product"], m): row[m] for row in heat.to_dicts() for m in markets}
    assert shown == {k: expected.get(k) for k in shown}
    assert sum(v is not None for v in shown.values()) > 300  # the pairs ranked (the rest: no score, blank)
