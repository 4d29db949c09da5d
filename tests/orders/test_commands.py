"""``qiankua orders …``: --help in zh and en, --json is the service's document, bad input exits 2."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from qiankua.commands import orders
from qiankua.commands.common import state
from tests.orders.conftest import FIXTURES


@pytest.fixture
def app(tmp_path, monkeypatch):
    app = typer.Typer()
    orders.register(app)

    @app.callback()
    def _root() -> None:
        pass

    monkeypatch.setattr(state, "db", tmp_path / "q.duckdb")
    return app


def test_help_in_both_languages():
    from qiankua.i18n import t

    for lang in ("zh", "en"):
        for key in ("orders.import.help", "orders.margin.help", "orders.declare.help", "orders.opt.platform"):
            assert t(key, lang) != key
    assert "亚马逊" in t("orders.import.help", "zh") and "Amazon" in t("orders.import.help", "en")


def test_import_json_margin_json_and_bad_file(app, tmp_path):
    runner = CliRunner()
    r = runner.invoke(app, ["orders", "import", str(FIXTURES / "amazon_all_orders.txt"), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["new"] == 5 and doc["files"][0]["basis"] == "documented"
    r = runner.invoke(app, ["orders", "map", "amazon", "GZ-TEA-DY250", "duyun-maojian-250g", "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["lines_updated"] == 2
    r = runner.invoke(app, ["orders", "margin", "--from", "2026-03-01", "--to", "2026-03-31", "--json"])
    doc = json.loads(r.output)
    assert doc["totals"]["lines"] == 5 and doc["totals"]["priced"] == 1
    bad = tmp_path / "x.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    r = runner.invoke(app, ["orders", "import", str(bad), "--json"])
    assert r.exit_code == 2
    err = json.loads(r.output)
    assert err["ok"] is False and err["issues"][0]["file"] == "x.csv"


def test_margin_prints_invoices_and_low_value_and_refuses_a_reversed_period(app, tmp_path, monkeypatch):
    from qiankua.services.data import import_user_file
    from qiankua.services.orders import SAMPLE_DIR, SAMPLE_INVOICES

    runner = CliRunner()
    runner.invoke(app, ["orders", "import", str(FIXTURES / "amazon_all_orders.txt")])
    runner.invoke(app, ["orders", "map", "amazon", "GZ-TEA-DY250", "duyun-maojian-250g"])
    import_user_file(state.db, SAMPLE_DIR / SAMPLE_INVOICES, "carrier_invoices")  # SAMPLE DATA (made up)
    monkeypatch.setattr(state, "lang", "en")
    r = runner.invoke(app, ["orders", "margin"], env={"COLUMNS": "220"})
    assert r.exit_code == 0, r.output
    assert "Carrier invoices: 1/4 line(s) matched" in r.output and "LP000000099CN" in r.output
    assert "flat rate for small parcels" in r.output and "invoiced" in r.output
    r = runner.invoke(app, ["orders", "margin", "--from", "2026-03-05", "--to", "2026-03-01", "--json"])
    assert r.exit_code == 2 and "after --to" in json.loads(r.output)["message"]
