"""The opportunity section's recommendation sentences and heatmap, from hand-made ranking entries."""

import polars as pl

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
