"""End to end: a small shipments sheet through the service and the CLI."""

import csv
import json
from decimal import Decimal

import pytest
import typer
from typer.testing import CliRunner

from qiankua.commands import pooling as pooling_commands
from qiankua.services.pooling import DEMO_FILE, plan_file, read_shipments


def _app() -> typer.Typer:
    """The pool command on its own app (independent of other engines' commands)."""
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        pass

    pooling_commands.register(app)
    return app


@pytest.fixture
def small_file(tmp_path):
    with DEMO_FILE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    keep = sorted({r["exporter"] for r in rows})[::4][:6]  # six exporters from different counties
    path = tmp_path / "week.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(r for r in rows if r["exporter"] in keep)
    return path


def test_demo_file_is_valid_and_uses_catalogue_and_counties(ref):
    rows = read_shipments(DEMO_FILE, ref)
    assert len({r["exporter"] for r in rows}) == 25
    assert {r["origin_adcode"][:4] for r in rows} == {"5226", "5227"}  # Qiandongnan and Qiannan
    assert {r["destination"] for r in rows} == {"US", "DE", "MY"}
    assert all(ref.product(r["product_id"]) for r in rows)


def test_small_pool_exact_shapley_sums_to_the_cent(ref, small_file):
    res = plan_file(small_file, ref, time_limit_s=0.5, seed=3)
    assert res.shapley_kind == "exact" and res.core.exhaustive
    assert sum(e.share_cny for e in res.exporters) == res.total_pooled_cny
    assert res.total_pooled_cny <= res.total_standalone_cny
    assert all(e.saving_cny == e.standalone_cny - e.share_cny for e in res.exporters)
    for method in ("volume", "standalone"):
        other = plan_file(small_file, ref, time_limit_s=0.5, seed=3, method=method)
        assert sum(e.share_cny for e in other.exporters) == other.total_pooled_cny
        assert other.total_pooled_cny.as_tuple().exponent == -2 or other.total_pooled_cny == Decimal(0)


def test_cli_pool_json(small_file):
    result = CliRunner().invoke(_app(), ["pool", str(small_file), "--time-limit", "0.5", "--seed", "2", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    for key in ("total_standalone_cny", "total_pooled_cny", "exporters", "in_core", "routes", "loads"):
        assert key in doc
    assert {"id", "standalone_cny", "share_cny", "saving_cny"} <= set(doc["exporters"][0])
    assert round(sum(e["share_cny"] for e in doc["exporters"]), 2) == doc["total_pooled_cny"]
    assert isinstance(doc["in_core"], bool)


def test_cli_bad_sheet_exits_2_with_cells(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "shipment_id,exporter,origin_adcode,cartons,carton_l_cm,carton_w_cm,carton_h_cm,carton_kg,destination\n"
        "S1,e1,999999,0,40,30,20,5,US\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(_app(), ["pool", str(bad), "--json"])
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["ok"] is False and {i["column"] for i in doc["issues"]} >= {"cartons"}


def test_user_vehicles_and_matrix(ref, small_file, tmp_path):
    rows = read_shipments(small_file, ref)
    counties = sorted({r["origin_adcode"] for r in rows})
    sites = ["depot", *counties]
    matrix = tmp_path / "m.csv"
    lines = ["from,to,km,hours"]
    for i, a in enumerate(sites):
        for b in sites[i + 1 :]:
            lines.append(f"{a},{b},100,2")  # every leg 100 km / 2 h, given one way only
    matrix.write_text("\n".join(lines) + "\n", encoding="utf-8")
    vehicles = tmp_path / "v.csv"
    vehicles.write_text(
        "vehicle_id,name_en,name_zh,capacity_kg,capacity_m3,count,cost_per_km_cny,depot_hub\n"
        "truck,truck,卡车,5000,30,3,2,CN-GY-DLY\n",
        encoding="utf-8",
    )
    res = plan_file(small_file, ref, time_limit_s=0.3, seed=1, vehicles_file=vehicles, matrix_file=matrix)
    assert all(r.vehicle_id == "truck" for r in res.routing.routes)
    # every leg is 100 km at CNY 2/km: each route costs 200 x (stops' distinct sites + 1) at most
    assert all(r.km % 100 == 0 and r.cost_cny == 2 * r.km for r in res.routing.routes)
    assert any("user's matrix" in n for n in res.notes)
    matrix.write_text("from,to,km,hours\ndepot,522601,10,1\n", encoding="utf-8")
    with pytest.raises(ValueError):
        plan_file(small_file, ref, time_limit_s=0.3, seed=1, matrix_file=matrix)


def test_same_seed_same_pool(ref, small_file):
    a = plan_file(small_file, ref, time_limit_s=30, seed=9, max_iterations=300)
    b = plan_file(small_file, ref, time_limit_s=30, seed=9, max_iterations=300)
    assert a.routing.stopped_by == "iterations"
    assert a.to_dict() == b.to_dict()


def test_pool_from_the_store_matches_the_file(ref, small_file, tmp_path, monkeypatch):
    from qiankua.exceptions import InvalidInputError
    from qiankua.services.data import import_user_file

    db = tmp_path / "store.duckdb"
    with pytest.raises(InvalidInputError, match="shipments"):
        plan_file(None, ref, time_limit_s=0.3, seed=1, db=_empty_store(db))
    import_user_file(db, small_file, "shipments")
    stored = plan_file(None, ref, time_limit_s=0.3, seed=1, db=db)
    direct = plan_file(small_file, ref, time_limit_s=0.3, seed=1)
    assert {e.id for e in stored.exporters} == {e.id for e in direct.exporters}
    assert stored.total_standalone_cny == direct.total_standalone_cny
    from qiankua.cli import state

    monkeypatch.setattr(state, "db", db)  # what the main app's --db option sets
    result = CliRunner().invoke(_app(), ["pool", "--time-limit", "0.3", "--seed", "1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {e["id"] for e in data["exporters"]} == {e.id for e in direct.exporters}


def _empty_store(db):
    from qiankua.store import Store

    with Store(db):
        pass
    return db
