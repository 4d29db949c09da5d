"""The bonded (1210) report section: the day's summary for an official, on the SAMPLE day of the demo.

Expected figures are worked by hand from the sample orders (qiankua.services.bonded._SAMPLE_ORDERS) and
the rules in bonded_rules.csv (Cai Guan Shui [2018] No.49: single limit CNY 5,000, annual CNY 26,000,
VAT and CT at 70% within the limits; a single item above 5,000 with annual room at full goods rates)."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import polars as pl
import pytest

from qiankua.bonded.quota import REASONS
from qiankua.report import write_html, write_xlsx
from qiankua.report.bonded import SAMPLE_NOTE, bonded_sections, quota_bands, reason_name
from qiankua.services import bonded as svc


@pytest.fixture(scope="module")
def doc():
    # the demo runs offline: any attempt to open a network connection fails the test
    mp = pytest.MonkeyPatch()

    def no_network(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("the bonded demo must not use the network")

    mp.setattr(socket.socket, "connect", no_network)
    try:
        yield svc.demo_day()
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def section(doc):
    (s,) = bonded_sections(None, doc)
    return s


def _table(section, prefix: str) -> pl.DataFrame:
    return next(t.frame for t in section.tables if t.name.startswith(prefix))


def test_the_sample_day_is_decided_as_worked_by_hand(doc):
    orders = {r["order_id"]: r for r in doc["orders"].to_dicts()}
    # 10 x 495 + 50 freight = 5,000.00: exactly at the single limit is within it
    assert orders["SAMPLE-009"]["reason"] == "within_limits" and orders["SAMPLE-009"]["vat"] == 455.0
    # one watch at 5,980 + 20: a single item above 5,000 with annual room, full tax, counted in the total
    assert orders["SAMPLE-007"]["reason"] == "single_item_full_tax" and orders["SAMPLE-007"]["counted_cny"] == 6000
    # two make-up sets, 6,000 in all: over the single limit, general trade
    assert orders["SAMPLE-008"]["reason"] == "over_single_limit" and orders["SAMPLE-008"]["channel"] == "general_trade"
    # a face cream at 680 for 50 ml (13.6 CNY/ml >= 10, high-end): CT 680/0.85*0.15*0.7 = 84.00,
    # VAT (680 + 120) * 0.13 * 0.7 = 72.80
    assert (orders["SAMPLE-002"]["consumption_tax"], orders["SAMPLE-002"]["vat"]) == (84.0, 72.8)
    # buyer 5: six orders of 4,500; the fifth in time order would carry the year to 27,000 > 26,000
    assert [orders[f"SAMPLE-0{k}"]["reason"] for k in range(10, 16)].count("over_annual_limit") == 1
    assert orders["SAMPLE-016"]["reason"] == "payer_not_buyer"
    assert orders["SAMPLE-017"]["reason"] == "amount_mismatch"
    assert orders["SAMPLE-018"]["reason"] == "waybill_missing"
    assert orders["SAMPLE-019"]["reason"] == "goods_mismatch"


def test_the_section_says_sample_everywhere(section):
    assert "【示例数据】" in section.title_zh and "SAMPLE" in section.title_en
    assert section.notes[0] == SAMPLE_NOTE
    assert all(k.startswith("【示例 SAMPLE】") for k, _v in section.figures)


def test_reasons_add_up_and_are_named_not_coded(doc, section):
    reasons = _table(section, "按原因")
    assert reasons["orders"].sum() == doc["summary"]["orders"] == 19
    rejected = reasons.filter(pl.col("status_en") == "rejected")
    assert rejected["orders"].sum() == doc["summary"]["rejected"] == 6
    codes = set(REASONS) | {"payer_not_buyer", "amount_mismatch", "waybill_missing", "goods_mismatch"}
    for col in ("status_zh", "reason_zh", "reason_en"):
        assert not set(reasons[col].to_list()) & codes
    assert "支付人与订购人不一致" in reasons["reason_zh"].to_list()
    # six rejections, one for each reason: no "most frequent" reason is claimed
    assert section.recommendations[0][1].startswith("Rejected orders: 6, for 6 different reasons")
    assert reason_name("payer_not_buyer;amount_mismatch", "zh") == "支付人与订购人不一致；支付金额与订单金额不符"


def test_tax_by_kind_adds_up_and_says_what_is_unknown(doc, section):
    tax = _table(section, "代扣税款")
    by = dict(zip(tax["kind_en"].to_list(), tax["amount_cny"].to_list(), strict=True))
    assert by["duty"] == 0.0 and by["consumption tax"] == 84.0
    assert by["VAT"] + by["consumption tax"] + by["duty"] == pytest.approx(by["total"])
    assert by["total"] == pytest.approx(doc["summary"]["tax_cny"])
    # the watch's tax at goods rates needs its duty rate, which the demo does not give: unknown, never 0
    assert tax["unknown"].to_list() == [1, 1, 1, 1]
    assert any("税额未知" in n for n in section.notes)


def test_quota_bands_count_every_buyer_once(doc, section):
    bands = _table(section, "额度使用")
    assert bands["buyers"].sum() == doc["summary"]["buyers"] == 10
    # buyer 5 used 4 x 4,500 + 4,500 = 22,500 of 26,000 (86.5%): the only one at 75% or more
    assert bands.filter(pl.col("band_en") == "75% or more (not full)")["buyers"].to_list() == [1]
    usage = pl.DataFrame({"used_after": [0.0, 6500.0, 26000.0], "left": [26000.0, 19500.0, 0.0]})
    assert {b["band"]: b["buyers"] for b in quota_bands(usage, 26000.0)} == {
        "none": 1,
        "under_25": 0,
        "25_50": 1,
        "50_75": 0,
        "75_100": 0,
        "full": 1,
    }


def test_positive_list_coverage_is_shown(doc, section):
    cover = _table(section, "正面清单 positive")
    lines = doc["positive_list"]["lines_2022"]
    assert cover["value"][0] == f"{lines:,} / 1,476"
    assert any("positive_list" in en for _zh, en in section.recommendations)  # partial list: import the official one


def test_positive_list_coverage_is_shown_per_edition_by_name(doc, section):
    """One row per edition (newest first) with its dates, the lines loaded of its size, where they come from
    and the remark kinds by name (zh and en), and how many of the day's orders were checked against it."""
    by = _table(section, "正面清单分版本")
    assert by["edition"].to_list() == ["2022", "2019", "2018", "2016"]
    row = by.row(3, named=True)
    built = sum(1 for e in doc["positive_list"]["by_edition"] if e["edition"] == "2016" and e["lines"])
    assert built == 1 and row["valid"] == "2016-04-08 – 2019-01-01" and row["origin_en"] == "built in (partial)"
    assert row["kinds_zh"].startswith("排除") and row["kinds_en"].startswith("exclusion")
    assert row["orders"] == sum(u["orders"] for u in doc["positive_list"]["used"] if u["edition"] == "2016")
    assert by.row(0, named=True)["origin_zh"] == "未载入" and by.row(0, named=True)["lines"] == "0 / 1,476"


def test_rendered_report_has_no_identity_number_or_digest(doc, section, tmp_path: Path):
    html = write_html([section], tmp_path / "r.html", title="t", footer="f").read_text(encoding="utf-8")
    write_xlsx([section], tmp_path / "r.xlsx", title="t")
    numbers = {svc._sample_id(k) for k in range(10)} | {svc._sample_id(900)}
    assert not [n for n in numbers if n in html]
    assert not re.search(r"[0-9a-f]{32}", html)  # buyers are counted, never listed (not even hashed)
    for code in ("over_annual_limit", "payer_not_buyer", "within_limits", "list_unverified"):
        assert code not in html


def test_the_json_document_gives_the_same_section(doc, section):
    (again,) = bonded_sections(None, svc.document(doc))
    assert [t.frame.to_dicts() for t in again.tables] == [t.frame.to_dicts() for t in section.tables]


def test_the_demo_has_one_bonded_row():
    from qiankua.i18n import t
    from qiankua.services.demo import DEMO_ENGINES, bonded_report, check_sample_bonded

    rows = [e for e in DEMO_ENGINES if e.key == "bonded"]
    assert len(rows) == 1 and rows[0].run is check_sample_bonded and rows[0].sections is bonded_report
    assert t("bonded.demo.step", "zh") != "bonded.demo.step"
    (s,) = bonded_report(None, check_sample_bonded(None, None))
    assert s.key == "bonded" and "SAMPLE" in s.title_en


def test_an_empty_day_gives_an_empty_section():
    empty = {"summary": {"orders": 0, "accepted": 0, "rejected": 0, "buyers": 0}, "orders": [], "usage": []}
    (s,) = bonded_sections(None, empty)
    assert _table(s, "按原因").height == 0 and not s.charts
