"""The embedded DuckDB store — the only package that imports duckdb.

Schemas: ``ref`` holds the built-in reference tables (rebuilt by ``qiankua demo``
or ``qiankua data import``), ``user`` holds what users import (products,
freight_quotes, shipments, sales) and ``meta`` the import log (file, sha256, time,
rows). Reads go through Ibis, so analytic code written against :meth:`Store.table`
runs on DuckDB here and on other Ibis backends elsewhere. Writes are transactions
on the underlying DuckDB connection: an import lands whole or not at all.
"""

from qiankua.settings import DEFAULT_DB_NAME
from qiankua.store.database import Store, default_db_path
from qiankua.store.importer import ImportResult, import_file

__all__ = ["DEFAULT_DB_NAME", "ImportResult", "Store", "default_db_path", "import_file"]
