"""FX at the edges: `data update fx` from a loopback server, the user's fx_rates, quotes past the data."""

from __future__ import annotations

import datetime as dt
import http.server
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qiankua.cli import app
from qiankua.services.costing import quote_one
from qiankua.services.fx import FxUpdateError, bundled_ecb, fx_book, update_fx
from qiankua.store import Store

runner = CliRunner()
FAR = dt.date(2031, 1, 15)  # a fixed day long after any data on file


def _zip(csv: bytes) -> bytes:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as zf:
        zf.writestr("eurofxref-hist.csv", csv)
    return raw.getvalue()


@pytest.fixture
def ecb_server() -> Iterator[str]:
    """A loopback HTTP server that serves a small ECB history with a day newer than the bundled one."""
    newest = bundled_ecb()["date"].max()
    later = newest + dt.timedelta(days=40)
    body = _zip(f"Date,USD,CNY,JPY,\n{later},1.25,8.00,170.0,\n{newest},1.20,7.90,165.0,\n".encode())

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/eurofxref-hist.zip"
    finally:
        server.shutdown()
        server.server_close()


def test_update_fx_stores_the_new_history_and_quotes_use_it(tmp_path: Path, ecb_server: str):
    db = tmp_path / "q.duckdb"
    newest = bundled_ecb()["date"].max()
    later = newest + dt.timedelta(days=40)
    before = fx_book(db).rate("USD", later)
    assert before.stale and before.as_of == newest
    result = update_fx(db, url=ecb_server)
    assert result["newest"] == later.isoformat() and result["rows"] == 6
    after = fx_book(db).rate("USD", later)
    assert after.cny_per_unit == pytest.approx(8.00 / 1.25) and not after.stale
    # older days still come from the bundled history
    assert (
        fx_book(db).rate("USD", dt.date(2024, 3, 1)).cny_per_unit
        == fx_book().rate("USD", dt.date(2024, 3, 1)).cny_per_unit
    )


def test_update_fx_without_the_internet_says_so_and_writes_nothing(tmp_path: Path):
    db = tmp_path / "q.duckdb"
    with Store(db) as store:
        before = store.content_digest()
    with pytest.raises(FxUpdateError, match="needs the internet"):
        update_fx(db, url="http://127.0.0.1:9/eurofxref-hist.zip", timeout=2)
    with Store(db) as store:
        assert store.content_digest() == before


def test_update_fx_rejects_a_file_that_is_not_the_ecb_history(tmp_path: Path):
    db = tmp_path / "q.duckdb"
    bad = tmp_path / "rates.csv"
    bad.write_text("Date,USD,CNY\n2026-11-02,1.1,7.8\n2026-13-01,1.2,7.9\n")
    result = runner.invoke(app, ["--db", str(db), "data", "update", "fx", "--file", str(bad), "--json"])
    assert result.exit_code == 2
    assert "row 3, column Date" in json.loads(result.stdout)["message"]
    assert not db.exists() or fx_book(db).newest() == bundled_ecb()["date"].max()


def test_user_fx_rates_import_and_override_the_quote(tmp_path: Path):
    db = tmp_path / "q.duckdb"
    rates = tmp_path / "fx.csv"
    rates.write_text(
        "币种 / currency,生效日期 / valid_from,每单位折合人民币 / cny_per_unit,来源 / source\n"
        "EUR,2026-07-01,8.10,bank contract\n"
    )
    result = runner.invoke(app, ["--db", str(db), "data", "import", str(rates), "--table", "fx_rates", "--json"])
    assert result.exit_code == 0, result.stdout
    doc = quote_one(
        {
            "product_id": "duyun-maojian-250g",
            "market": "DE",
            "mode": "9610",
            "service": "postal",
            "platform": "aliexpress",
            "date": "2026-08-01",
            "price": 20.0,
        },
        db=db,
    ).to_dict()
    assert doc["fx"]["source"] == "user" and doc["fx"]["cny_per_unit"] == 8.10 and doc["fx_cny_per_unit"] == 8.10


def test_a_bad_rate_file_names_row_and_column_and_writes_nothing(tmp_path: Path):
    db = tmp_path / "q.duckdb"
    rates = tmp_path / "fx.csv"
    rates.write_text("currency,valid_from,cny_per_unit\nEUR,2026-07-01,8.1\nXYZ1,2026-07-01,1\nUSD,2026-07-01,-7\n")
    result = runner.invoke(app, ["--db", str(db), "data", "import", str(rates), "--table", "fx_rates", "--json"])
    assert result.exit_code == 2
    issues = {(i["row"], i["column"]) for i in json.loads(result.stdout)["issues"]}
    assert issues == {(3, "currency"), (4, "cny_per_unit")}
    with Store(db) as store:
        assert store.row_count("fx_rates") == 0


def test_a_quote_long_after_the_data_is_priced_with_the_newest_rate_and_flagged():
    doc = quote_one(
        {
            "product_id": "duyun-maojian-250g",
            "market": "DE",
            "mode": "9610",
            "service": "postal",
            "platform": "aliexpress",
            "date": FAR.isoformat(),
            "price": 20.0,
        }
    ).to_dict()
    assert doc["status"] != "no_rule" and "fx_stale" in doc["flags"]
    fx = doc["fx"]
    assert fx["stale"] and fx["age_days"] == (FAR - dt.date.fromisoformat(fx["as_of"])).days
    assert "days old" in fx["note_en"] and "天" in fx["note_zh"]


def test_cli_json_for_a_quote_past_the_data_is_strict_json_with_the_fx_block():
    result = runner.invoke(
        app,
        [
            "quote",
            "--product",
            "duyun-maojian-250g",
            "--market",
            "AE",
            "--price",
            "20",
            "--date",
            FAR.isoformat(),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.stdout
    doc = json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"bare {c} in JSON"))
    assert doc["fx"]["source"] == "peg" and doc["fx"]["stale"]
