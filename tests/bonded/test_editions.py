"""Editions of the positive list side by side (key: code and edition): each order is checked against the
edition in force on its date (``positive_list_editions.csv``: 2016 from 2016-04-08, 2018 from 2019-01-01,
2019 from 2020-01-01, 2022 from 2022-03-01), or the newest loaded edition flagged as outdated with its age;
importing an edition replaces that edition only; a line may carry several remark kinds.

The list rows below are made up in the list's style (sample data, not quotes of the official list)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from qiankua.bonded.remarks import classify, join_kinds, split_kinds
from qiankua.exceptions import ImportValidationError, InvalidInputError
from qiankua.services import bonded as svc
from qiankua.services.data import import_user_file

from .factory import id_numbers

HEAD = "序号,税则号列,商品名称,备注\n"


def _list(tmp: Path, name: str, rows: list[tuple[str, str]], edition: str | None = None) -> Path:
    """A list file as published (no edition column unless ``edition`` is given)."""
    path = tmp / name
    if edition is None:
        body = HEAD + "".join(f"{k},{code},样品{k},{remark}\n" for k, (code, remark) in enumerate(rows, start=1))
    else:
        body = "序号,税则号列,商品名称,备注,版本\n" + "".join(
            f"{k},{code},样品{k},{remark},{edition}\n" for k, (code, remark) in enumerate(rows, start=1)
        )
    path.write_text(body, encoding="utf-8")
    return path


def _check(tmp: Path, db: Path, rows: list[tuple[str, str, str, int]], seed: int = 3) -> dict[str, str]:
    """(order_id, time, hs_code, quantity) rows of one buyer at 100 CNY a piece -> order_id: reason."""
    buyer = id_numbers(1, seed=seed)[0]
    frame = pl.DataFrame(
        {
            "order_id": [r[0] for r in rows],
            "order_time": [r[1] for r in rows],
            "buyer_id_number": [buyer] * len(rows),
            "hs_code": [r[2] for r in rows],
            "quantity": [r[3] for r in rows],
            "unit_price": [100.0] * len(rows),
            "currency": ["CNY"] * len(rows),
        }
    )
    path = tmp / f"orders-{rows[0][0]}.csv"
    frame.write_csv(path)
    doc = svc.check_files(path, db=db)
    return dict(zip(doc["orders"]["order_id"], doc["orders"]["reason"], strict=True))


def test_each_order_is_checked_against_the_edition_in_force_on_its_date(tmp_path: Path) -> None:
    db = tmp_path / "q.duckdb"
    svc.import_positive_list(_list(tmp_path, "2019.csv", [("21069090", "")]), db, edition="2019")
    doc = svc.import_positive_list(_list(tmp_path, "2022.csv", [("95045020", "")]), db)  # no edition: 2022
    assert doc["editions"] == ["2022"] and doc["rows_replaced"] == 0
    cov = {e["edition"]: e for e in doc["positive_list"]["by_edition"]}
    assert (cov["2019"]["lines"], cov["2019"]["complete"], cov["2022"]["lines"], cov["2022"]["complete"]) == (
        1,
        True,
        1,
        True,
    )
    got = _check(
        tmp_path,
        db,
        [
            ("E1", "2021-06-01 09:00:00", "21069090", 1),  # on the 2019 edition, in force
            ("E2", "2021-06-01 10:00:00", "95045020", 1),  # only on the 2022 edition: not yet in force
            ("E3", "2023-06-01 09:00:00", "95045020", 1),  # 2022 edition
            ("E4", "2023-06-01 10:00:00", "21069090", 1),  # dropped by the (sample) 2022 edition
        ],
    )
    assert got == {"E1": "within_limits", "E2": "not_on_list", "E3": "within_limits", "E4": "not_on_list"}


def test_a_complete_edition_no_longer_in_force_leaves_a_missing_line_unknown(tmp_path: Path) -> None:
    """Only the 2019 edition imported, an order of 2023 (the 2022 edition in force, not loaded): the 2019
    lines still answer (flagged outdated), a line missing from them is unknown, not rejected."""
    db = tmp_path / "q.duckdb"
    svc.import_positive_list(_list(tmp_path, "2019.csv", [("21069090", "")]), db, edition="2019")
    path = tmp_path / "o.csv"
    buyer = id_numbers(1, seed=9)[0]
    pl.DataFrame(
        {
            "order_id": ["U1", "U2", "U3"],
            "order_time": ["2023-06-01 09:00:00", "2023-06-01 10:00:00", "2021-06-01 10:00:00"],
            "buyer_id_number": [buyer] * 3,
            "hs_code": ["21069090", "95045020", "95045020"],
            "quantity": [1, 1, 1],
            "unit_price": [100.0] * 3,
            "currency": ["CNY"] * 3,
        }
    ).write_csv(path)
    doc = svc.document(svc.check_files(path, db=db))
    got = {r["order_id"]: (r["reason"], r["warnings"]) for r in doc["orders"]}
    assert got["U1"] == ("within_limits", "list_outdated")
    assert got["U2"][0] == "within_limits" and set(got["U2"][1].split(";")) == {"list_unverified", "list_outdated"}
    assert got["U3"] == ("not_on_list", "")  # the 2019 edition was in force and complete: off the list


def test_importing_an_edition_replaces_that_edition_only(tmp_path: Path) -> None:
    db = tmp_path / "q.duckdb"
    svc.import_positive_list(_list(tmp_path, "a.csv", [("21069090", ""), ("04021000", "")]), db, edition="2019")
    svc.import_positive_list(_list(tmp_path, "b.csv", [("95045020", ""), ("04021000", "")]), db)
    again = svc.import_positive_list(_list(tmp_path, "c.csv", [("95061100", "")]), db, edition="2022")
    assert again["rows_replaced"] == 2 and again["rows_written"] == 1
    rules = svc.load_rules(db)
    held = rules.positive.filter(pl.col("confidence") == "user").sort("edition", "hs_code")
    assert list(zip(held["edition"], held["hs_code"], strict=True)) == [
        ("2019", "04021000"),
        ("2019", "21069090"),
        ("2022", "95061100"),
    ]
    # the built-in (2016) lines stay beside the user's editions
    assert rules.positive.filter(pl.col("edition") == "2016").height > 0


def test_a_file_without_edition_is_the_newest_through_the_general_import_too(tmp_path: Path) -> None:
    db = tmp_path / "q.duckdb"
    import_user_file(db, _list(tmp_path, "x.csv", [("95045020", "")]), "positive_list")
    import_user_file(db, _list(tmp_path, "y.csv", [("21069090", "")], edition="2019"), "positive_list")
    rules = svc.load_rules(db)
    assert rules.complete_editions == {"2019", "2022"} and svc.newest_edition() == "2022"
    # the list-import of the newest edition also removes the rows stored without an edition
    doc = svc.import_positive_list(_list(tmp_path, "z.csv", [("95061100", "")]), db)
    assert doc["rows_replaced"] == 1
    assert sorted(svc.load_rules(db).positive.filter(pl.col("confidence") == "user")["hs_code"]) == [
        "21069090",
        "95061100",
    ]


def test_an_unknown_or_mixed_edition_is_named_and_nothing_written(tmp_path: Path) -> None:
    db = tmp_path / "q.duckdb"
    with pytest.raises(ImportValidationError) as err:
        import_user_file(db, _list(tmp_path, "s.csv", [("95045020", "")], edition="sample"), "positive_list")
    issue = err.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (2, "edition", "sample")
    with pytest.raises(ImportValidationError) as err:
        svc.import_positive_list(_list(tmp_path, "m.csv", [("95045020", "")], edition="2022"), db, edition="2019")
    issue = err.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (2, "edition", "2022") and "--edition 2019" in issue.reason
    with pytest.raises(InvalidInputError, match="2016, 2018, 2019, 2022"):
        svc.import_positive_list(_list(tmp_path, "n.csv", [("95045020", "")]), db, edition="2025")
    assert svc.load_rules(db).complete_editions == frozenset()


def test_an_old_store_keeps_working_or_says_what_to_do(tmp_path: Path) -> None:
    """A store written before editions were keyed holds rows without an edition (read as the newest) or with
    a free-text one (named in a clear error, with the command that fixes it)."""
    from qiankua.store import Store

    db = tmp_path / "old.duckdb"
    with Store(db) as store, store.transaction() as con:
        con.execute(
            "INSERT INTO user.positive_list (hs_code, name_zh, remark, edition) VALUES "
            "('95045020', '样品', '仅限网购保税商品；每人每年限购2件', NULL)"
        )
    rules = svc.load_rules(db)
    line = rules.positive.filter(pl.col("hs_code") == "95045020").row(0, named=True)
    assert (line["edition"], line["remark_type"], line["qty_cap"]) == ("2022", "quantity_cap;bonded_only", 2.0)
    with Store(db) as store, store.transaction() as con:
        con.execute("UPDATE user.positive_list SET edition = 'sample'")
    with pytest.raises(InvalidInputError, match=r"'sample'.*--table positive_list --mode replace"):
        svc.load_rules(db)


def test_a_line_keeps_every_remark_kind_and_each_is_enforced(tmp_path: Path) -> None:
    got = classify("仅限网购保税商品；每人每年限购2件")
    assert got.kinds == ("quantity_cap", "bonded_only") and got.joined == "quantity_cap;bonded_only"
    assert classify("限家用；列入《进出口野生动植物种商品目录》的商品除外").kinds == ("name_restriction", "exclusion")
    db = tmp_path / "q.duckdb"
    doc = svc.import_positive_list(_list(tmp_path, "k.csv", [("33049900", "仅限网购保税商品；每人每年限购2件")]), db)
    kinds = doc["positive_list"]["by_edition"][0]["remark_kinds"]
    assert (kinds["quantity_cap"], kinds["bonded_only"]) == (1, 1)
    got_orders = _check(
        tmp_path, db, [("K1", "2026-12-01 09:00:00", "33049900", 2), ("K2", "2026-12-01 10:00:00", "33049900", 1)]
    )
    assert got_orders == {"K1": "within_limits", "K2": "over_quantity_cap"}


@given(st.lists(st.sampled_from(["exclusion", "bonded_only", "name_restriction", "quantity_cap", "x"]), max_size=6))
def test_kinds_round_trip_most_binding_first(words: list[str]) -> None:
    kinds = split_kinds(";".join(words))
    assert set(kinds) == set(words) - {"x"}
    assert split_kinds(join_kinds(kinds)) == kinds and (join_kinds(kinds) is None) == (not kinds)


BUILT_IN = svc.load_rules(None)  # built in: the 2016 lines only


@given(st.dates(min_value=dt.date(2010, 1, 1), max_value=dt.date(2035, 12, 31)))
def test_the_edition_used_is_in_force_or_flagged_outdated(day: dt.date) -> None:
    row = BUILT_IN.editions_on(pl.Series([day])).row(0, named=True)
    if day < dt.date(2016, 4, 8):
        assert row["edition"] is None
    else:
        assert row["edition"] == "2016" and row["age_days"] == (day - dt.date(2016, 4, 8)).days
        assert row["stale"] == (day >= dt.date(2019, 1, 1))


def test_an_outdated_edition_is_flagged_on_the_order_and_in_the_coverage(tmp_path: Path) -> None:
    from qiankua.report.bonded import coverage_lines

    db = tmp_path / "q.duckdb"
    buyer = id_numbers(1, seed=5)[0]
    path = tmp_path / "o.csv"
    pl.DataFrame(
        {
            "order_id": ["S1", "S2"],
            "order_time": ["2017-05-01 09:00:00", "2026-12-01 09:00:00"],
            "buyer_id_number": [buyer, buyer],
            "hs_code": ["04090000", "04090000"],  # honey: on the built-in 2016 copy
            "quantity": [1, 1],
            "unit_price": [100.0, 100.0],
            "currency": ["CNY", "CNY"],
        }
    ).write_csv(path)
    doc = svc.document(svc.check_files(path, db=db))
    warnings = {r["order_id"]: r["warnings"] for r in doc["orders"]}
    assert "list_outdated" not in warnings["S1"] and "list_outdated" in warnings["S2"]
    used = {(u["edition"], u["stale"]): u for u in doc["positive_list"]["used"]}
    assert used[("2016", True)]["age_days"] == (dt.date(2026, 12, 1) - dt.date(2016, 4, 8)).days
    assert used[("2016", False)]["orders"] == 1
    zh, en = coverage_lines(doc["positive_list"], "zh"), coverage_lines(doc["positive_list"], "en")
    assert any("已被取代" in line for line in zh) and any("already replaced" in line for line in en)
    assert not any("quantity_cap" in line or "built_in" in line for line in zh + en)  # names, never codes


def test_cli_list_import_json_is_the_service_document(tmp_path: Path) -> None:
    from qiankua.cli import app

    db = tmp_path / "q.duckdb"
    plist = _list(tmp_path, "c.csv", [("95045020", "仅限网购保税商品")])
    res = CliRunner().invoke(app, ["--db", str(db), "bonded", "list-import", str(plist), "--edition", "2019", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["editions"] == ["2019"] and doc["rows_written"] == 1
    assert {e["edition"]: e["lines"] for e in doc["positive_list"]["by_edition"]}["2019"] == 1
    res = CliRunner().invoke(app, ["--lang", "zh", "--db", str(db), "bonded", "list-import", str(plist)])
    assert res.exit_code == 0 and "2022 版（2022-03-01 –）：已载入 1 行" in res.output, res.output


def test_the_import_template_offers_exactly_the_dated_editions() -> None:
    from qiankua.schema import USER_TABLES

    spec = USER_TABLES["positive_list"]
    assert spec.key == ("hs_code", "edition")
    assert spec.by_name["edition"].choices == tuple(sorted(BUILT_IN.editions["edition"].to_list()))
    assert svc.newest_edition() in (spec.by_name["edition"].help_en or "")
