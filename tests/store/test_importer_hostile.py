"""Hostile and odd cells (issue 21 item 7): every value the store cannot hold is a named cell error and
nothing is written; duplicate headers name both columns; ids use a safe character set; data that imports
is data the engines can use (currency the FX book converts, a quote's origin is a place, not a market);
upsert is one set-based statement; the stored rows can be checked again (``data validate --store``)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from qiankua.exceptions import ImportValidationError
from qiankua.schema import SHIPMENTS
from qiankua.services.fx import fx_book
from qiankua.store import Store, import_file
from qiankua.store.importer import validate_stored

HEADER = [c.name for c in SHIPMENTS.columns]


def _row(i: int, **changes: object) -> list[object]:
    row: dict[str, object] = {
        "shipment_id": f"S{i:03d}",
        "exporter": "出口商",
        "origin_adcode": "522634",
        "product_id": "",
        "cartons": 4,
        "carton_l_cm": 50,
        "carton_w_cm": 40,
        "carton_h_cm": 30,
        "carton_kg": 12.5,
        "stackable": "是",
        "this_side_up": "否",
        "ready_from": "2026-12-01 08:00",
        "ready_to": "2026-12-01 17:00",
        "destination": "DE",
        "service_preference": "cheapest",
        "value_cny": 3000,
    }
    row.update(changes)
    return [row[c] for c in HEADER]


def _csv(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _issues(store: Store, path: Path, table: str, ref, **kw) -> list[tuple[int | None, str | None, str]]:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportValidationError) as info:
        import_file(store, path, table, ref, **kw)
    assert store.row_count(table) == 0  # nothing written
    return [(i.row, i.column, i.reason) for i in info.value.issues]


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("value_cny", "1e20", "number too large to store: at most 14 digits before the decimal point"),
        ("value_cny", "100000000000000", "number too large to store"),
        ("cartons", str(2**63), "number too large to store: integers must lie between"),
        ("exporter", "x" * (1024 * 1024), "text too long to store: 1,048,576 characters (at most 32,767)"),
        ("exporter", "茶\x00叶", "contains a control character (NUL) at position 2"),
        ("exporter", "a\x1bb", "contains a control character (U+001B)"),
        ("shipment_id", "<img src=x onerror=alert(1)>", "expected an identifier"),
        ("shipment_id", "S 001", "expected an identifier"),
    ],
)
def test_a_value_the_store_cannot_hold_is_a_named_cell_error(store: Store, ref, tmp_path: Path, column, value, reason):
    path = _csv(tmp_path / "s.csv", [_row(1), _row(2, **{column: value})])
    issues = _issues(store, path, "shipments", ref)
    assert len(issues) == 1
    row, col, why = issues[0]
    assert (row, col) == (3, column) and why.startswith(reason), why


def test_the_shown_value_of_a_huge_or_binary_cell_is_cut_and_escaped(store: Store, ref, tmp_path: Path):
    path = _csv(tmp_path / "s.csv", [_row(1, exporter="\x00" + "y" * 100_000)])
    with pytest.raises(ImportValidationError) as info:
        import_file(store, path, "shipments", ref)
    [issue] = info.value.issues
    assert issue.value is not None and len(issue.value) < 200 and issue.value.startswith("\\x00")


def test_ids_in_any_script_and_common_punctuation_are_accepted(store: Store, ref, tmp_path: Path):
    ids = ["发货-001", "113-1234567-1234567", "S/2026#7", "ORD:9.1+x", "a_b"]
    path = _csv(tmp_path / "s.csv", [_row(i, shipment_id=s) for i, s in enumerate(ids)])
    assert import_file(store, path, "shipments", ref).rows_written == len(ids)


def test_duplicate_headers_are_an_error_naming_both_columns(store: Store, ref, tmp_path: Path):
    header = [*HEADER, "目的市场"]  # the Chinese header of `destination` a second time
    path = _csv(tmp_path / "s.csv", [[*_row(1), "US"]], header=header)
    [(row, column, reason)] = _issues(store, path, "shipments", ref)
    assert row == 1 and column == "destination"
    assert "'destination' (column N)" in reason and "'目的市场' (column Q)" in reason


def test_full_width_digits_and_commas_are_numbers(store: Store, ref, tmp_path: Path):
    path = _csv(tmp_path / "s.csv", [_row(1, cartons="１２", value_cny="３，０００.５", carton_kg="１２．５")])
    import_file(store, path, "shipments", ref)
    row = store.frame("shipments").row(0, named=True)
    assert row["cartons"] == 12 and float(row["value_cny"]) == 3000.5 and row["carton_kg"] == 12.5


QUOTE_HEADER = "quote_id,provider,mode,origin,destination,currency,per_kg,valid_from\n"


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        ("q1,x,air,CN-CAN,DE,ZZZ,3,2026-11-01", "currency", "not an ISO 4217 currency code"),
        ("q1,x,air,CN-CAN,DE,XXX,3,2026-11-01", "currency", "no exchange rate for this currency"),
        ("q1,x,air,CN-CAN,DE,XAU,3,2026-11-01", "currency", "no exchange rate for this currency"),
        ("q1,x,air,DE,US,USD,3,2026-11-01", "origin", "a market cannot be a quote's origin"),
        ("q1,x,air,德国,US,USD,3,2026-11-01", "origin", "a market cannot be a quote's origin"),
        ("q1,x,air,NOWHERE,US,USD,3,2026-11-01", "origin", "expected a hub id or a county adcode"),
    ],
)
def test_quotes_the_engines_could_not_use_are_refused(store: Store, ref, tmp_path: Path, line, column, reason):
    path = tmp_path / "q.csv"
    path.write_text(QUOTE_HEADER + line + "\n", encoding="utf-8")
    currencies = frozenset(fx_book(None).currencies)
    [(row, col, why)] = _issues(store, path, "freight_quotes", ref, currencies=currencies)
    assert (row, col) == (2, column) and why.startswith(reason), why


def test_a_currency_the_fx_book_converts_imports(store: Store, ref, tmp_path: Path):
    path = tmp_path / "q.csv"
    path.write_text(QUOTE_HEADER + "q1,x,air,CN-CAN,DE,VND,30000,2026-11-01\n", encoding="utf-8")
    currencies = frozenset(fx_book(None).currencies)
    assert import_file(store, path, "freight_quotes", ref, currencies=currencies).rows_written == 1


def test_upsert_replaces_by_key_in_one_statement(store: Store, ref, tmp_path: Path):
    first = _csv(tmp_path / "a.csv", [_row(i) for i in range(300)])
    import_file(store, first, "shipments", ref)
    second = _csv(tmp_path / "b.csv", [_row(i, cartons=9) for i in range(250, 400)])
    result = import_file(store, second, "shipments", ref, mode="upsert")
    assert result.rows_written == 150
    frame = store.frame("shipments")
    assert frame.height == 400
    assert frame.filter(frame["cartons"] == 9).height == 150


def test_the_stored_rows_are_checked_again(store: Store, ref, tmp_path: Path):
    """Rows stored before today's rules (written around the importer) are found by validate_stored."""
    import datetime as dt

    from qiankua.schema import FREIGHT_QUOTES
    from qiankua.store.importer import write_rows

    rows = [
        {"quote_id": "ok", "provider": "x", "mode": "air", "origin": "CN-CAN", "destination": "DE",
         "currency": "USD", "per_kg": 3, "valid_from": dt.date(2026, 1, 1)},
        {"quote_id": "<b>x</b>", "provider": "x", "mode": "air", "origin": "DE", "destination": "US",
         "currency": "XAU", "per_kg": 3, "valid_from": dt.date(2026, 1, 1)},
    ]  # fmt: skip
    write_rows(store, FREIGHT_QUOTES, FREIGHT_QUOTES.frame(rows), mode="append", file_name="old", sha256="")
    counts, issues = validate_stored(store, ref, currencies=frozenset(fx_book(None).currencies))
    assert counts["user.freight_quotes"] == 2
    assert {(i.file, i.row, i.column) for i in issues} == {
        ("user.freight_quotes", 2, "quote_id"),
    }  # a row with a bad cell gets no reference checks, as in an import
    rows[1]["quote_id"] = "q2"
    write_rows(store, FREIGHT_QUOTES, FREIGHT_QUOTES.frame(rows), mode="replace", file_name="old", sha256="")
    _, issues = validate_stored(store, ref, currencies=frozenset(fx_book(None).currencies))
    assert {(i.row, i.column) for i in issues} == {(2, "origin"), (2, "currency")}
