"""FBA fee card lookup and the other warehouse fees, on the built-in tables."""

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from qiankua.warehouse.fees import entry_fees, fba_fee, in_force, storage_rate, threepl_rates
from qiankua.warehouse.sample import sample_sales

DATA = Path(__file__).resolve().parents[2] / "src" / "qiankua" / "reference" / "data"
CARDS = pl.read_csv(DATA / "warehouse_fba_fees.csv", infer_schema=False)
TIERS = pl.read_csv(DATA / "warehouse_fba_tiers.csv", infer_schema=False)
FEES = pl.read_csv(DATA / "warehouse_fees.csv", infer_schema=False)
# Amazon's own example product (services.amazon.com FBA pricing page): 8.5 x 4.8 x 1 in, 0.35 lb, $20
EXAMPLE = {"market": "US", "dims_cm": (8.5 * 2.54, 4.8 * 2.54, 2.54), "weight_kg": 0.35 / 2.2046226218, "price": 20.0}


@pytest.mark.parametrize(
    ("on", "fee"),
    [
        (
            dt.date(2026, 3, 1),
            3.95,
        ),  # 2026 card from 2026-01-15: large standard (1 in > 0.75 in), 5.6 oz -> <= 8 oz row
        (dt.date(2026, 5, 1), 4.09),  # + 3.5 % fuel surcharge from 2026-04-17: 3.95 x 1.035 = 4.088 -> 4.09
    ],
)
def test_us_card_worked_example(on, fee):
    """Research Appendix A-1 fixture: dimensional weight 8.5*4.8*1/139 = 0.294 lb < 0.35 lb, band $10-50."""
    r = fba_fee(CARDS, TIERS, FEES, on=on, **EXAMPLE)
    assert r.size_tier == "large_standard" and r.band == "mid" and r.fee == fee


def test_price_bands_and_peak_card():
    """< $10 uses the low band ($3.13), > $50 the high band ($4.21); the 2026/27 peak card applies from Oct 15."""
    low = fba_fee(CARDS, TIERS, FEES, on=dt.date(2026, 3, 1), **{**EXAMPLE, "price": 9.99})
    high = fba_fee(CARDS, TIERS, FEES, on=dt.date(2026, 3, 1), **{**EXAMPLE, "price": 50.01})
    peak = fba_fee(CARDS, TIERS, FEES, on=dt.date(2026, 11, 1), **EXAMPLE)
    assert (low.fee, high.fee) == (3.13, 4.21)
    assert peak.season == "peak" and peak.base_fee == 4.21 and peak.confidence == "unconfirmed"


def test_unknown_price_and_market_are_flagged_not_zero():
    r = fba_fee(CARDS, TIERS, FEES, on=dt.date(2026, 3, 1), **{**EXAMPLE, "price": None})
    assert "assumed:price_band" in r.flags
    de = fba_fee(CARDS, TIERS, FEES, on=dt.date(2026, 3, 1), **{**EXAMPLE, "market": "DE"})
    assert de.fee is None and de.flags == ("missing:fba_card",)


def test_storage_q4_and_entry_fees_with_dates():
    """US standard storage $0.78/ft3 Jan-Sep, $2.40 Oct-Dec (x 35.3147 ft3/m3); MPF FY2026 ends 2026-10-01."""
    assert storage_rate(FEES, market="US", warehouse="fba", on=dt.date(2026, 5, 1))[0] == pytest.approx(
        0.78 * 35.3147, rel=1e-4
    )
    assert storage_rate(FEES, market="US", warehouse="fba", on=dt.date(2026, 11, 1))[0] == pytest.approx(
        2.40 * 35.3147, rel=1e-4
    )
    sea, flags = entry_fees(FEES, market="US", mode="sea", on=dt.date(2026, 5, 1))
    assert [f["name"] for f in sea] == ["us-mpf-fy2026", "us-hmf"] and not flags
    rail, flags = entry_fees(FEES, market="US", mode="rail", on=dt.date(2026, 12, 1))
    assert [f["name"] for f in rail] == ["us-mpf-fy2026"] and flags == ["stale:us-mpf-fy2026"]


def test_3pl_last_mile_is_a_gap():
    r = threepl_rates(FEES, market="US", weight_kg=0.3, on=dt.date(2026, 5, 1))
    assert r["last_mile"] is None and "missing:3pl_last_mile" in r["flags"] and r["pick_pack"] == 0.5


def test_in_force_says_missing_when_nothing_started():
    rows, flags = in_force(FEES.filter(pl.col("fee_id") == "us-fba-fuel-2026"), dt.date(2026, 1, 1), "fuel")
    assert rows.height == 0 and flags == ["missing:fuel"]


def test_sample_sales_csv_is_the_generator_output_and_labelled_synthetic():
    """The bundled history is synthetic: every row says so, and it is exactly the seeded generator's output."""
    stored = pl.read_csv(DATA / "warehouse_sample_sales.csv", try_parse_dates=True)
    fresh = sample_sales()
    assert set(stored["data_kind"]) == {"synthetic_sample"}
    assert stored.to_dicts() == fresh.to_dicts()
