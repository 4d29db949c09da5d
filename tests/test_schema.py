import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qiankua.exceptions import InvalidInputError
from qiankua.schema import (
    FREIGHT_QUOTES,
    SHIPMENTS,
    USER_PRODUCTS,
    MarketNames,
    _parse_date,
    _parse_datetime,
    table_spec,
)


@pytest.mark.parametrize(
    "header",
    [
        "shipment_id",
        "货物编号",
        "货物编号 / shipment_id",
        "货物编号/shipment_id",
        " Shipment ID ",
        "货物编号（shipment_id）",
    ],
)
def test_headers_accept_english_chinese_or_both(header):
    mapping, unknown, _ = SHIPMENTS.map_headers([header])
    assert mapping == {0: "shipment_id"} and unknown == []


def test_missing_required_columns_are_named():
    _, unknown, missing = SHIPMENTS.map_headers(["货物编号", "颜色"])
    assert unknown == ["颜色"]
    assert "exporter" in missing and "carton_kg" in missing


def test_cells_parse_chinese_booleans_dates_and_thousands():
    row = {
        "shipment_id": "s1",
        "exporter": "黔东南银饰合作社",
        "origin_adcode": "522634",
        "cartons": "1,200",
        "carton_l_cm": "４０",
        "carton_w_cm": 30,
        "carton_h_cm": 20.0,
        "carton_kg": "5.5",
        "destination": "DE",
        "stackable": "否",
        "ready_from": "2026/12/01 08:00",
    }
    good, issues = SHIPMENTS.validate_rows([(2, row)], file="x.csv")
    assert issues == []
    assert good[0]["cartons"] == 1200 and good[0]["carton_l_cm"] == 40.0
    assert good[0]["stackable"] is False
    assert good[0]["ready_from"] == dt.datetime(2026, 12, 1, 8, 0)


def test_hs_code_gets_back_the_zero_excel_dropped():
    row = {
        "id": "t",
        "name_en": "t",
        "name_zh": "茶",
        "category": "tea",
        "hs6": 90210.0,
        "origin_adcode": "522701",
        "unit": "tin",
        "unit_value_cny": "88",
        "unit_gross_kg": "0.3",
    }
    good, issues = USER_PRODUCTS.validate_rows([(2, row)], file="x.xlsx")
    assert issues == [] and good[0]["hs6"] == "090210"


def test_every_bad_cell_is_reported_with_row_and_column():
    rows = [
        (
            2,
            {
                "quote_id": "q1",
                "provider": "A",
                "mode": "boat",
                "origin": "CNKWE",
                "destination": "DE",
                "currency": "eur",
                "valid_from": "2026-13-01",
            },
        ),
        (
            3,
            {
                "quote_id": "q1",
                "provider": "A",
                "mode": "air",
                "origin": "CNKWE",
                "destination": "DE",
                "currency": "EUR",
                "valid_from": "2026-01-01",
                "per_kg": "-3",
            },
        ),
    ]
    _, issues = FREIGHT_QUOTES.validate_rows(rows, file="q.csv")
    found = {(i.row, i.column) for i in issues}
    assert found == {(2, "mode"), (2, "currency"), (2, "valid_from"), (3, "per_kg")}
    assert all(i.file == "q.csv" and i.reason for i in issues)


def test_duplicate_keys_within_a_file():
    row = {
        "order_id": "o1",
        "order_date": "2026-01-02",
        "product_id": "p",
        "market": "US",
        "channel": "amazon",
        "quantity": 1,
        "unit_price": 9.99,
        "currency": "USD",
    }
    _, issues = table_spec("sales").validate_rows([(2, row), (3, dict(row))], file="s.csv")
    assert [(i.row, i.reason) for i in issues] == [(3, "duplicate key; first seen in row 2")]


def test_unknown_table_lists_choices():
    with pytest.raises(InvalidInputError, match="freight_quotes"):
        table_spec("orders")


# ---- dates and markets as Chinese Excel, WPS and users write them (issue 20)

DEC_8 = dt.date(2026, 12, 8)
_FULL = str.maketrans("0123456789/.-: ", "０１２３４５６７８９／．－：\u3000")


@pytest.mark.parametrize(
    "value",
    [
        "2026-12-08",
        "2026/12/8",  # Excel zh-CN short date
        "2026-12-8",
        "2026.12.08",
        "2026.12.8",
        "2026年12月8日",  # WPS long date
        "2026 年 12 月 8 日",
        "２０２６／１２／８",  # full-width from an IME
        "２０２６年１２月８日",
        46364,  # an unformatted Excel date cell
        46364.0,
        "46364",  # the same serial, as text in a CSV
        "2026/12/8 0:00",  # a date cell formatted as date-time
        dt.datetime(2026, 12, 8, 0, 0),
        DEC_8,
    ],
)
def test_dates_in_every_form_users_write_them(value):
    assert _parse_date(value) == DEC_8


@pytest.mark.parametrize(
    "value",
    [
        "2026/12/8 8:00",
        "2026-12-08 08:00",
        "2026-12-08T08:00",
        "2026.12.8 08:00:00",
        "2026年12月8日 08:00",
        "2026年12月8日8:00",
        "2026年12月8日 8时",
        "２０２６／１２／８\u3000８：００",
        46364 + 1 / 3,  # Excel stores 08:00 as a third of a day
        "46364.333333333333",
    ],
)
def test_datetimes_in_every_form_users_write_them(value):
    assert _parse_datetime(value) == dt.datetime(2026, 12, 8, 8, 0)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2026-13-01", "not a calendar date"),  # no 13th month
        ("2026/2/30", "not a calendar date"),  # no 30 February
        ("2026年2月29日", "not a calendar date"),  # 2026 is not a leap year
        ("12/8/2026", "ambiguous"),  # 12 August or 8 December?
        ("8/12/2026", "ambiguous"),
        ("26/12/8", "ambiguous"),  # two-digit year
        ("2026-12/8", "YYYY/M/D"),  # two separators
        ("2026", "Excel serial"),  # a year, not a serial day
        (20261208, "Excel serial"),  # a YYYYMMDD number
        (5, "Excel serial"),
        (46364.5, "time of day"),  # noon is not a date
        ("2026/12/8 8:00", "without a time"),
        ("next Tuesday", "YYYY年M月D日"),
    ],
)
def test_impossible_or_ambiguous_dates_say_which_forms_are_expected(value, reason):
    with pytest.raises(ValueError, match=reason) as info:
        _parse_date(value)
    assert "YYYY-MM-DD" in str(info.value)


@pytest.mark.parametrize("value", ["2026/12/8 25:00", "2026/13/8 8:00", "12/8/2026 8:00", "8:00", "46364 o'clock"])
def test_impossible_datetimes_are_refused(value):
    with pytest.raises(ValueError):
        _parse_datetime(value)


@given(
    day=st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)),
    form=st.sampled_from(
        ["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}-{m}-{d}", "{y}.{m:02d}.{d:02d}", "{y}.{m}.{d}", "{y}年{m}月{d}日"]
    ),
    full_width=st.booleans(),
    as_serial=st.booleans(),
)
def test_any_written_date_and_its_excel_serial_parse_to_the_same_day(day, form, full_width, as_serial):
    text = form.format(y=day.year, m=day.month, d=day.day)
    if full_width:
        text = text.translate(_FULL)
    assert _parse_date(text) == day
    serial = (day - dt.date(1899, 12, 30)).days
    assert _parse_date(serial if as_serial else str(serial)) == day


@given(
    moment=st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2099, 12, 31)).map(
        lambda m: m.replace(microsecond=0)
    ),
    form=st.sampled_from(["{y}/{mo}/{d} {h}:{mi:02d}:{s:02d}", "{y}年{mo}月{d}日 {h:02d}:{mi:02d}:{s:02d}"]),
)
def test_any_written_datetime_and_its_excel_serial_parse_to_the_same_moment(moment, form):
    text = form.format(y=moment.year, mo=moment.month, d=moment.day, h=moment.hour, mi=moment.minute, s=moment.second)
    assert _parse_datetime(text) == moment
    serial = (moment - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    assert _parse_datetime(serial) == moment


@pytest.fixture(scope="module")
def market_names(ref) -> MarketNames:
    return MarketNames(ref.markets.iter_rows(named=True))


@pytest.mark.parametrize(
    ("value", "iso2"),
    [
        ("DE", "DE"),
        ("de", "DE"),  # alpha-2 in any case
        (" De ", "DE"),
        ("ＤＥ", "DE"),  # full-width letters
        ("DEU", "DE"),  # alpha-3
        ("deu", "DE"),
        ("德国", "DE"),  # the Chinese name in the markets table
        ("Germany", "DE"),
        ("GERMANY", "DE"),
        ("united states", "US"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("美国", "US"),
        ("the Netherlands", "NL"),
        ("UK", "GB"),  # not ISO, but what everyone writes
        ("英国", "GB"),
        ("Viet Nam", "VN"),  # the ISO name where the table says Vietnam
        ("United States of America", "US"),  # pycountry's official name
    ],
)
def test_markets_resolve_from_codes_and_names(market_names, value, iso2):
    assert market_names.resolve(value) == iso2


@pytest.mark.parametrize(
    ("value", "nearest"),
    [
        ("Germanyy", "德国 / Germany (DE)"),
        ("Austrailia", "澳大利亚 / Australia (AU)"),
        ("德國", "德国 / Germany (DE)"),  # traditional characters
    ],
)
def test_unknown_market_lists_the_nearest_names(market_names, value, nearest):
    with pytest.raises(ValueError, match="unknown market") as info:
        market_names.resolve(value)
    assert nearest in str(info.value).split("nearest: ")[1].split(", ")[0]


@pytest.mark.parametrize("value", ["ZZ", "Narnia", "", "China"])  # China is not an export market in the table
def test_names_of_no_market_in_the_table_do_not_resolve(market_names, value):
    assert market_names.lookup(value) is None


def test_every_market_in_the_table_resolves_by_each_of_its_names(ref, market_names):
    for row in ref.markets.iter_rows(named=True):
        for name in (row["iso2"].lower(), row["iso3"], row["name_en"].upper(), row["name_zh"]):
            assert market_names.resolve(name) == row["iso2"]


def test_values_the_store_cannot_hold_are_refused_with_a_reason():
    from qiankua.schema import SHIPMENTS

    raw = {
        "shipment_id": "S1",
        "exporter": "a\x07b",
        "origin_adcode": "522634",
        "cartons": str(2**63),
        "carton_l_cm": "１,０00",  # full-width digits and a thousands separator: a number
        "carton_w_cm": "1",
        "carton_h_cm": "1",
        "carton_kg": "1",
        "destination": "DE",
        "value_cny": "1e20",
    }
    good, issues = SHIPMENTS.validate_rows([(2, raw)], file="f.csv")
    assert not good
    assert {i.column: i.reason.split(":")[0] for i in issues} == {
        "exporter": "contains a control character (U+0007) at position 2",
        "cartons": "number too large to store",
        "value_cny": "number too large to store",
    }


def test_shown_values_are_cut_and_escaped():
    from qiankua.schema import shown

    assert shown("a\x00b") == "a\\x00b"
    assert shown("x" * 1000).endswith("… (1,000 characters)") and len(shown("x" * 1000) or "") < 120
    assert shown(None) is None


def test_positive_list_reads_the_official_attachment_headers():
    """The list's attachments head the name 商品名称/货品名称 (2016/2018) or 商品描述 (2022) and the remark 备注 or
    监管要求: each maps to its column, and 备注 is the list's remark, not the user's notes."""
    from qiankua.schema import USER_TABLES

    spec = USER_TABLES["positive_list"]
    for name_header in ("商品描述", "商品名称", "货品名称", "中文货品名称"):
        mapping, unknown, missing = spec.map_headers(["序号", "税则号列", name_header, "备注"])
        assert mapping == {1: "hs_code", 2: "name_zh", 3: "remark"}
        assert unknown == ["序号"] and missing == []
    mapping, _, _ = spec.map_headers(["税则号列", "商品描述", "监管要求", "说明"])
    assert mapping == {0: "hs_code", 1: "name_zh", 2: "remark", 3: "notes"}
