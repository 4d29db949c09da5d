"""Market-entry requirements: scope matching, customs unions, thresholds; a blocker makes a pair infeasible."""

import datetime as dt
import re

import polars as pl
import pytest

from qiankua.opportunity.requirements import applicable_requirements, pair_compliance
from qiankua.reference import load_reference
from qiankua.services.opportunity import opportunities, opportunity_tables

DAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def ref():
    return load_reference()


def _app(ref, products, markets, met=frozenset()):
    _fig, reqs = opportunity_tables()
    return applicable_requirements(
        ref.products.filter(pl.col("id").is_in(products)),
        ref.markets.filter(pl.col("iso2").is_in(markets)),
        reqs,
        on=DAY,
        met=met,
    )


def test_reference_tables_validate():
    figures, reqs = opportunity_tables()
    assert figures.height >= 40 and reqs.height >= 30
    assert set(reqs["severity"]) <= {"blocker", "registration", "certification", "labelling"}


def test_kiwifruit_blocked_in_australia_and_us_not_in_eu(
    ref,
):
    app = _app(ref, ["xiuwen-kiwifruit-fresh-5kg"], ["AU", "US", "DE", "GB"])
    comp = {r["market"]: r for r in pair_compliance(app).iter_rows(named=True)}
    assert comp["AU"]["blockers"] == 1 and comp["US"]["blockers"] == 1
    assert comp["DE"]["blockers"] == 1  # EU pesticide MRLs: blocker until shown compliant
    de = app.filter(pl.col("market") == "DE")
    assert "phyto-unverified" not in de["req_id"].to_list()  # EU has a kiwifruit row
    gb = app.filter(pl.col("market") == "GB")
    assert "phyto-unverified" in gb["req_id"].to_list()  # no UK row: access unknown, flagged


def test_spirits_need_ttb_permit_in_us(ref):
    app = _app(ref, ["moutai-feitian-53-500ml"], ["US", "FR"])
    us = app.filter(pl.col("market") == "US")
    assert "TTB" in us.filter(pl.col("severity") == "blocker")["authority"].to_list()
    fr = app.filter(pl.col("market") == "FR")
    assert fr.filter(pl.col("severity") == "blocker").height == 0
    assert any("Spirit" in r for r in fr["requirement"].to_list())  # EU spirit-drink labelling


def test_uk_hallmarking_above_778_g(ref):
    necklace = _app(ref, ["leishan-miao-silver-necklace"], ["GB"])
    assert any("Hallmark" in r for r in necklace["requirement"].to_list())
    light = ref.products.filter(pl.col("id") == "leishan-miao-silver-necklace").with_columns(unit_net_kg=pl.lit(0.005))
    _fig, reqs = opportunity_tables()
    app = applicable_requirements(light, ref.markets.filter(pl.col("iso2") == "GB"), reqs, on=DAY)
    assert not any("Hallmark" in r for r in app["requirement"].to_list())


def test_gpsr_only_from_its_start_date(ref):
    _fig, reqs = opportunity_tables()
    prods = ref.products.filter(pl.col("id") == "leishan-miao-silver-necklace")
    mk = ref.markets.filter(pl.col("iso2") == "DE")
    before = applicable_requirements(prods, mk, reqs, on=dt.date(2024, 12, 12))
    after = applicable_requirements(prods, mk, reqs, on=dt.date(2024, 12, 13))
    assert not any("GPSR" in r for r in before["requirement"].to_list())
    assert any("GPSR" in r for r in after["requirement"].to_list())


def test_blocker_makes_pair_infeasible_not_lower_scored(ref):
    res = opportunities(
        ref=ref, products=["xiuwen-kiwifruit-fresh-5kg"], markets=["AU", "NZ", "SG"], top=3, samples=50, on=DAY
    )
    by = {e["market"]: e for e in res.entries}
    assert by["AU"]["feasible"] is False
    assert any(r["direction"] == "blocker" for r in by["AU"]["reasons"])
    assert any(q["severity"] == "blocker" for q in by["AU"]["requirements"])
    assert by["AU"]["stability"] == 0.0
    # infeasible pairs rank after every feasible one, their score untouched
    assert [e["feasible"] for e in res.entries] == sorted((e["feasible"] for e in res.entries), reverse=True)
    blocked = res.ranking.table.filter(pl.col("market") == "AU")["score"][0]
    # marking the requirement as met restores feasibility and leaves the score unchanged
    req = next(q["req_id"] for q in by["AU"]["requirements"] if q["severity"] == "blocker")
    res2 = opportunities(
        ref=ref,
        products=["xiuwen-kiwifruit-fresh-5kg"],
        markets=["AU", "NZ", "SG"],
        top=3,
        samples=50,
        on=DAY,
        met=[req],
    )
    by2 = {e["market"]: e for e in res2.entries}
    assert by2["AU"]["feasible"] is True
    assert res2.ranking.table.filter(pl.col("market") == "AU")["score"][0] == pytest.approx(blocked)


# ---- Chinese texts (issue 20 item 3: Chinese everywhere on a Chinese page)

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_UNIT_POWER = re.compile(r"(?<=[a-z])\d\b")  # the 2 of cm2: a unit's exponent, written 平方厘米 in Chinese


def test_every_requirement_has_a_chinese_text_that_keeps_its_numbers():
    """A translation, not a new figure: every number of the English text (regulation numbers, limits, dates)
    is in the Chinese text; the row keeps its source and confidence (the same row)."""
    _fig, reqs = opportunity_tables()
    for row in reqs.iter_rows(named=True):
        for column in ("authority_zh", "requirement_zh"):
            assert re.search(r"[\u4e00-\u9fff]", row[column] or ""), (row["req_id"], column)
        english = set(_NUMBER.findall(_UNIT_POWER.sub("", row["requirement"])))
        chinese = set(_NUMBER.findall(row["requirement_zh"]))
        assert english <= chinese, (row["req_id"], english - chinese)


def test_applicable_requirements_carry_the_chinese_text(ref):
    app = _app(ref, ["duyun-maojian-250g", "xiuwen-kiwifruit-fresh-5kg"], ["DE", "GB"])
    mrl = app.filter(pl.col("req_id") == "mer-009").row(0, named=True)
    assert mrl["authority_zh"] == "欧盟委员会" and "0.01 mg/kg" in mrl["requirement_zh"]
    phyto = app.filter(pl.col("req_id") == "phyto-unverified").row(0, named=True)
    assert "植物检疫" in phyto["requirement_zh"] and phyto["confidence"] == "unconfirmed"


def test_a_requirement_table_without_chinese_columns_falls_back_to_english(ref):
    _fig, reqs = opportunity_tables()
    app = applicable_requirements(
        ref.products.filter(pl.col("id") == "duyun-maojian-250g"),
        ref.markets.filter(pl.col("iso2") == "DE"),
        reqs.drop("authority_zh", "requirement_zh"),
        on=DAY,
    )
    assert (app["requirement_zh"] == app["requirement"]).all()
