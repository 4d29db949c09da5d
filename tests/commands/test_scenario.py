"""``qiankua scenario``: save, list, compare, delete through the CLI; ``--json`` equals the service document."""

import json

from typer.testing import CliRunner

from qiankua.cli import app

QUOTE = '{"market": "DE", "product_id": "duyun-maojian-250g", "price": %d}'


def test_scenario_round_trip(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "s.duckdb")
    ids = []
    for price in (30, 45):
        r = runner.invoke(
            app,
            [
                "--db",
                db,
                "scenario",
                "save",
                "--kind",
                "quote",
                "--name",
                f"p{price}",
                "--inputs",
                QUOTE % price,
                "--json",
            ],
        )
        assert r.exit_code == 0, r.output
        ids.append(json.loads(r.stdout)["id"])
    r = runner.invoke(app, ["--db", db, "--lang", "zh", "scenario", "compare", *map(str, ids)])
    assert r.exit_code == 0 and "利润率" in r.stdout and "（最优）" in r.stdout and "数据完整" in r.stdout
    doc = json.loads(runner.invoke(app, ["--db", db, "scenario", "list", "--json"]).stdout)
    assert [s["name"] for s in doc["scenarios"]] == ["p45", "p30"]
    assert runner.invoke(app, ["--db", db, "scenario", "delete", str(ids[0])]).exit_code == 0
    bad = runner.invoke(app, ["--db", db, "scenario", "show", str(ids[0]), "--json"])
    assert bad.exit_code == 2 and json.loads(bad.stdout)["ok"] is False
    bad = runner.invoke(app, ["--db", db, "scenario", "save", "--kind", "quote", "--name", "x", "--inputs", "{oops"])
    assert bad.exit_code == 2
