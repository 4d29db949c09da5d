"""Bilateral trade data: CEPII BACI and UN Comtrade files into ``user.trade_flows``.

Canonical table (one row per year x exporter x importer x HS6 product)::

    source VARCHAR, year INTEGER, exporter VARCHAR (ISO alpha-3), importer VARCHAR (ISO alpha-3),
    hs6 VARCHAR (6 digits), value_usd DOUBLE, quantity_t DOUBLE

* **BACI** (CEPII): the release zip holds one CSV per year, ``BACI_HS22_Y2023_V202501.csv`` with
  header ``t,i,j,k,v,q`` — year, exporter and importer as numeric country codes, HS6 product,
  value in **thousands of USD**, quantity in **metric tons** (may be ``NA``) — and a
  ``country_codes_V*.csv`` mapping the numeric codes to ISO (``country_code, country_name,
  country_iso2, country_iso3``; older releases: ``iso_2digit_alpha, iso_3digit_alpha``).
* **UN Comtrade** bulk / API CSV (comma or tab separated): the current API columns
  (``refYear`` or ``period``, ``reporterISO``, ``partnerISO``, ``flowCode`` X/M, ``cmdCode``,
  ``primaryValue``, ``netWgt``) or the legacy bulk columns (``Year``, ``Reporter ISO``,
  ``Partner ISO``, ``Trade Flow Code`` 1 import / 2 export, ``Commodity Code``,
  ``Trade Value (US$)``, ``Netweight (kg)``). Import reports (M) are used when the file has
  them (mirror data, as BACI prefers), else export reports; world / area partners are dropped.

A load replaces the same source's rows for the years it brings, in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from qiankua.exceptions import DataError, DatasetNotFoundError
from qiankua.store.database import Store

TABLE = "trade_flows"
DDL = (
    'CREATE TABLE IF NOT EXISTS "user"."trade_flows" (source VARCHAR, year INTEGER, exporter VARCHAR, '
    "importer VARCHAR, hs6 VARCHAR, value_usd DOUBLE, quantity_t DOUBLE)"
)
BACI_HEADER = ["t", "i", "j", "k", "v", "q"]
_BACI_DATA = re.compile(r"(?:^|/)BACI_HS(\d{2})_Y(\d{4})_V(\d+)\.csv$")
_BACI_COUNTRIES = re.compile(r"(?:^|/)country_codes_V\d+\.csv$")


@dataclass(frozen=True, kw_only=True)
class TradeLoad:
    source: str
    file: str
    years: list[int]
    rows: int
    unmapped_codes: list[str]

    def to_dict(self) -> dict[str, object]:
        return {"ok": True, "source": self.source, "file": self.file, "years": self.years, "rows": self.rows,
                "unmapped_codes": self.unmapped_codes}


def _country_table(raw: bytes, name: str) -> pa.Table:
    table = pacsv.read_csv(io.BytesIO(raw), convert_options=pacsv.ConvertOptions(
        column_types={"country_code": pa.string()}, strings_can_be_null=False))
    cols = table.column_names
    iso3 = next((c for c in ("country_iso3", "iso_3digit_alpha") if c in cols), None)
    if "country_code" not in cols or iso3 is None:
        raise DataError(f"{name}: expected BACI country codes with columns country_code and country_iso3 "
                        f"(or iso_3digit_alpha); got {', '.join(cols)}.")
    return pa.table({"code": pc.cast(table["country_code"], pa.int32()),
                     "iso3": pc.utf8_trim_whitespace(table[iso3].cast(pa.string()))})


def _baci_csv(raw: bytes, name: str) -> pa.Table:
    first = raw[:200].decode("utf-8-sig", errors="replace").splitlines()[0] if raw else ""
    header = [h.strip() for h in first.split(",")]
    if header != BACI_HEADER:
        raise DataError(f"{name}: expected BACI header {','.join(BACI_HEADER)}, got {first!r}.")
    return pacsv.read_csv(io.BytesIO(raw), convert_options=pacsv.ConvertOptions(
        column_types={"t": pa.int32(), "i": pa.int32(), "j": pa.int32(), "k": pa.string(), "v": pa.float64(),
                      "q": pa.string()}))


def read_baci(path: Path | str, years: list[int] | None = None, countries: Path | str | None = None) -> tuple[pa.Table, list[str]]:
    """Canonical flows from a BACI release zip (or one yearly CSV plus its country-codes CSV).

    Returns the table and the numeric codes that had no ISO3 mapping (kept as ``N<code>``).
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetNotFoundError(f"BACI file not found: {path}")
    parts: list[pa.Table] = []
    country: pa.Table | None = None
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            data = [(n, int(m.group(2))) for n in names if (m := _BACI_DATA.search(n))]
            if not data:
                raise DataError(f"{path.name}: no BACI_HSxx_Yyyyy_Vxxxxxx.csv file inside the zip.")
            chosen = [(n, y) for n, y in data if years is None or y in years]
            if not chosen:
                have = sorted(y for _, y in data)
                raise DataError(f"{path.name}: no year {years} in the zip; it has {have}.")
            cc = [n for n in names if _BACI_COUNTRIES.search(n)]
            if not cc:
                raise DataError(f"{path.name}: no country_codes_Vxxxxxx.csv inside the zip.")
            country = _country_table(zf.read(cc[0]), cc[0])
            for name, _y in chosen:
                parts.append(_baci_csv(zf.read(name), name))
    else:
        parts.append(_baci_csv(path.read_bytes(), path.name))
        cc_path = Path(countries) if countries else next(iter(sorted(path.parent.glob("country_codes_V*.csv"))), None)
        if cc_path is None or not Path(cc_path).is_file():
            raise DataError(f"{path.name}: a bare BACI CSV needs its country_codes_V*.csv (pass countries=).")
        country = _country_table(Path(cc_path).read_bytes(), Path(cc_path).name)
    flows = pa.concat_tables(parts)
    con = duckdb.connect()
    try:
        con.register("flows", flows)
        con.register("cc", country)
        table = con.sql(
            """
            SELECT CAST(t AS INTEGER) AS year,
                   coalesce(ce.iso3, 'N' || CAST(i AS VARCHAR)) AS exporter,
                   coalesce(ci.iso3, 'N' || CAST(j AS VARCHAR)) AS importer,
                   lpad(trim(k), 6, '0') AS hs6,
                   v * 1000.0 AS value_usd,
                   TRY_CAST(nullif(trim(q), 'NA') AS DOUBLE) AS quantity_t
            FROM flows LEFT JOIN cc ce ON flows.i = ce.code LEFT JOIN cc ci ON flows.j = ci.code
            """
        ).to_arrow_table()
        unmapped = con.execute(
            "SELECT DISTINCT c FROM (SELECT i AS c FROM flows UNION SELECT j FROM flows) "
            "WHERE c NOT IN (SELECT code FROM cc) ORDER BY c"
        ).fetchall()
    finally:
        con.close()
    return table, [str(c[0]) for c in unmapped]


_COMTRADE_NEW = {"year": ("refYear", "period"), "reporter": ("reporterISO",), "partner": ("partnerISO",),
                 "flow": ("flowCode",), "hs": ("cmdCode",), "value": ("primaryValue",), "kg": ("netWgt",)}
_COMTRADE_OLD = {"year": ("Year",), "reporter": ("Reporter ISO",), "partner": ("Partner ISO",),
                 "flow": ("Trade Flow Code",), "hs": ("Commodity Code",), "value": ("Trade Value (US$)",),
                 "kg": ("Netweight (kg)",)}
_AREAS = {"W00", "WLD", "_X", "X1", "XX", "", "ALL"}


def read_comtrade(path: Path | str) -> pa.Table:
    """Canonical flows from a UN Comtrade CSV / TSV (API or legacy bulk layout), HS6 rows only."""
    path = Path(path)
    if not path.is_file():
        raise DatasetNotFoundError(f"Comtrade file not found: {path}")
    text = path.read_bytes().decode("utf-8-sig")
    first = text.splitlines()[0] if text else ""
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = reader.fieldnames or []
    cols: dict[str, str] = {}
    for layout in (_COMTRADE_NEW, _COMTRADE_OLD):
        found = {k: next((c for c in names if c in header), None) for k, names in layout.items()}
        if all(found[k] for k in ("year", "reporter", "partner", "flow", "hs", "value")):
            cols = {k: v for k, v in found.items() if v}
            break
    if not cols:
        raise DataError(f"{path.name}: not a UN Comtrade CSV; expected columns refYear/period, reporterISO, "
                        f"partnerISO, flowCode, cmdCode, primaryValue (or the legacy bulk names); got "
                        f"{', '.join(header[:12])}.")
    rows = []
    for n, r in enumerate(reader, start=2):
        hs = (r[cols["hs"]] or "").strip()
        if not (hs.isdigit() and len(hs) in (5, 6)):
            continue
        flow = (r[cols["flow"]] or "").strip().upper()
        flow = {"1": "M", "2": "X"}.get(flow, flow)
        if flow not in ("M", "X"):
            continue
        partner = (r[cols["partner"]] or "").strip().upper()
        reporter = (r[cols["reporter"]] or "").strip().upper()
        if partner in _AREAS or reporter in _AREAS:
            continue
        try:
            value = float(r[cols["value"]])
            year = int(str(r[cols["year"]]).strip()[:4])
        except (TypeError, ValueError):
            raise DataError(f"{path.name} row {n}: value {r[cols['value']]!r} / year {r[cols['year']]!r} "
                            "must be numbers.") from None
        kg = r.get(cols.get("kg", ""), "") if "kg" in cols else ""
        try:
            qty = float(kg) / 1000.0 if kg not in (None, "") else None
        except ValueError:
            qty = None
        exporter, importer = (reporter, partner) if flow == "X" else (partner, reporter)
        rows.append((flow, year, exporter, importer, hs.zfill(6), value, qty))
    if not rows:
        raise DataError(f"{path.name}: no HS6 bilateral rows (all rows were totals, areas or other flows).")
    use = "M" if any(r[0] == "M" for r in rows) else "X"
    kept = [r for r in rows if r[0] == use]
    return pa.table({
        "year": pa.array([r[1] for r in kept], pa.int32()), "exporter": [r[2] for r in kept],
        "importer": [r[3] for r in kept], "hs6": [r[4] for r in kept],
        "value_usd": pa.array([r[5] for r in kept], pa.float64()),
        "quantity_t": pa.array([r[6] for r in kept], pa.float64()),
    })


def ensure_table(store: Store) -> None:
    store._db.execute(DDL)


def load_flows(store: Store, table: pa.Table, *, source: str, file: str, unmapped: list[str] | None = None) -> TradeLoad:
    """Replace ``source``'s rows for the years in ``table`` with ``table``, atomically."""
    years = sorted({int(y) for y in table["year"].to_pylist()})
    ensure_table(store)
    with store.transaction() as db:
        db.register("_incoming_trade", table)
        try:
            db.execute('DELETE FROM "user"."trade_flows" WHERE source = ? AND year IN (SELECT DISTINCT year '
                       "FROM _incoming_trade)", [source])
            db.execute('INSERT INTO "user"."trade_flows" SELECT ?, year, exporter, importer, hs6, value_usd, '
                       "quantity_t FROM _incoming_trade", [source])
        finally:
            db.unregister("_incoming_trade")
    return TradeLoad(source=source, file=file, years=years, rows=table.num_rows, unmapped_codes=unmapped or [])


def load_baci(store: Store, path: Path | str, years: list[int] | None = None) -> TradeLoad:
    table, unmapped = read_baci(path, years)
    return load_flows(store, table, source="baci", file=Path(path).name, unmapped=unmapped)


def load_comtrade(store: Store, path: Path | str) -> TradeLoad:
    return load_flows(store, read_comtrade(path), source="comtrade", file=Path(path).name)


def has_flows(store: Store) -> bool:
    return ("user", TABLE) in store.tables()


def trade_years(store: Store) -> list[int]:
    if not has_flows(store):
        return []
    return [int(r[0]) for r in store._db.execute('SELECT DISTINCT year FROM "user"."trade_flows" ORDER BY 1').fetchall()]


def flows_table(store: Store, source: str | None = None) -> ibis.Table:
    """The canonical flows as an Ibis table on the store's DuckDB (optionally one source)."""
    ensure_table(store)
    t = store.table(TABLE)
    return t.filter(t.source == source) if source else t


def spark_flows(store: Store, session: object, source: str | None = None) -> ibis.Table:
    """The same flows registered in a Spark session, as an Ibis table on the pyspark backend."""
    arrow = flows_table(store, source).to_pyarrow()
    session.createDataFrame(arrow.to_pandas()).createOrReplaceTempView("qiankua_trade_flows")  # type: ignore[attr-defined]
    return ibis.pyspark.connect(session).table("qiankua_trade_flows")
