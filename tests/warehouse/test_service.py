"""The plan use case on the bundled synthetic sample, bad sales files, the CLI and the API."""

import asyncio
import json
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from qiankua.exceptions import ImportValidationError, InvalidInputError
from qiankua.i18n.warehouse import MESSAGES
from qiankua.jsonio import dumps
from qiankua.services.warehouse import forecast_calc, newsvendor_calc, plan, policy_calc

DAY = "2026-12-01"  # fixed: the plan must not depend on the day the suite runs
HEADER = "order_id,order_date,product_id,market,channel,quantity,unit_price,currency\n"


@pytest.fixture(scope="module")
def tea_us():
    return plan({"sku": "duyun-maojian-250g", "market": "US", "date": DAY, "n_paths": 100})


def test_plan_on_the_sample_is_labelled_synthetic_and_complete(tea_us):
    assert tea_us["sales_source"] == "sample" and tea_us["synthetic_sample"] is True
    (item,) = tea_us["items"]
    d = item["decision"]
    assert item["synthetic_sample"] and set(d["channels"]) >= {"9610", "9810_fba"}
    assert d["recommended"] in d["channels"]
    assert d["break_even"]["9810_fba"] is not None
    assert "9810_3pl" in d["missing"]  # no last-mile price on file: reported, not priced at zero
    assert "missing:customs_broker_fee" in item["flags"]
    rep = item["replenishment"]
    assert rep["policy"]["reorder_point"] > rep["policy"]["safety_stock"] > 0
    assert 0 < rep["simulation"]["cycle_service"] <= 1 and len(rep["stock_projection"]["mean"]) == 180
    json.loads(dumps(tea_us))  # one JSON document, no NaN


def test_plan_costs_are_never_negative(tea_us):
    for c in tea_us["items"][0]["decision"]["channels"].values():
        assert c["unit_cost_cny"] >= 0 and all(v >= 0 for v in c["lines"].values())


def _write(tmp_path: Path, body: str, name: str = "sales.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _months(first: int, last: int, date_fmt: str = "2026-{m:02d}-15") -> str:
    return "".join(
        f"o{m},{date_fmt.format(m=m)},duyun-maojian-250g,US,amazon,{m},59,USD\n" for m in range(first, last + 1)
    )


@pytest.mark.parametrize(
    ("body", "row", "column", "reason"),
    [
        # April to June missing for every series: a hole in the data, not zero demand
        (_months(1, 3) + _months(7, 9), 5, "order_date", "gap"),
        # quantities are whole units >= 1 (a return is not negative demand)
        (_months(1, 3) + "o9,2026-04-15,duyun-maojian-250g,US,amazon,-2,59,USD\n", 5, "quantity", ""),
        # a SKU the catalogue does not know
        (_months(1, 3) + "o9,2026-04-15,no-such-tea,US,amazon,2,59,USD\n", 5, "product_id", ""),
        # a market code that is not in the markets table
        (_months(1, 3) + "o9,2026-04-15,duyun-maojian-250g,XX,amazon,2,59,USD\n", 5, "market", ""),
        # 2026-01-15 and then 2026/4/15: one date form per column
        (_months(1, 3) + "o9,2026/4/15,duyun-maojian-250g,US,amazon,2,59,USD\n", 5, "order_date", "date written"),
    ],
)
def test_bad_sales_file_names_file_row_column_and_writes_nothing(tmp_path, body, row, column, reason):
    path = _write(tmp_path, body)
    db = tmp_path / "user.duckdb"
    with pytest.raises(ImportValidationError) as exc:
        plan({"sales_file": str(path), "date": DAY}, db)
    issue = exc.value.issues[0]
    assert issue.file == "sales.csv" and issue.row == row and column in (issue.column or "")
    assert reason in issue.reason
    assert not db.exists()


def test_unknown_sku_and_market_options():
    with pytest.raises(InvalidInputError, match="Unknown market"):
        plan({"market": "ZZ", "date": DAY})
    with pytest.raises(Exception, match="no-such"):
        plan({"sku": "no-such-sku", "date": DAY})


def test_calculators_documents():
    p = policy_calc({"mean_demand": 2500, "sd_demand": 500, "lead_time": 7, "lead_time_sd": 7, "service_level": 0.9})
    assert p["result"]["safety_stock"] == pytest.approx(22_491, abs=1)
    n = newsvendor_calc({"mean": 11.73, "sd": 4.74, "unit_holding": 0.15, "unit_shortage": 0.5})
    assert n["result"]["order_qty"] == pytest.approx(15.22, abs=0.05)
    with pytest.raises(InvalidInputError, match="item 3"):
        forecast_calc({"series": "1,2,x"})
    with pytest.raises(InvalidInputError, match="method"):
        forecast_calc({"series": "1,2,3", "method": "prophet"})


def _cli() -> typer.Typer:
    from qiankua.commands import warehouse

    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        pass

    warehouse.register(app)
    return app


def test_cli_json_equals_the_service_document():
    runner = CliRunner()
    args = ["warehouse", "policy", "--mean-demand", "10", "--sd-demand", "3", "--lead-time", "30", "--json"]
    result = runner.invoke(_cli(), args)
    assert result.exit_code == 0, result.output
    expected = policy_calc({"mean_demand": 10, "sd_demand": 3, "lead_time": 30})
    assert json.loads(result.stdout) == json.loads(dumps(expected))
    bad = runner.invoke(_cli(), ["warehouse", "newsvendor", "--mean", "1", "--sd", "1", "--unit-holding", "0",
                                 "--unit-shortage", "0", "--json"])  # fmt: skip
    assert bad.exit_code == 2 and json.loads(bad.stdout)["ok"] is False


def test_every_message_has_zh_and_en():
    for key, pair in MESSAGES.items():
        assert pair.get("zh", "").strip() and pair.get("en", "").strip(), key


def test_api_calculators_and_errors(tmp_path):
    from qiankua.api import Settings, create_app

    app = create_app(Settings(ui=False, home=tmp_path, db=tmp_path / "local.duckdb"))

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return [
                await c.post("/api/v1/warehouse/policy", json={"mean_demand": 10, "sd_demand": 3, "lead_time": 30}),
                await c.post(
                    "/api/v1/warehouse/newsvendor", json={"mean": 100, "sd": 30, "unit_holding": 2, "unit_shortage": 8}
                ),
                await c.post(
                    "/api/v1/warehouse/forecast", json={"series": [0, 0, 3, 0, 5, 0, 0, 2], "method": "sba", "h": 2}
                ),
                await c.post("/api/v1/warehouse/forecast", json={"series": [1, 2], "method": "prophet"}),
                await c.post("/api/v1/warehouse/policy", json={"mean_demand": -1, "sd_demand": 3, "lead_time": 30}),
            ]

    pol, nv, fc, bad_method, bad_value = asyncio.run(go())
    assert pol.status_code == 200 and pol.json() == json.loads(
        dumps(policy_calc({"mean_demand": 10, "sd_demand": 3, "lead_time": 30}))
    )
    assert nv.status_code == 200 and nv.json()["result"]["order_qty"] > 100
    assert fc.status_code == 200 and fc.json()["result"]["point"] == pytest.approx([0.95 * 3.08 / 2.91] * 2)
    assert bad_method.status_code == 422 and "method" in bad_method.text and "imapa" in bad_method.text  # an enum
    assert bad_value.status_code == 422


def test_report_section_and_cli_printout_say_synthetic(tea_us):
    """The report section and the terminal printout both carry the synthetic-sample note and words, not codes."""
    import io

    from rich.console import Console

    from qiankua.report.warehouse import print_plan, warehouse_sections

    (section,) = warehouse_sections(None, tea_us)
    assert "合成样例" in section.notes[0] and "SYNTHETIC" in section.notes[0]
    assert section.tables[0].frame.height >= 2 and section.recommendations
    buf = io.StringIO()
    print_plan(tea_us, "zh", Console(file=buf, width=200))
    text = buf.getvalue()
    assert "合成样例" in text and "missing:" not in text and "报关代理费" in text


def test_flag_words_in_both_languages():
    from qiankua.i18n.warehouse import flag_text

    assert flag_text("entry:stale:us-mpf-fy2026", "zh").startswith("已过期")
    assert flag_text("missing:customs_broker_fee", "en") == "missing: customs broker fee (none on file)"
    assert flag_text("something-new", "zh") == "something-new"  # unknown codes are shown, never dropped
