"""The orders module's storage: reading order exports fast (polars CSV/TSV, calamine XLSX), the
``user.orders`` and ``user.sku_mappings`` tables, idempotent upserts and the ``user.sales`` feed.

Order lines are keyed by platform + order id + item id: a re-upload of the same lines writes nothing
(duplicates are counted), a newer report of the same line (now shipped, cancelled or refunded) replaces
it, and the sales rows of every order touched are rebuilt from the accepted, mapped lines. Everything a
call writes happens in one transaction: a bad file writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from qiankua.exceptions import CellIssue, ImportValidationError
from qiankua.orders.readers import LINE_SCHEMA, ROW
from qiankua.store.database import Store

__all__ = [
    "MAPPING_SCHEMA",
    "ORDER_SCHEMA",
    "ReadFile",
    "UpsertCounts",
    "ensure_tables",
    "known_references",
    "load_invoices",
    "load_mappings",
    "load_orders",
    "read_order_file",
    "save_mappings",
    "upsert_orders",
]

ORDER_SCHEMA: dict[str, pl.DataType] = {
    **LINE_SCHEMA,
    "product_id": pl.String(),
    "map_method": pl.String(),
    "imported_at": pl.Datetime("us"),
}
MAPPING_SCHEMA: dict[str, pl.DataType] = {
    "platform": pl.String(),
    "key_kind": pl.String(),  # sku, asin or title
    "key": pl.String(),
    "product_id": pl.String(),
    "quoted_price": pl.Float64(),
    "quoted_currency": pl.String(),
    "quoted_on": pl.Date(),
    "confirmed_at": pl.Datetime("us"),
}
_SQL = {
    pl.String(): "VARCHAR",
    pl.Int64(): "BIGINT",
    pl.UInt64(): "UBIGINT",
    pl.Float64(): "DOUBLE",
    pl.Date(): "DATE",
    pl.Datetime("us"): "TIMESTAMP",
}
KEY = ("platform", "order_id", "item_id")
# the content of a line that a re-upload compares (not where or when it was read)
HASHED = tuple(c for c in LINE_SCHEMA if c not in ("source_file", "source_row"))


def _ddl(name: str, schema: dict[str, pl.DataType]) -> str:
    cols = ", ".join(f'"{c}" {_SQL[t]}' for c, t in schema.items())
    return f'CREATE TABLE IF NOT EXISTS "user"."{name}" ({cols})'


def ensure_tables(store: Store) -> None:
    """Create ``user.orders`` and ``user.sku_mappings`` when absent."""
    db = store.ibis.con
    db.execute(_ddl("orders", ORDER_SCHEMA))
    db.execute(_ddl("sku_mappings", MAPPING_SCHEMA))


def _has(store: Store, name: str) -> bool:
    return ("user", name) in store.tables()


# ----------------------------------------------------------------------------- reading files


@dataclass(frozen=True, slots=True)
class ReadFile:
    """The cells of one export as text columns (and :data:`ROW`), its header row and encoding."""

    name: str
    frame: pl.DataFrame
    header_row: int
    encoding: str | None
    sha256: str = ""  # of the file's bytes as given


def _issue(name: str, reason: str) -> ImportValidationError:
    return ImportValidationError(
        f"Cannot read {name}: {reason}",
        [CellIssue(file=name, sheet=None, row=None, column=None, value=None, reason=reason)],
    )


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in ("\t", ",", ";")}
    return max(counts, key=lambda d: counts[d])


def read_order_file(
    path: Path | str,
    data: bytes | None = None,
    name: str | None = None,
    *,
    columns: Callable[[list[str]], Sequence[str]] | None = None,
) -> ReadFile:
    """The cells of an order export: CSV/TSV (UTF-8, UTF-8 BOM, UTF-16, GB18030/GBK) or XLSX (first sheet).

    ``columns``: given the file's headers, the ones to read (a CSV/TSV's other columns are not parsed: an
    export of 60 columns of which a reader uses 20 is read a third as long); empty or None: all of them."""
    from qiankua.store.files import detect_encoding

    path = Path(path)
    name = name or path.name
    if data is None:
        if not path.is_file():
            raise _issue(name, "file not found")
        data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return replace(_read_excel(name, data), sha256=digest)
    try:
        encoding = detect_encoding(data)
    except ValueError as exc:
        raise _issue(name, str(exc)) from None
    if encoding not in ("utf-8", "utf-8-sig"):
        data = data.decode(encoding).encode("utf-8")
    elif encoding == "utf-8-sig":
        data = data[3:]
    text_head = data[:65536].decode("utf-8", errors="ignore")
    lines = text_head.splitlines()
    skip = 0
    while skip < len(lines) and not lines[skip].strip():
        skip += 1
    if skip >= len(lines):
        raise _issue(name, "the file is empty")
    sep = _delimiter(lines[skip])
    if skip:  # blank lines before the header cut off here (polars' skip_rows would count only non-blank rows)
        data = data[len("".join(text_head.splitlines(keepends=True)[:skip]).encode("utf-8")) :]
    quote = '"' if sep != "\t" else None

    def parse(n_rows: int | None = None, wanted: Sequence[str] | None = None) -> pl.DataFrame:
        return pl.read_csv(
            io.BytesIO(data),
            separator=sep,
            infer_schema=False,
            quote_char=quote,
            truncate_ragged_lines=True,
            n_rows=n_rows,
            columns=list(wanted) if wanted else None,
        )

    try:
        frame = parse(wanted=columns(parse(n_rows=0).columns) if columns else None)
    except pl.exceptions.PolarsError as exc:
        raise _issue(name, f"not a readable CSV/TSV file ({str(exc).splitlines()[0]})") from None
    header_row = skip + 1
    frame = frame.with_row_index(ROW, offset=header_row + 1).with_columns(pl.col(ROW).cast(pl.Int64))
    return ReadFile(name, frame, header_row, encoding, digest)


def _read_excel(name: str, data: bytes) -> ReadFile:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types
        raise _issue(name, f"not a readable Excel workbook ({exc})") from None
    start = next((i for i, r in enumerate(rows) if any(str(v).strip() for v in r)), None)
    if start is None:
        raise _issue(name, "the workbook's first sheet is empty")
    header = [str(h).strip() or f"column_{i + 1}" for i, h in enumerate(rows[start])]

    def cell(v: Any) -> str | None:
        if v is None or v == "":
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, dt.datetime):
            return v.isoformat(sep=" ")
        return str(v)

    body = rows[start + 1 :]
    cols = {h: [cell(r[i]) if i < len(r) else None for r in body] for i, h in enumerate(header)}
    frame = pl.DataFrame(cols, schema=dict.fromkeys(header, pl.String()))
    frame = frame.with_row_index(ROW, offset=start + 2).with_columns(pl.col(ROW).cast(pl.Int64))
    return ReadFile(name, frame, start + 1, None)


# ----------------------------------------------------------------------------- writing orders


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    new: int
    updated: int
    duplicates: int
    sales_rows: int


def upsert_orders(
    store: Store,
    lines: pl.DataFrame,
    *,
    file_names: list[str],
    sha256: str,
    feed_sales: bool = True,
    dedupe: bool = True,
) -> UpsertCounts:
    """Write order lines (with ``product_id``/``map_method``) in one transaction: new keys inserted; a key
    already stored is merged (a field the new report leaves empty keeps its stored value, so the Amazon
    shipping report does not erase the All Orders report's prices) and counted a duplicate when nothing
    changed; the sales rows of every changed order rebuilt."""
    ensure_tables(store)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if dedupe:  # the last of several lines with one key wins (``dedupe=False``: the caller made them unique)
        lines = lines.unique(subset=list(KEY), keep="last", maintain_order=True)
    incoming = lines.with_columns(imported_at=pl.lit(now, dtype=pl.Datetime("us")))
    incoming = incoming.select([pl.col(c).cast(t) for c, t in ORDER_SCHEMA.items()])
    db = store.ibis.con
    cols = ", ".join(f'"{c}"' for c in ORDER_SCHEMA)
    on = " AND ".join(f'o."{k}" = i."{k}"' for k in KEY)
    merged = ", ".join(
        f'i."{c}"' if c in KEY or c == "imported_at" else f'coalesce(i."{c}", o."{c}") AS "{c}"' for c in ORDER_SCHEMA
    )
    same = " AND ".join(
        f'coalesce(i."{c}", o."{c}") IS NOT DISTINCT FROM o."{c}"' for c in (*HASHED, "product_id") if c not in KEY
    )
    # Arrow string views: polars hands its buffers over without copying them into offsets + data
    arrow = incoming.to_arrow(compat_level=pl.CompatLevel.newest())
    with store.transaction(), _unordered_inserts(db):
        db.register("_orders_in", arrow)
        try:
            platforms = incoming["platform"].unique().to_list()
            seen = (
                db.execute(  # no stored line of these platforms: every line is new, no key to look up
                    'SELECT count(*) FROM (SELECT 1 FROM "user".orders WHERE platform IN ?1 LIMIT 1)', [platforms]
                ).fetchone()[0]
                and db.execute(
                    "SELECT count(*) FROM (SELECT DISTINCT platform, order_id FROM _orders_in) i "
                    'SEMI JOIN "user".orders o ON o.platform = i.platform AND o.order_id = i.order_id'
                ).fetchone()[0]
            )
            if not seen:  # only new orders (the usual weekly import): insert and feed sales from them alone
                db.execute(f'INSERT INTO "user".orders ({cols}) SELECT {cols} FROM _orders_in')
                counts = {"new": incoming.height}
                sales = _refresh_sales(db, None, source="_orders_in") if feed_sales else 0
            else:
                db.execute(
                    f"CREATE OR REPLACE TEMP TABLE _orders_cls AS SELECT {merged}, "
                    f"CASE WHEN o.order_id IS NULL THEN 'new' WHEN {same} THEN 'dup' ELSE 'upd' END AS _cls "
                    f'FROM _orders_in i LEFT JOIN "user".orders o ON {on}'
                )
                counts = dict(db.execute("SELECT _cls, count(*) FROM _orders_cls GROUP BY 1").fetchall())
                if counts.get("upd"):
                    db.execute(
                        f"DELETE FROM \"user\".orders o USING (SELECT * FROM _orders_cls WHERE _cls = 'upd') i "
                        f"WHERE {on}"
                    )
                db.execute(f"INSERT INTO \"user\".orders ({cols}) SELECT {cols} FROM _orders_cls WHERE _cls <> 'dup'")
                sales = (
                    _refresh_sales(db, "SELECT DISTINCT platform, order_id FROM _orders_cls WHERE _cls <> 'dup'")
                    if feed_sales
                    else 0
                )
                db.execute("DROP TABLE IF EXISTS _orders_cls")
        finally:
            db.unregister("_orders_in")
        written = int(counts.get("new", 0) + counts.get("upd", 0))
        next_id = db.execute("SELECT coalesce(max(import_id), 0) + 1 FROM meta.imports").fetchone()[0]
        db.execute(
            "INSERT INTO meta.imports VALUES (?, ?, ?, ?, ?, ?, ?)",
            [next_id, "orders", "; ".join(file_names), sha256, "upsert", written, now],
        )
    return UpsertCounts(
        new=int(counts.get("new", 0)),
        updated=int(counts.get("upd", 0)),
        duplicates=int(counts.get("dup", 0)),
        sales_rows=sales,
    )


@contextmanager
def _unordered_inserts(db: Any) -> Iterator[None]:
    """DuckDB's ``preserve_insertion_order`` off for the block, then as it was. Row order in the tables
    means nothing (every read sorts), and with it on a parallel INSERT leaves row groups that the next
    checkpoint rewrites: about as much work again as the insert itself (measured at 1M lines)."""
    before = db.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    db.execute("SET preserve_insertion_order = false")
    try:
        yield
    finally:
        db.execute(f"SET preserve_insertion_order = {'true' if before else 'false'}")


# statuses whose lines are sales (not unpaid, cancelled or returned)
SALE_STATUSES = ("unshipped", "partially_shipped", "shipped", "delivered", "refunded")


def _refresh_sales(db: Any, touched_sql: str | None, source: str = '"user".orders') -> int:
    """Rebuild ``user.sales`` rows (order id ``platform:order``) of the orders in ``touched_sql`` from the
    order lines in ``source``; ``touched_sql`` None: every order in ``source`` (all of them new)."""
    if touched_sql is None:
        keys = f"SELECT DISTINCT platform || ':' || order_id FROM {source}"
        join = ""
    else:
        db.execute(f"CREATE OR REPLACE TEMP TABLE _touched AS {touched_sql}")
        keys = "SELECT platform || ':' || order_id FROM _touched"
        join = "JOIN _touched t ON o.platform = t.platform AND o.order_id = t.order_id"
    if db.execute('SELECT count(*) FROM (SELECT 1 FROM "user".sales LIMIT 1)').fetchone()[0]:
        db.execute(f'DELETE FROM "user".sales WHERE order_id IN ({keys})')
    statuses = ", ".join(f"'{s}'" for s in SALE_STATUSES)
    # what the buyer paid for the goods, net of the seller's discounts and refunds (three sums, not one sum of
    # the differences: the same doubles, so the same rounding of a half cent as the rows stored before)
    net = "(sum(o.item_price) - sum(coalesce(o.discount, 0)) - sum(coalesce(o.refund, 0)))"
    n = db.execute(
        f"""
        INSERT INTO "user".sales (order_id, order_date, product_id, market, channel, quantity, unit_price, currency)
        SELECT o.platform || ':' || o.order_id, min(o.order_date), o.product_id, min(o.ship_country), o.platform,
               sum(o.quantity), CAST(round({net} / sum(o.quantity), 4) AS DECIMAL(18,4)), min(o.currency)
        FROM {source} o {join}
        WHERE o.product_id IS NOT NULL AND o.status IN ({statuses}) AND o.quantity >= 1
          AND o.item_price IS NOT NULL AND o.currency IS NOT NULL
        GROUP BY o.platform, o.order_id, o.product_id
        HAVING {net} >= 0
        """
    ).fetchone()[0]
    db.execute("DROP TABLE IF EXISTS _touched")
    return int(n)


def load_orders(
    store: Store, *, start: dt.date | None = None, end: dt.date | None = None, platform: str | None = None
) -> pl.DataFrame:
    """Stored order lines with ``start <= order_date <= end`` (either open)."""
    if not _has(store, "orders"):
        return pl.DataFrame(schema=ORDER_SCHEMA)
    where: list[str] = []
    args: list[Any] = []
    if start is not None:
        where.append("order_date >= ?")
        args.append(start)
    if end is not None:
        where.append("order_date <= ?")
        args.append(end)
    if platform is not None:
        where.append("platform = ?")
        args.append(platform)
    sql = (
        'SELECT * FROM "user".orders'
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY order_time, platform, order_id, item_id"
    )
    frame = pl.from_arrow(store.ibis.con.sql(sql, params=args).to_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame.cast(ORDER_SCHEMA)  # type: ignore[arg-type]


def load_mappings(store: Store) -> pl.DataFrame:
    if not _has(store, "sku_mappings"):
        return pl.DataFrame(schema=MAPPING_SCHEMA)
    return store.frame("sku_mappings").cast(MAPPING_SCHEMA)  # type: ignore[arg-type]


def save_mappings(store: Store, mappings: pl.DataFrame) -> tuple[int, int]:
    """Remember confirmed mappings (replacing the same platform + key) and apply them to stored lines that
    have no product yet or had this key's old one; rebuild their sales rows. Returns (mappings, lines)."""
    ensure_tables(store)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    frame = mappings.with_columns(confirmed_at=pl.lit(now, dtype=pl.Datetime("us")))
    for c, t in MAPPING_SCHEMA.items():
        if c not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=t).alias(c))
    frame = frame.select([pl.col(c).cast(t) for c, t in MAPPING_SCHEMA.items()])
    db = store.ibis.con
    cols = ", ".join(f'"{c}"' for c in MAPPING_SCHEMA)
    with store.transaction():
        db.register("_map_in", frame.to_arrow())
        try:
            db.execute(
                'DELETE FROM "user".sku_mappings m USING _map_in i '
                "WHERE m.platform = i.platform AND m.key_kind = i.key_kind AND m.key = i.key"
            )
            db.execute(f'INSERT INTO "user".sku_mappings ({cols}) SELECT {cols} FROM _map_in')
            touched = 0
            for kind, column in (("title", "title"), ("asin", "asin"), ("sku", "sku")):  # sku wins: applied last
                db.execute(
                    f"UPDATE \"user\".orders o SET product_id = i.product_id, map_method = 'confirmed' FROM _map_in i "
                    f"WHERE i.key_kind = '{kind}' AND o.platform = i.platform AND o.{column} = i.key"
                )
            touched = db.execute(
                'SELECT count(*) FROM "user".orders o JOIN _map_in i ON o.platform = i.platform AND '
                "((i.key_kind = 'sku' AND o.sku = i.key) OR (i.key_kind = 'asin' AND o.asin = i.key) "
                "OR (i.key_kind = 'title' AND o.title = i.key))"
            ).fetchone()[0]
            _refresh_sales(
                db,
                'SELECT DISTINCT o.platform, o.order_id FROM "user".orders o JOIN _map_in i ON o.platform = i.platform '
                "AND ((i.key_kind = 'sku' AND o.sku = i.key) OR (i.key_kind = 'asin' AND o.asin = i.key) "
                "OR (i.key_kind = 'title' AND o.title = i.key))",
            )
        finally:
            db.unregister("_map_in")
    return frame.height, int(touched)


# ----------------------------------------------------------------------------- carrier invoices

INVOICE_SCHEMA: dict[str, pl.DataType] = {
    "carrier": pl.String(),
    "invoice_no": pl.String(),
    "waybill_or_order": pl.String(),
    "platform": pl.String(),
    "invoice_date": pl.Date(),
    "charge": pl.String(),
    "amount": pl.Float64(),
    "currency": pl.String(),
    "weight_kg": pl.Float64(),
}


def load_invoices(store: Store) -> pl.DataFrame:
    """The user's carrier invoice lines (``user.carrier_invoices``, imported with ``qiankua data import``)."""
    if not _has(store, "carrier_invoices"):
        return pl.DataFrame(schema=INVOICE_SCHEMA)
    frame = store.frame("carrier_invoices")
    return frame.select([pl.col(c).cast(t) for c, t in INVOICE_SCHEMA.items() if c in frame.columns])


def known_references(store: Store, refs: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``refs`` (``waybill_or_order``, ``platform`` or null) that some stored order line carries
    as its waybill (``tracking_no``) or its order id (of that platform, when one is given)."""
    if not refs.height or not _has(store, "orders"):
        return refs.head(0)
    db = store.ibis.con
    frame = refs.select(pl.col("waybill_or_order").cast(pl.String), pl.col("platform").cast(pl.String)).unique()
    db.register("_inv_refs", frame.to_arrow())
    try:
        found = db.execute(
            'SELECT r.waybill_or_order, r.platform FROM _inv_refs r WHERE EXISTS (SELECT 1 FROM "user".orders o '
            "WHERE (o.tracking_no = r.waybill_or_order OR o.order_id = r.waybill_or_order) "
            "AND (r.platform IS NULL OR o.platform = lower(r.platform)))"
        ).fetchall()
    finally:
        db.unregister("_inv_refs")
    return pl.DataFrame(found, schema=frame.schema, orient="row")


# ----------------------------------------------------------------------------- column maps


def save_column_map(store: Store, platform: str, spec_json: str) -> None:
    """Remember a user's column map for ``platform`` (replacing the one stored before)."""
    db = store.ibis.con
    with store.transaction():
        db.execute(
            'CREATE TABLE IF NOT EXISTS "user".order_column_maps (platform VARCHAR, spec VARCHAR, saved_at TIMESTAMP)'
        )
        db.execute('DELETE FROM "user".order_column_maps WHERE platform = ?', [platform])
        db.execute(
            'INSERT INTO "user".order_column_maps VALUES (?, ?, ?)',
            [platform, spec_json, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
        )


def column_maps(store: Store) -> dict[str, str]:
    """platform -> stored column map (JSON text)."""
    if not _has(store, "order_column_maps"):
        return {}
    return dict(store.ibis.con.execute('SELECT platform, spec FROM "user".order_column_maps').fetchall())


# ----------------------------------------------------------------------------- declaration files


def _safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, prefixed with ``'`` (a phone number ``+44 …`` stays as is)."""
    if isinstance(value, str) and value and (value[0] in "=@\t\r" or (value[0] in "+-" and not value[1:2].isdigit())):
        return "'" + value
    return value


def write_declaration(
    out_dir: Path,
    stem: str,
    xml: bytes,
    sheet: tuple[list[str], list[list[str]]],
    missing: dict[str, int],
    waybills: list[dict[str, Any]],
    waybill_columns: tuple[str, ...],
) -> dict[str, Path]:
    """Write ``<stem>.xml`` (CEB603), ``<stem>.xlsx`` (the list for agents, a sheet of fields to fill) and
    ``<stem>_waybills.csv`` (UTF-8 with BOM, so Excel shows Chinese) into ``out_dir``."""
    import csv

    from openpyxl import Workbook

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "xml": out_dir / f"{stem}.xml",
        "xlsx": out_dir / f"{stem}.xlsx",
        "waybills": out_dir / f"{stem}_waybills.csv",
    }
    paths["xml"].write_bytes(xml)
    book = Workbook()
    ws = book.active
    ws.title = "CEB603"
    header, rows = sheet
    ws.append(header)
    for row in rows:
        ws.append([_safe(v) for v in row])
    ws.freeze_panes = "A2"
    todo = book.create_sheet("待填字段 to fill")
    todo.append(["字段 / field", "订单数 / orders"])
    for name, n in sorted(missing.items()):
        todo.append([name, n])
    book.save(paths["xlsx"])
    with paths["waybills"].open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(waybill_columns)
        for r in waybills:
            w.writerow([_safe(r.get(c, "")) for c in waybill_columns])
    return paths
