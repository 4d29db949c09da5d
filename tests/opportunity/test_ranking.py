"""Ranking a whole pair table on its Ibis backend gives the numbers of the in-memory kernel."""

import ibis
import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from qiankua.exceptions import InvalidInputError
from qiankua.opportunity.mcda import entropy_weights, entropy_weights_from_sums
from qiankua.opportunity.ranking import rank_table
from qiankua.opportunity.scoring import rank_pairs


def _pairs(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    demand = rng.lognormal(10, 3, n)
    growth = rng.normal(0.05, 0.2, n)
    growth[rng.random(n) < 0.2] = np.nan  # gaps: filled with the column median by both
    return pl.DataFrame(
        {
            "product": [f"p{i % 17:02d}" for i in range(n)],
            "market": [f"m{i:04d}" for i in range(n)],
            "blockers": (rng.random(n) < 0.1).astype(np.int64),
            "demand": demand,
            "growth": pl.Series(growth).fill_nan(None),
            "tariff": rng.choice([0.0, 0.05, 0.1, 0.25], n),  # a cost criterion
            "culture": np.ones(n),  # constant: weight 0, adds nothing
            "rca": rng.exponential(1.0, n),
        }
    )


@pytest.fixture()
def con():
    c = ibis.duckdb.connect()
    yield c
    c.disconnect()


def _check(con, frame, **kw):
    mem = rank_pairs(frame, **kw)
    db = rank_table(con.create_table("pairs", frame.to_arrow(), overwrite=True), **kw)
    assert db.criteria == mem.criteria and db.unavailable == mem.unavailable
    assert list(db.weights.values()) == pytest.approx(list(mem.weights.values()), rel=1e-9, abs=1e-12)
    assert db.weight_source == mem.weight_source
    k = kw["top_k"]
    head = mem.table.head(k)
    assert db.top["product"].to_list() == head["product"].to_list()
    assert db.top["market"].to_list() == head["market"].to_list()
    assert db.top["score"].to_list() == pytest.approx(head["score"].to_list(), rel=1e-9)
    assert db.top["stability"].to_list() == pytest.approx(head["stability"].to_list(), abs=1e-12)
    every = pl.from_arrow(db.scored.select("product", "market", "score").to_pyarrow())
    joined = mem.table.select("product", "market", "score").join(every, on=["product", "market"], suffix="_db")
    assert joined.height == frame.height
    assert np.allclose(joined["score"], joined["score_db"], rtol=1e-9, atol=1e-12)
    return db, mem


def test_same_numbers_as_rank_pairs(con):
    db, _ = _check(con, _pairs(600, 1), top_k=10, samples=60, seed=3)
    assert db.stability_scope == "all pairs" and db.pairs == 600
    assert db.weights["culture"] == 0.0 and "margin" in db.unavailable


def test_candidates_only_when_the_table_is_large(con):
    frame = _pairs(3000, 2)
    mem = rank_pairs(frame, top_k=5, samples=40, max_candidates=400)
    db = rank_table(con.create_table("pairs", frame.to_arrow()), top_k=5, samples=40, max_candidates=400)
    assert db.stability_scope == mem.stability_scope == "best 400 feasible pairs by score"
    assert db.top["market"].to_list() == mem.table.head(5)["market"].to_list()
    assert db.top["stability"].to_list() == pytest.approx(mem.table.head(5)["stability"].to_list(), abs=1e-12)


def test_user_weights_and_infeasible_fill(con):
    frame = _pairs(40, 4).with_columns(blockers=pl.Series([0] * 3 + [1] * 37))
    db, _mem = _check(con, frame, top_k=6, samples=30, user_weights={"rca": 0.5, "tariff": 0.0})
    assert db.weight_source["rca"] == "user" and db.weights["tariff"] == 0.0
    assert db.top["feasible"].to_list() == [True] * 3 + [False] * 3  # infeasible pairs only fill the places left


def test_bad_tables_are_refused(con):
    with pytest.raises(InvalidInputError, match="blockers"):
        rank_table(con.create_table("p", pl.DataFrame({"product": ["a"], "market": ["b"]}).to_arrow()))
    empty = pl.DataFrame(
        {"product": ["a"], "market": ["b"], "blockers": [0], "demand": [None]}, schema_overrides={"demand": pl.Float64}
    )
    with pytest.raises(InvalidInputError, match="No criterion"):
        rank_table(con.create_table("q", empty.to_arrow()))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.floats(0, 1, allow_nan=False, allow_subnormal=False), min_size=3, max_size=3),
        min_size=1,
        max_size=30,
    )
)
def test_entropy_from_sums_matches_the_matrix_form(rows):
    m = np.array(rows)
    with np.errstate(divide="ignore", invalid="ignore"):
        xlogx = np.where(m > 0, m * np.log(np.where(m > 0, m, 1.0)), 0.0).sum(axis=0)
        p = m / np.where(m.sum(axis=0) > 0, m.sum(axis=0), 1.0)
        info = 1 + np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0).sum(axis=0) / np.log(max(len(m), 2))
    # where no column carries information (1 - e ~ 1e-16) the weights are rounding noise either way
    assume(m.shape[0] == 1 or np.all((info > 1e-6) | (m.sum(axis=0) == 0)))
    got = entropy_weights_from_sums(m.shape[0], m.sum(axis=0), xlogx)
    assert got == pytest.approx(entropy_weights(m), abs=1e-9)


def test_weight_for_a_missing_criterion_is_refused_on_the_backend_too(con):
    """rank_table applies the weights through the same check as rank_pairs."""
    frame = _pairs(30, 3)
    with pytest.raises(InvalidInputError, match=r"'margin'.*Usable criteria: demand, growth"):
        rank_table(con.create_table("w", frame.to_arrow()), user_weights={"margin": 1.0}, top_k=3, samples=10)


@pytest.mark.parametrize("weighting", ["critic", "equal", "entropy"])
def test_every_weighting_same_on_the_backend(con, weighting):
    """CRITIC from the backend's cross sums equals CRITIC of the in-memory matrix; product-level criteria
    (constant across each product's markets) are found by a group-by on the backend as in memory."""
    frame = _pairs(500, 7).with_columns(rca=pl.col("product").str.slice(1).cast(pl.Float64))  # per product
    db, mem = _check(con, frame, top_k=8, samples=40, weighting=weighting, weight_cap=0.4)
    assert db.product_level == mem.product_level == ["rca", "culture"]
    assert max(db.weights.values()) <= 0.4 + 1e-12
