"""Shared helpers of the orders tests. The fixture files are SAMPLE DATA: every value is made up
(see fixtures/README.md); only the column layouts follow the platforms."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str, **kw: object) -> pl.DataFrame:
    from qiankua.orders.readers import detect, read_orders
    from qiankua.store.orders import read_order_file

    rf = read_order_file(FIXTURES / name)
    fmt = kw.pop("fmt", None) or detect([c for c in rf.frame.columns if c != "_row"], rf.name)
    return read_orders(rf.frame, fmt, file=rf.name, header_row=rf.header_row, **kw)  # type: ignore[arg-type]


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
