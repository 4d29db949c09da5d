"""Import: GBK with Chinese headers, XLSX with two sheets, every bad cell listed, all-or-nothing."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from qiankua.exceptions import ImportValidationError
from qiankua.schema import SHIPMENTS
from qiankua.store import Store, import_file

ZH_HEADERS = [c.zh for c in SHIPMENTS.columns]


def shipment(i: int, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "shipment_id": f"S{i:03d}",
        "exporter": f"出口商{i % 5}",
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
    return row


def write_csv(path: Path, rows: list[dict[str, object]], *, encoding: str = "utf-8", zh: bool = False) -> Path:
    names = SHIPMENTS.column_names
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ZH_HEADERS if zh else names)
        for row in rows:
            writer.writerow([row.get(n, "") for n in names])
    return path


def test_gbk_csv_with_chinese_headers_imports(store: Store, ref, tmp_path: Path):
    """A GBK file from Excel on Chinese Windows, headers in Chinese, lands whole."""
    path = write_csv(tmp_path / "本周货物.csv", [shipment(i) for i in range(6)], encoding="gbk", zh=True)
    result = import_file(store, path, "shipments", ref)
    assert result.rows_written == 6 and result.encoding == "gb18030"
    frame = store.frame("shipments")
    assert sorted(frame["exporter"].unique()) == [f"出口商{i}" for i in range(5)]
    assert frame["stackable"].to_list() == [True] * 6
    assert store.row_count("imports", "meta") == 1


def test_xlsx_with_two_sheets_imports_both_and_skips_notes(store: Store, ref, tmp_path: Path):
    wb = Workbook()
    first = wb.active
    first.title = "黔东南"
    first.append([c.header for c in SHIPMENTS.columns])  # bilingual template headers
    for i in range(3):
        first.append([shipment(i).get(n) for n in SHIPMENTS.column_names])
    second = wb.create_sheet("Qiannan")
    second.append(SHIPMENTS.column_names)
    for i in range(3, 5):
        second.append([shipment(i, origin_adcode="522701", destination="US").get(n) for n in SHIPMENTS.column_names])
    notes = wb.create_sheet("说明")
    notes.append(["这是说明页", "not data"])
    path = tmp_path / "week.xlsx"
    wb.save(path)

    result = import_file(store, path, "shipments", ref)
    assert result.rows_written == 5
    assert result.sheets == ["黔东南", "Qiannan"] and result.skipped_sheets == ["说明"]
    assert sorted(store.frame("shipments")["destination"].to_list()) == ["DE", "DE", "DE", "US", "US"]


def test_three_bad_cells_in_three_rows_are_all_listed_and_nothing_is_written(store: Store, ref, tmp_path: Path):
    rows = [shipment(i) for i in range(8)]
    rows[1]["cartons"] = "三"  # not a number (row 3)
    rows[4]["origin_adcode"] = "110101"  # Beijing, not a Guizhou county (row 6)
    rows[6]["destination"] = "XX"  # no such market (row 8)
    path = write_csv(tmp_path / "bad.csv", rows)
    before = store.content_digest()
    with pytest.raises(ImportValidationError) as info:
        import_file(store, path, "shipments", ref)
    got = [(i.file, i.row, i.column, i.value) for i in info.value.issues]
    assert got == [
        ("bad.csv", 3, "cartons", "三"),
        ("bad.csv", 6, "origin_adcode", "110101"),
        ("bad.csv", 8, "destination", "XX"),
    ]
    assert store.content_digest() == before
    assert store.row_count("shipments") == 0


def test_missing_required_column_names_the_column(store: Store, ref, tmp_path: Path):
    path = tmp_path / "short.csv"
    path.write_text("货物编号,出口企业\nS1,甲\n", encoding="utf-8")
    with pytest.raises(ImportValidationError) as info:
        import_file(store, path, "shipments", ref)
    missing = {i.column for i in info.value.issues}
    assert {"origin_adcode", "cartons", "destination"} <= missing
    assert all(i.row == 1 for i in info.value.issues)


def test_append_refuses_existing_keys_upsert_and_replace_do_not(store: Store, ref, tmp_path: Path):
    path = write_csv(tmp_path / "a.csv", [shipment(i) for i in range(3)])
    import_file(store, path, "shipments", ref)
    again = write_csv(tmp_path / "b.csv", [shipment(2, cartons=9), shipment(3)])
    with pytest.raises(ImportValidationError, match="already in the database"):
        import_file(store, again, "shipments", ref)
    assert store.row_count("shipments") == 3
    import_file(store, again, "shipments", ref, mode="upsert")
    frame = store.frame("shipments").sort("shipment_id")
    assert frame["shipment_id"].to_list() == ["S000", "S001", "S002", "S003"]
    assert frame.filter(frame["shipment_id"] == "S002")["cartons"].item() == 9
    import_file(store, again, "shipments", ref, mode="replace")
    assert store.row_count("shipments") == 2


def test_sales_must_name_a_known_product(store: Store, ref, tmp_path: Path):
    product = ref.products["id"][0]
    path = tmp_path / "sales.csv"
    path.write_text(
        "order_id,order_date,product_id,market,channel,quantity,unit_price,currency\n"
        f"o1,2026-11-01,{product},US,amazon,2,19.99,USD\n"
        "o2,2026-11-01,no-such-product,US,amazon,1,9.99,USD\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportValidationError) as info:
        import_file(store, path, "sales", ref)
    assert [(i.row, i.column) for i in info.value.issues] == [(3, "product_id")]


def test_freight_quote_needs_a_price_and_known_places(store: Store, ref, tmp_path: Path):
    hub = ref.hubs["hub_id"][0]
    path = tmp_path / "quotes.csv"
    path.write_text(
        "quote_id,provider,mode,origin,destination,currency,per_kg,valid_from,valid_to\n"
        f"q1,顺丰,air,{hub},DE,CNY,38.5,2026-11-01,2027-01-01\n"
        f"q2,顺丰,air,{hub},DE,CNY,,2026-11-01,\n"
        "q3,顺丰,air,NOWHERE,DE,CNY,30,2026-11-01,2026-10-01\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportValidationError) as info:
        import_file(store, path, "freight_quotes", ref)
    assert [(i.row, i.column) for i in info.value.issues] == [(3, "per_kg"), (4, "origin"), (4, "valid_to")]


# ---- dates and markets as Chinese Excel, WPS and users write them (issue 20)


def test_chinese_dates_and_market_names_land_as_iso(store: Store, ref, tmp_path: Path):
    """A GBK sheet from WPS with 年月日 and slash dates, full-width digits and Chinese market names imports whole."""
    forms = [
        ("2026/12/8 8:00", "德国"),
        ("2026年12月8日 08:00", "Germany"),
        ("２０２６／１２／８　８：００", "de"),
        ("2026.12.08 8:00", "DEU"),
        ("2026-12-8 8:00", "united states"),
        ("2026年12月8日8时", "美国"),
    ]
    rows = [
        shipment(i, ready_from=when, ready_to="2026年12月9日", destination=where)
        for i, (when, where) in enumerate(forms)
    ]
    path = write_csv(tmp_path / "本周货物.csv", rows, encoding="gb18030", zh=True)
    assert import_file(store, path, "shipments", ref).rows_written == len(forms)
    frame = store.frame("shipments").sort("shipment_id")
    assert frame["destination"].to_list() == ["DE", "DE", "DE", "DE", "US", "US"]
    assert set(frame["ready_from"].to_list()) == {dt.datetime(2026, 12, 8, 8, 0)}
    assert set(frame["ready_to"].to_list()) == {dt.datetime(2026, 12, 9)}


def test_sales_with_chinese_dates_serials_and_market_names_land(store: Store, ref, tmp_path: Path):
    product = ref.products["id"][0]
    path = tmp_path / "销售.csv"
    path.write_text(
        "订单号,下单日期,产品编号,市场,渠道/平台,数量,单价,币种\n"
        f"o1,2026年12月8日,{product},德国,amazon,2,19.99,EUR\n"
        f"o2,2026/12/8,{product},gb,amazon,1,9.99,GBP\n"
        f"o3,46364,{product},Japan,amazon,1,999,JPY\n"  # an Excel serial date saved as a number
        f"o4,２０２６．１２．０８,{product},USA,amazon,1,9.99,USD\n",
        encoding="utf-8",
    )
    assert import_file(store, path, "sales", ref).rows_written == 4
    frame = store.frame("sales").sort("order_id")
    assert frame["market"].to_list() == ["DE", "GB", "JP", "US"]
    assert set(frame["order_date"].to_list()) == {dt.date(2026, 12, 8)}


def test_xlsx_serial_numbers_in_a_date_column_are_dates(store: Store, ref, tmp_path: Path):
    """A date column Excel left unformatted holds 46364; a date-formatted one holds a datetime: both land."""
    hub = ref.hubs["hub_id"][0]
    wb = Workbook()
    ws = wb.active
    ws.append(["报价编号", "承运商/货代", "运输方式", "起运地", "目的地", "币种", "每公斤价格", "生效日期", "失效日期"])
    ws.append(["q1", "顺丰", "air", hub, "德国", "CNY", 38.5, 46364, dt.datetime(2027, 1, 1)])
    ws.append(["q2", "顺丰", "air", hub, hub, "CNY", 30, "2026年12月8日", 46388])
    path = tmp_path / "quotes.xlsx"
    wb.save(path)
    assert import_file(store, path, "freight_quotes", ref).rows_written == 2
    frame = store.frame("freight_quotes").sort("quote_id")
    assert frame["destination"].to_list() == ["DE", hub]  # a hub id stays a hub id
    assert frame["valid_from"].to_list() == [dt.date(2026, 12, 8)] * 2
    assert frame["valid_to"].to_list() == [dt.date(2027, 1, 1)] * 2


def test_impossible_date_names_row_and_column_and_writes_nothing(store: Store, ref, tmp_path: Path):
    rows = [
        shipment(i, ready_from="2026年12月8日 08:00", ready_to="2026/12/8 17:00", destination="德国") for i in range(4)
    ]
    rows[2]["ready_from"] = "2026/2/30 08:00"  # no 30 February (row 4)
    path = write_csv(tmp_path / "bad-date.csv", rows, zh=True)
    before = store.content_digest()
    with pytest.raises(ImportValidationError) as info:
        import_file(store, path, "shipments", ref)
    [issue] = info.value.issues
    assert (issue.file, issue.row, issue.column, issue.value) == ("bad-date.csv", 4, "ready_from", "2026/2/30 08:00")
    assert "not a calendar date" in issue.reason and "YYYY年M月D日" in issue.reason
    assert store.content_digest() == before and store.row_count("shipments") == 0


@pytest.mark.parametrize("value", ["Germanyy", "germanyy", "GX"])  # fails the ISO pattern, or passes it (GX)
def test_unknown_market_gets_one_issue_with_the_nearest_names(store: Store, ref, tmp_path: Path, value):
    path = write_csv(tmp_path / "m.csv", [shipment(0), shipment(1, destination=value)])
    with pytest.raises(ImportValidationError) as info:
        import_file(store, path, "shipments", ref)
    [issue] = info.value.issues
    assert (issue.row, issue.column, issue.value) == (3, "destination", value)
    assert issue.reason.startswith(f"unknown market {value!r}") and "nearest: " in issue.reason
    assert store.row_count("shipments") == 0


def test_freight_destination_that_is_no_place_lists_the_nearest_markets(store: Store, ref, tmp_path: Path):
    hub = ref.hubs["hub_id"][0]
    path = tmp_path / "q.csv"
    path.write_text(
        "quote_id,provider,mode,origin,destination,currency,per_kg,valid_from\n"
        f"q1,顺丰,air,{hub},Germani,CNY,38.5,2026/12/8\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportValidationError) as info:
        import_file(store, path, "freight_quotes", ref)
    [issue] = info.value.issues
    assert issue.column == "destination" and "a hub id, a county adcode or a market" in issue.reason
    assert "德国 / Germany (DE)" in issue.reason


# ---- the invariant: an import with any bad row leaves the database unchanged in content

BAD_CELLS = {
    "cartons": ["0", "-2", "x", ""],
    "origin_adcode": ["999999", "5226", ""],
    "destination": ["ZZ", "Narnia", ""],  # "de" and "德国" are markets now (issue 20)
    "carton_kg": ["0", "heavy"],
    "stackable": ["maybe"],
    "ready_to": ["2026-11-30 08:00"],  # before ready_from
}


@given(
    n_rows=st.integers(min_value=1, max_value=25),
    bad=st.lists(
        st.tuples(st.integers(min_value=0, max_value=24), st.sampled_from(sorted(BAD_CELLS)), st.data()),
        min_size=1,
        max_size=4,
    ),
    preload=st.booleans(),
    mode=st.sampled_from(["append", "upsert", "replace"]),
)
def test_any_bad_row_leaves_the_database_unchanged(tmp_path_factory, ref, n_rows, bad, preload, mode):
    tmp = tmp_path_factory.mktemp("prop")
    with Store(tmp / "p.duckdb") as store:
        if preload:
            import_file(store, write_csv(tmp / "seed.csv", [shipment(100 + i) for i in range(3)]), "shipments", ref)
        rows = [shipment(i) for i in range(n_rows)]
        for index, column, data in bad:
            rows[index % n_rows][column] = data.draw(st.sampled_from(BAD_CELLS[column]))
        before = store.content_digest()
        with pytest.raises(ImportValidationError) as info:
            import_file(store, write_csv(tmp / "bad.csv", rows), "shipments", ref, mode=mode)
        assert info.value.issues
        assert store.content_digest() == before
