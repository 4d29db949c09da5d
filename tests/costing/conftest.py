"""Fixtures for the costing tests: the reference data and a one-row quote helper."""

from __future__ import annotations

import os
from typing import Any

import polars as pl
import pytest

from qiankua.reference import ReferenceData, load_reference
from qiankua.services.costing import quote_table

# Simple round FX rates (CNY per unit) so golden cases can be worked by hand.
FX = {
    "EUR": 8.0,
    "USD": 7.0,
    "GBP": 9.0,
    "AUD": 4.5,
    "NZD": 4.0,
    "IDR": 0.00045,
    "MXN": 0.4,
    "JPY": 0.05,
    "CAD": 5.0,
    "SGD": 5.5,
    "MYR": 1.6,
    "THB": 0.2,
    "CLP": 0.0075,
    "BRL": 1.3,
    "KRW": 0.005,
}


@pytest.fixture(scope="session")
def cref() -> ReferenceData:
    """The built-in reference data (``QIANKUA_COSTING_DATA`` may point at a copy while developing)."""
    return load_reference(os.environ.get("QIANKUA_COSTING_DATA") or None)


@pytest.fixture(scope="session")
def quote(cref: ReferenceData):
    """Quote one row; returns the result row as a dict (CNY amounts)."""

    def _quote(**row: Any) -> dict[str, Any]:
        row.setdefault("platform", "aliexpress")
        row.setdefault("quantity", 1)
        row.setdefault("gross_kg", 0.5)
        frame = pl.DataFrame([row], infer_schema_length=None)
        return quote_table(frame, cref, fx_overrides=FX).row(0, named=True)

    return _quote
