"""One bad stored freight quote never fails a route request: it is skipped and named (issue 21 item 6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from qiankua.schema import FREIGHT_QUOTES
from qiankua.services.routing import route, screen_quotes
from qiankua.store import Store
from qiankua.store.importer import write_rows

DAY = dt.date(2026, 12, 6)


def _quote(quote_id: str, origin: str, destination: str, currency: str) -> dict[str, object]:
    return {
        "quote_id": quote_id,
        "provider": "x",
        "mode": "air",
        "origin": origin,
        "destination": destination,
        "currency": currency,
        "per_kg": 3,
        "valid_from": dt.date(2026, 1, 1),
    }


def test_unusable_quotes_are_skipped_and_named(tmp_path: Path):
    db = tmp_path / "q.duckdb"
    rows = [
        _quote("gold", "CN-CAN", "DE", "XAU"),  # a currency no rate converts
        _quote("from-market", "DE", "US", "USD"),  # a market as origin
        _quote("nowhere", "CN-CAN", "ATLANTIS", "USD"),
        _quote("good", "CN-CAN", "DE", "USD"),
    ]
    with Store(db) as store:
        write_rows(store, FREIGHT_QUOTES, FREIGHT_QUOTES.frame(rows), mode="append", file_name="old", sha256="")
    result = route("522634", "DE", weight_kg=10, db=db, on=DAY)
    assert result.routes
    skipped = {e.service: e for e in result.excluded if e.rule_id == "user_quote_unusable"}
    assert set(skipped) == {"quote:gold", "quote:from-market", "quote:nowhere"}
    assert "XAU" in skipped["quote:gold"].reason_en and "XAU" in skipped["quote:gold"].reason_zh


def test_screening_keeps_every_usable_quote():
    import polars as pl

    frame = FREIGHT_QUOTES.frame([_quote("a", "CN-CAN", "DE", "EUR"), _quote("b", "522634", "CN-CAN", "CNY")])
    kept, skipped = screen_quotes(frame, DAY)
    assert skipped == () and kept.height == 2 and isinstance(kept, pl.DataFrame)
