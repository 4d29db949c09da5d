"""Golden tests of the 1210 composite tax, worked by hand from the rules (each states its source)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from qiankua.bonded import check_char, is_valid
from qiankua.services import bonded as svc

ON = dt.date(2026, 12, 1)
LIM = svc.load_rules(None).limits_on(ON)


def tax(value: float, **kw: object) -> dict:
    return svc.tax({"value": value, "date": ON.isoformat(), **kw})


def test_general_good_vat_13() -> None:
    # Cai Guan Shui [2016] No.18 / [2018] No.49: duty 0, VAT at 70%; MOF/SAT/GACC 2019 No.39: VAT 13%.
    # 1,000 x 13% x 70% = 91.00
    d = tax(1000, vat_rate=0.13)
    assert (d["duty"], d["vat"], d["consumption_tax"], d["total_tax"]) == (0.0, 91.0, 0.0, 91.0)
    assert d["channel"] == "cbec" and d["reason"] == "within_limits"


def test_food_at_9_percent_by_hs() -> None:
    # tea (HS 0902) at 9% (2019 No.39; research tax_customs.md): 1,000 x 9% x 70% = 63.00
    d = tax(1000, hs="09021090")
    assert d["vat_rate"] == 0.09 and d["total_tax"] == 63.0


def test_high_end_cosmetic_with_consumption_tax() -> None:
    # Cai Shui [2016] No.103: high-end cosmetics CT 15%; composite (0.15 + 0.13) / 0.85 x 0.7 = 23.0588%
    # CT = 1000 / 0.85 x 0.15 x 0.7 = 123.53; VAT = (1000 + 176.47) x 0.13 x 0.7 = 107.06; total 230.59
    d = tax(1000, hs="33049900")
    assert (d["consumption_tax"], d["vat"], d["total_tax"]) == (123.53, 107.06, 230.59)
    assert d["composite_rate"] == pytest.approx(0.28 / 0.85 * 0.7)


def test_order_exactly_at_5000_is_within() -> None:
    # [2018] No.49: the single limit is 5,000 ("exceeds" = above it): 5,000 x 9.1% = 455.00
    d = tax(5000, vat_rate=0.13)
    assert d["channel"] == "cbec" and d["reason"] == "within_limits" and d["total_tax"] == 455.0


def test_one_item_above_5000_with_annual_room_full_tax() -> None:
    # [2018] No.49 art.2: one item above 5,000, annual total <= 26,000 -> full duty, VAT (and CT) at goods rates.
    # 6,000 with duty 10%: 600 + (6,000 + 600) x 13% = 600 + 858 = 1,458 (research tax_customs.md §6)
    d = tax(6000, vat_rate=0.13, duty_rate=0.10, items=1, annual_used=10000)
    assert (d["duty"], d["vat"], d["total_tax"]) == (600.0, 858.0, 1458.0)
    assert d["channel"] == "cbec" and d["reason"] == "single_item_full_tax" and d["annual_used_after"] == 16000


def test_one_item_above_5000_duty_unknown_stays_empty() -> None:
    d = tax(6000, vat_rate=0.13)
    # the VAT base includes the duty: unknown duty leaves every part unknown, never 0
    assert d["duty"] is None and d["vat"] is None and d["total_tax"] is None


def test_two_items_above_5000_general_trade() -> None:
    # [2018] No.49: above the single limit with more than one item -> general trade
    d = tax(5200, vat_rate=0.13, items=2)
    assert d["channel"] == "general_trade" and d["reason"] == "over_single_limit"


def test_order_crossing_26000_general_trade() -> None:
    # [2018] No.49: the annual limit is 26,000; 25,000 used + 1,500 crosses it
    d = tax(1500, vat_rate=0.13, annual_used=25000)
    assert d["channel"] == "general_trade" and d["reason"] == "over_annual_limit"
    assert tax(1000, vat_rate=0.13, annual_used=25000)["channel"] == "cbec"  # exactly 26,000 is within


def test_rules_before_2019_limits_2000() -> None:
    # Cai Guan Shui [2016] No.18: 2,000 / 20,000 until 2019-01-01
    d = svc.tax({"value": 2500, "vat_rate": 0.13, "items": 2, "date": "2018-06-01"})
    assert d["rule_id"] == "cbec-2016" and d["channel"] == "general_trade"


def test_identity_check_digit() -> None:
    # GB 11643-1999 example number 11010519491231002X
    assert check_char("11010519491231002") == "X"
    assert is_valid("11010519491231002X") and not is_valid("110105194912310021")


def test_cli_tax_json_equals_service() -> None:
    from qiankua.cli import app

    res = CliRunner().invoke(
        app, ["bonded", "tax", "--value", "1000", "--vat-rate", "0.13", "--date", "2026-12-01", "--json"]
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["total_tax"] == 91.0 and doc["channel"] == "cbec"


def test_identity_hash_is_keyed_blake2b_of_the_normalised_number() -> None:
    import hashlib

    import polars as pl

    from qiankua.bonded import hash_ids

    salt = bytes(range(32))
    got = hash_ids(pl.Series([" 11010519491231002x", "11010519491231002X", None]), salt).to_list()
    want = hashlib.blake2b(b"11010519491231002X", key=salt, digest_size=16).hexdigest()
    assert got == [want, want, None]
    assert hash_ids(pl.Series(["11010519491231002X"]), bytes(32))[0] != want  # another store, another digest


def test_no_rule_in_force_is_a_result_not_an_error() -> None:
    # the 1210 retail-import rules start 2016-04-08 (Cai Guan Shui [2016] No.18): before, nothing to compute
    d = svc.tax({"value": 100, "vat_rate": 0.13, "date": "2015-06-01"})
    assert d["reason"] == "no_rule_in_force" and d["channel"] is None and d["total_tax"] is None
    # a code without a VAT row in force that day (the VAT table starts 2019-04-01): unknown, never 0
    d = svc.tax({"value": 100, "hs": "04021000", "date": "2018-06-01"})
    assert d["reason"] == "no_vat_rate" and d["vat"] is None
