"""rank_pairs: entropy vs user weights, infeasible ordering, explanations, candidate scope."""

import numpy as np
import polars as pl
import pytest

from qiankua.exceptions import InvalidInputError
from qiankua.opportunity import mcda
from qiankua.opportunity.scoring import explain, parse_weights, product_view, rank_pairs


def _pairs():
    return pl.DataFrame(
        {
            "product": ["a", "a", "b", "b"],
            "market": ["US", "DE", "US", "DE"],
            "blockers": [0, 0, 1, 0],
            "demand": [1e9, 1e6, 5e8, None],
            "demand_conf": ["likely", "unconfirmed", "likely", None],
            "demand_proxy": [False, True, False, False],
            "culture": [1.0, 1.0, 0.0, 0.0],
            "culture_conf": ["likely"] * 4,
            "compliance": [5.0, 1.0, 3.0, 2.0],
            "compliance_conf": ["likely"] * 4,
        }
    )


def test_scores_equal_topsis_of_the_normalised_matrix():
    """demand by percent rank (gap filled with the median first), compliance min-max (a cost); culture is
    the same for both markets of each product: product-level, weight 0; two criteria left, so the 0.30
    cap is raised to 1/2 and the blend of entropy and equal weights ends equal."""
    r = rank_pairs(_pairs(), top_k=2, samples=50)
    demand = mcda.rank_normalise([1e9, 1e6, 5e8, np.median([1e9, 1e6, 5e8])])
    np.testing.assert_allclose(demand, [1.0, 0.0, 1 / 3, 1 / 3])
    x = np.column_stack([demand, [1, 1, 0, 0], [5, 1, 3, 2]])
    types = [1, 1, -1]
    w = np.array([0.5, 0.0, 0.5])
    expect = mcda.topsis(x, w, types)
    got = r.table.sort("_row")["score"].to_numpy()
    np.testing.assert_allclose(got, expect, rtol=1e-12)
    assert r.product_level == ["culture"]
    assert r.weights == pytest.approx({"demand": 0.5, "culture": 0.0, "compliance": 0.5})
    assert r.weight_source == {"demand": "blend", "culture": "product-level", "compliance": "blend"}
    # the blocked pair comes last whatever its score
    assert r.table["feasible"].to_list() == [True, True, True, False]
    assert r.table.filter(~pl.col("feasible"))["stability"][0] == 0.0


def test_user_weight_overrides_one_criterion():
    r = rank_pairs(_pairs(), user_weights={"compliance": 0.0}, top_k=1, samples=20)
    assert r.weights["compliance"] == 0.0 and r.weight_source["compliance"] == "user"
    assert r.weight_source["demand"] == "blend" and r.weights["demand"] == pytest.approx(1.0)
    # a user weight on a product-level criterion goes to the product view, not to the market choice
    r2 = rank_pairs(_pairs(), user_weights={"culture": 1.0}, top_k=1, samples=20)
    assert r2.weights["culture"] == 0.0
    view, weights = product_view(_pairs(), r2, user_weights={"culture": 1.0})
    assert weights == {"culture": 1.0}
    assert view["product"].to_list() == ["a", "b"] and view["product_rank"].to_list() == [1, 2]


def test_explanations_name_numbers_and_confidence():
    r = rank_pairs(_pairs(), top_k=2, samples=20)
    top = r.table.row(0, named=True)
    reasons = explain(r, 0)
    assert reasons, top
    for reason in reasons:
        assert reason.text_zh and reason.text_en
    texts = " ".join(x.text_en for x in reasons)
    assert "likely" in texts or "unconfirmed" in texts
    assert r.table.row(r.table["_row"].to_list().index(1), named=True)["demand_proxy"] is True
    missing_row = r.table["_row"].to_list().index(3)
    assert any(x.direction == "missing" for x in explain(r, missing_row))


def test_large_tables_restrict_stability_candidates():
    rng = np.random.default_rng(0)
    n = 300
    pairs = pl.DataFrame(
        {
            "product": [f"p{i}" for i in range(n)],
            "market": ["US"] * n,
            "blockers": [0] * n,
            "demand": rng.lognormal(10, 2, n),
            "culture": rng.random(n),
        }
    )
    r = rank_pairs(pairs, top_k=5, samples=30, max_candidates=50)
    assert r.stability_scope.startswith("best 50")
    assert r.table.tail(n - 50)["stability"].max() == 0.0
    assert r.table["stability"].sum() == pytest.approx(5.0)


@pytest.mark.parametrize("text", ["demand", "demand=x", "foo=1", "demand=-1", "demand=nan"])
def test_parse_weights_rejects(text):
    with pytest.raises(InvalidInputError):
        parse_weights(text)


def test_parse_weights_ok_and_empty_table():
    assert parse_weights("demand=0.5, culture=0.25") == {"demand": 0.5, "culture": 0.25}
    with pytest.raises(InvalidInputError):
        rank_pairs(_pairs().head(0))
    with pytest.raises(InvalidInputError):
        rank_pairs(_pairs(), user_weights={"demand": 0, "culture": 0, "compliance": 0})


def test_table_order_feasible_first_then_score_then_keys():
    # tied criteria rows tie on score: they are ordered by product and market, in both groups
    frame = pl.DataFrame(
        {
            "product": ["b", "a", "c", "a", "b", "z", "y"],
            "market": ["DE", "FR", "DE", "DE", "US", "DE", "DE"],
            "blockers": [0, 0, 0, 0, 1, 1, 0],
            "demand": [5.0, 5.0, 9.0, 5.0, 9.0, 5.0, 1.0],
            "rca": [1.0, 1.0, 2.0, 1.0, 2.0, 1.0, 0.5],
        }
    )
    table = rank_pairs(frame, top_k=2, samples=20).table
    assert table.select("product", "market").rows() == [
        ("c", "DE"),
        ("a", "DE"),
        ("a", "FR"),
        ("b", "DE"),
        ("y", "DE"),
        ("b", "US"),
        ("z", "DE"),
    ]
    assert table["rank"].to_list() == list(range(1, 8))
    # without ties the one-key order is the same as the three-key sort
    rng = np.random.default_rng(5)
    big = pl.DataFrame(
        {
            "product": rng.integers(0, 50, 5000).astype(str),
            "market": rng.integers(0, 60, 5000).astype(str),
            "blockers": (rng.random(5000) < 0.2).astype(np.int64),
            "demand": rng.lognormal(3, 1, 5000),
            "rca": rng.random(5000),
        }
    )
    ranked = rank_pairs(big, top_k=5, samples=10).table
    expected = ranked.sort(["feasible", "score", "product", "market"], descending=[True, True, False, False])
    assert ranked.select("product", "market").equals(expected.select("product", "market"))


def test_weight_for_a_criterion_without_values_is_an_error_not_dropped():
    """`_pairs` has no tariff column: weighting tariff says why and lists the usable criteria (issue 20)."""
    with pytest.raises(InvalidInputError) as err:
        rank_pairs(
            _pairs(),
            user_weights={"culture": 0.3, "tariff": 0.2},
            why_unavailable={"tariff": "costing failed: no rule"},
            top_k=1,
            samples=10,
        )
    message = str(err.value)
    assert "'tariff'" in message and "costing failed: no rule" in message
    assert "Usable criteria: demand, culture, compliance." in message


def test_weight_for_an_all_null_criterion_is_an_error():
    """A column with no value for any pair is as unusable as a missing one."""
    pairs = _pairs().with_columns(growth=pl.lit(None, dtype=pl.Float64))
    with pytest.raises(InvalidInputError, match="growth: no value for any of these pairs"):
        rank_pairs(pairs, user_weights={"growth": 1.0}, top_k=1, samples=10)


def test_parse_weights_takes_a_mapping():
    assert parse_weights({"culture": 0.5, "demand": None}) == {"culture": 0.5}
    with pytest.raises(InvalidInputError, match="Unknown criterion 'colour'"):
        parse_weights({"colour": 1.0})
