"""`qiankua quote` as text (issue 20 item 4): the route used (label, days, CO2e), the router's exclusion of the chosen
service, and the market-entry requirements blockers first — what its --json and the web page carry — in zh and en."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from qiankua.cli import app

DAY = "2026-10-01"


def _run(lang: str, *args: str) -> str:
    result = CliRunner().invoke(
        app,
        ["--lang", lang, "quote", *args, "--date", DAY, "--no-sensitivity"],
        env={"COLUMNS": "250", "QIANKUA_LANG": lang},
    )
    assert result.exit_code == 0, result.output
    return result.output


def _json(*args: str) -> dict:
    result = CliRunner().invoke(app, ["quote", *args, "--date", DAY, "--no-sensitivity", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


TEA = ("--product", "duyun-maojian-250g", "--market", "DE", "--service", "postal", "--price", "30")


def test_tea_to_germany_prints_the_route_and_the_blocker_first_in_chinese():
    doc = _json(*TEA)
    text = _run("zh", *TEA)
    route = doc["route"]
    assert f"所用线路：{route['label_zh']}（{route['days']:.1f} 天，{route['kg_co2e']:.2f} kg CO₂e" in text
    assert "市场准入要求" in text and "有未满足的准入阻断项" in text
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("[")]
    assert lines[0].startswith("[禁止/须许可（阻断）] 欧盟委员会 · 农药最大残留限量")  # blocker first, in Chinese
    assert len(lines) == len(doc["requirements"])
    assert "status=" not in text and "Pesticide" not in text


def test_tea_to_germany_in_english():
    doc = _json(*TEA)
    text = _run("en", *TEA)
    assert f"Route used: {doc['route']['label_en']} ({doc['route']['days']:.1f} days" in text
    assert "[blocker] European Commission · Pesticide MRLs" in text
    assert "An open market-entry blocker" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_alcohol_by_post_warns_with_the_routers_reasons(lang: str):
    args = ("--product", "moutai-feitian-53-500ml", "--market", "DE", "--service", "postal", "--price", "300")
    doc = _json(*args)
    assert doc["advice"]["shippable"] is False
    text = _run(lang, *args)
    warning = "不能运送此产品" if lang == "zh" else "cannot carry this product"
    assert warning in text
    for item in doc["route"]["excluded"]:
        assert item[f"reason_{lang}"] in text
    assert ("所用线路" if lang == "zh" else "Route used") not in text


def test_a_bare_hs_quote_lists_no_requirements():
    text = _run("en", "--hs", "090210", "--value", "12", "--market", "FR")
    assert "Market-entry requirements" not in text
