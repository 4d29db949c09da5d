"""Per-table versions of a store (issue 21 soak): an import renews only the versions of the tables it wrote,
so caches of other tables (the user's catalogue, compiled costing rules, the FX book) survive it."""

from __future__ import annotations

import os

import polars as pl

from qiankua.schema import table_spec
from qiankua.services.products import user_catalogue
from qiankua.store import Store
from qiankua.store.database import table_version
from qiankua.store.importer import write_rows

PRODUCTS = pl.DataFrame(
    {
        "id": ["ver-tea-1"],
        "name_en": ["Version tea"],
        "name_zh": ["版本茶"],
        "category": ["tea"],
        "hs6": ["090210"],
        "origin_adcode": ["522701"],
        "unit": ["tin"],
        "unit_value_cny": [120.0],
        "unit_gross_kg": [0.4],
    }
)


def _write(db, table: str, frame: pl.DataFrame | None = None) -> None:  # type: ignore[no-untyped-def]
    spec = table_spec(table)
    full = pl.DataFrame(schema=spec.polars_schema()) if frame is None else frame
    full = full.with_columns([pl.lit(None).alias(c) for c in spec.column_names if c not in full.columns])
    full = full.select(spec.column_names).cast(spec.polars_schema())  # type: ignore[arg-type]
    with Store(db, short_writes=True) as store:
        write_rows(store, spec, full, mode="append", file_name="t.csv", sha256="0" * 64)


def test_an_import_renews_only_the_versions_of_its_tables(tmp_path):
    db = tmp_path / "q.duckdb"
    Store(db).close()
    products, shipments = table_version(db, "user.products"), table_version(db, "user.shipments")
    _write(db, "shipments")
    assert table_version(db, "user.products") == products
    assert table_version(db, "user.shipments") != shipments
    _write(db, "products", PRODUCTS)
    assert table_version(db, "user.products") != products


def test_the_catalogue_cache_survives_an_import_of_other_tables(tmp_path):
    db = tmp_path / "q.duckdb"
    _write(db, "products", PRODUCTS)
    first = user_catalogue(db)
    assert "ver-tea-1" in first.ref.products["id"].to_list()
    _write(db, "shipments")
    assert user_catalogue(db) is first  # not re-read: the products did not change
    _write(db, "products", PRODUCTS.with_columns(id=pl.lit("ver-tea-2")))
    again = user_catalogue(db)
    assert again is not first and {"ver-tea-1", "ver-tea-2"} <= set(again.ref.products["id"].to_list())


def test_a_write_that_does_not_name_its_tables_renews_every_version(tmp_path):
    db = tmp_path / "q.duckdb"
    Store(db).close()
    before = table_version(db, "user.products")
    with Store(db, short_writes=True) as store, store.transaction():
        pass
    assert table_version(db, "user.products") != before
    before = table_version(db, "user.products")
    Store(db).close()  # a session that could have written outside transaction(): everything may have changed
    assert table_version(db, "user.products") != before


def test_a_store_without_versions_is_versioned_by_its_mtime(tmp_path):
    db = tmp_path / "q.duckdb"
    Store(db).close()
    os.remove(f"{db}.versions")
    assert table_version(db, "user.products") == db.stat().st_mtime_ns
