"""Saved scenarios (issue 20 item 8): saved per user in a real DuckDB file, reloaded, compared, deleted."""

import duckdb
import pytest

from qiankua.exceptions import InvalidInputError, UnknownReferenceError
from qiankua.services import scenarios

QUOTE = {"market": "DE", "product_id": "duyun-maojian-250g", "price": 30}


@pytest.fixture
def db(tmp_path):
    return tmp_path / "s.duckdb"


def test_save_runs_the_quote_and_reloads_it_unchanged(db):
    saved = scenarios.save(db, "alice", "quote", "茶 DE 30 欧", QUOTE)
    assert saved["id"] == 1 and saved["kind"] == "quote" and saved["inputs"] == QUOTE
    again = scenarios.load(db, "alice", saved["id"])
    assert again["result"] == saved["result"]
    assert again["result"]["per_unit"]["price"] == 30.0
    got = {m["key"]: m["value"] for m in again["metrics"]}
    assert got["price"] == 30.0 and got["margin"] == again["result"]["per_unit"]["margin"]
    assert [m["label_zh"] for m in again["metrics"]][:3] == ["报价状态", "币种", "售价"]
    # stored in the user's own file: one row in scenarios.saved
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*), min(owner) FROM scenarios.saved").fetchone() == (1, "alice")
    con.close()


def test_scenarios_are_per_user_and_ids_are_not_reused(db):
    a = scenarios.save(db, "alice", "quote", "a", QUOTE, result={"per_unit": {"margin": 0.1}})
    b = scenarios.save(db, "bob", "quote", "b", QUOTE, result={"per_unit": {"margin": 0.2}})
    assert [s["name"] for s in scenarios.list_scenarios(db, "alice")["scenarios"]] == ["a"]
    with pytest.raises(UnknownReferenceError):
        scenarios.load(db, "alice", b["id"])  # bob's
    with pytest.raises(UnknownReferenceError):
        scenarios.delete(db, "alice", b["id"])
    assert scenarios.delete(db, "alice", a["id"]) == {"ok": True, "deleted": a["id"]}
    c = scenarios.save(db, "alice", "quote", "c", QUOTE, result={})
    assert c["id"] not in (a["id"], b["id"])
    assert scenarios.list_scenarios(db, "alice", "route") == {"scenarios": []}


def test_compare_three_quotes_marks_differences_and_the_best(db):
    ids = [scenarios.save(db, "u", "quote", f"price {p}", {**QUOTE, "price": p})["id"] for p in (30, 40, 50)]
    doc = scenarios.compare(db, "u", ids)
    assert doc["kind"] == "quote" and [s["name"] for s in doc["scenarios"]] == ["price 30", "price 40", "price 50"]
    inputs = {r["field"]: r for r in doc["inputs"]}
    assert inputs["price"]["differs"] and inputs["price"]["values"] == [30, 40, 50]
    assert not inputs["market"]["differs"]
    rows = {r["key"]: r for r in doc["metrics"]}
    margins = rows["margin"]["values"]
    assert margins == sorted(margins) and rows["margin"]["best"] == 2  # the highest price keeps the most
    assert rows["requirements"]["best"] is None  # the same requirements in all three: no best
    assert rows["landed_cost"]["best"] == 0  # VAT and fees grow with the price
    assert rows["route"]["best"] is None  # text: never ranked


def test_compare_rejects_one_or_four(db):
    ids = [scenarios.save(db, "u", "quote", str(i), QUOTE, result={})["id"] for i in range(4)]
    for bad in ([ids[0]], ids, [ids[0], ids[0]]):
        with pytest.raises(InvalidInputError, match="2"):
            scenarios.compare(db, "u", bad)


def test_bad_input_writes_nothing(db):
    with pytest.raises(InvalidInputError, match="kind"):
        scenarios.save(db, "u", "forecast", "x", {})
    with pytest.raises(InvalidInputError):
        scenarios.save(db, "u", "quote", "  ", QUOTE)
    with pytest.raises(InvalidInputError):  # the quote itself refuses a negative price
        scenarios.save(db, "u", "quote", "neg", {**QUOTE, "price": -5})
    with pytest.raises(InvalidInputError, match="source"):
        scenarios.save(db, "u", "pooling", "p", {"source": "elsewhere"})
    assert scenarios.list_scenarios(db, "u") == {"scenarios": []}


def test_route_scenario_metrics(db):
    saved = scenarios.save(db, "u", "route", "都匀 → 德国", {"origin": "522701", "market": "DE", "weight_kg": 100})
    got = {m["key"]: m["value"] for m in saved["metrics"]}
    assert got["routes"] >= 1 and got["cost_cny"] > 0 and got["days"] > 0
    assert got["cheapest_cny"] <= got["cost_cny"] and got["fastest_days"] <= got["days"]


def test_opportunity_scenario_metrics_read_the_ranking(db):
    """The opportunity document lists its pairs under ``ranking``: the scenario's key figures come from it."""
    saved = scenarios.save(
        db, "u", "opportunity", "茶 两市场", {"products": ["duyun-maojian-250g"], "markets": ["DE", "US"]}
    )
    got = {m["key"]: m["value"] for m in saved["metrics"]}
    assert got["pairs"] == len(saved["result"]["ranking"]) >= 1
    assert got["top_score"] == saved["result"]["ranking"][0]["score"]
    feasible = [e for e in saved["result"]["ranking"] if e["feasible"]]
    assert got["top_pair"] == (f"{feasible[0]['product']} → {feasible[0]['market']}" if feasible else None)


def test_the_list_carries_each_scenarios_headline_figures(db):
    saved = scenarios.save(db, "u", "quote", "茶 DE", QUOTE)
    listed = scenarios.list_scenarios(db, "u")["scenarios"]
    assert [s["id"] for s in listed] == [saved["id"]]
    assert listed[0]["metrics"] == saved["metrics"] and "result" not in listed[0]
