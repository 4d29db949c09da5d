"""Bilateral trade data: CEPII BACI and UN Comtrade files into ``user.trade_flows``.

Stored tables (one flows row per year x exporter x importer x HS6 product)::

    user.trade_flows      source VARCHAR, year INTEGER, exporter INTEGER, importer INTEGER,
                          hs6 INTEGER (the 6-digit code as a number: 090210 -> 90210),
                          value_usd DOUBLE, quantity_t DOUBLE
    user.trade_countries  code INTEGER, iso3 VARCHAR (ISO alpha-3; ``N<code>`` when the source
                          gave no ISO code)

Countries and products are stored as integers, as BACI publishes them, and rows are kept in
(year, importer, hs6) order: a full BACI year has ~11 million rows, and grouping them by integer
keys that arrive in runs is several times faster than by strings in file order on DuckDB
(benchmarks/opportunity_scale.py). Names (ISO3, zero-padded HS6) are put back only on
the aggregated output (:func:`qiankua.opportunity.indicators.named_pairs`). One code space for
the store: BACI's own numeric codes are kept where free; an ISO3 that is already known keeps its
code; other new countries take their ISO 3166 numeric code (or the next free code from 1000).

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
from typing import Any

import duckdb
import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from qiankua.exceptions import DataError, DatasetNotFoundError
from qiankua.store.database import Store

TABLE = "trade_flows"
COUNTRIES = "trade_countries"
DDL = (
    'CREATE TABLE IF NOT EXISTS "user"."trade_flows" (source VARCHAR, year INTEGER, exporter INTEGER, '
    "importer INTEGER, hs6 INTEGER, value_usd DOUBLE, quantity_t DOUBLE)"
)
COUNTRIES_DDL = 'CREATE TABLE IF NOT EXISTS "user"."trade_countries" (code INTEGER, iso3 VARCHAR)'
BACI_HEADER = ["t", "i", "j", "k", "v", "q"]
_BACI_DATA = re.compile(r"(?:^|/)BACI_HS(\d{2})_Y(\d{4})_V(\d+)\.csv$")
_BACI_COUNTRIES = re.compile(r"(?:^|/)country_codes_V\d+\.csv$")
_FIRST_FREE = 1000  # codes for countries with neither a source code nor an ISO numeric code


@dataclass(frozen=True, kw_only=True)
class TradeLoad:
    source: str
    file: str
    years: list[int]
    rows: int
    unmapped_codes: list[str]

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": True,
            "source": self.source,
            "file": self.file,
            "years": self.years,
            "rows": self.rows,
            "unmapped_codes": self.unmapped_codes,
        }


@dataclass(frozen=True, kw_only=True)
class BaciFlows:
    """Flows as BACI codes them (``year, exporter, importer, hs6`` integers, ``value_usd``,
    ``quantity_t``), the code -> ISO3 table, and the codes the release left without an ISO3."""

    flows: pa.Table
    countries: pa.Table  # code INTEGER, iso3 VARCHAR (``N<code>`` for unmapped codes)
    unmapped: list[str]


def _country_table(raw: bytes, name: str) -> pa.Table:
    table = pacsv.read_csv(
        io.BytesIO(raw),
        convert_options=pacsv.ConvertOptions(column_types={"country_code": pa.string()}, strings_can_be_null=False),
    )
    cols = table.column_names
    iso3 = next((c for c in ("country_iso3", "iso_3digit_alpha") if c in cols), None)
    if "country_code" not in cols or iso3 is None:
        raise DataError(
            f"{name}: expected BACI country codes with columns country_code and country_iso3 "
            f"(or iso_3digit_alpha); got {', '.join(cols)}."
        )
    return pa.table(
        {
            "code": pc.cast(table["country_code"], pa.int32()),
            "iso3": pc.utf8_trim_whitespace(table[iso3].cast(pa.string())),
        }
    )


def _baci_csv(raw: bytes, name: str) -> pa.Table:
    first = raw[:200].decode("utf-8-sig", errors="replace").splitlines()[0] if raw else ""
    header = [h.strip() for h in first.split(",")]
    if header != BACI_HEADER:
        raise DataError(f"{name}: expected BACI header {','.join(BACI_HEADER)}, got {first!r}.")
    return pacsv.read_csv(
        io.BytesIO(raw),
        convert_options=pacsv.ConvertOptions(
            column_types={
                "t": pa.int32(),
                "i": pa.int32(),
                "j": pa.int32(),
                "k": pa.string(),
                "v": pa.float64(),
                "q": pa.string(),
            }
        ),
    )


def read_baci(path: Path | str, years: list[int] | None = None, countries: Path | str | None = None) -> BaciFlows:
    """Flows from a BACI release zip (or one yearly CSV plus its country-codes CSV), BACI's codes kept.

    Numeric codes without an ISO3 in the country file are kept and named ``N<code>``.
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
            SELECT CAST(t AS INTEGER) AS year, CAST(i AS INTEGER) AS exporter, CAST(j AS INTEGER) AS importer,
                   CAST(trim(k) AS INTEGER) AS hs6, v * 1000.0 AS value_usd,
                   TRY_CAST(nullif(trim(q), 'NA') AS DOUBLE) AS quantity_t
            FROM flows
            """
        ).to_arrow_table()
        unmapped = [
            int(c[0])
            for c in con.execute(
                "SELECT DISTINCT c FROM (SELECT i AS c FROM flows UNION SELECT j FROM flows) "
                "WHERE c NOT IN (SELECT code FROM cc) ORDER BY c"
            ).fetchall()
        ]
    finally:
        con.close()
    known = pa.table({"code": country["code"], "iso3": country["iso3"]})
    extra = pa.table(
        {"code": pa.array(unmapped, pa.int32()), "iso3": pa.array([f"N{c}" for c in unmapped], pa.string())}
    )
    return BaciFlows(flows=table, countries=pa.concat_tables([known, extra]), unmapped=[str(c) for c in unmapped])


_COMTRADE_NEW = {
    "year": ("refYear", "period"),
    "reporter": ("reporterISO",),
    "partner": ("partnerISO",),
    "flow": ("flowCode",),
    "hs": ("cmdCode",),
    "value": ("primaryValue",),
    "kg": ("netWgt",),
}
_COMTRADE_OLD = {
    "year": ("Year",),
    "reporter": ("Reporter ISO",),
    "partner": ("Partner ISO",),
    "flow": ("Trade Flow Code",),
    "hs": ("Commodity Code",),
    "value": ("Trade Value (US$)",),
    "kg": ("Netweight (kg)",),
}
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
        raise DataError(
            f"{path.name}: not a UN Comtrade CSV; expected columns refYear/period, reporterISO, "
            f"partnerISO, flowCode, cmdCode, primaryValue (or the legacy bulk names); got "
            f"{', '.join(header[:12])}."
        )
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
            raise DataError(
                f"{path.name} row {n}: value {r[cols['value']]!r} / year {r[cols['year']]!r} must be numbers."
            ) from None
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
    return pa.table(
        {
            "year": pa.array([r[1] for r in kept], pa.int32()),
            "exporter": [r[2] for r in kept],
            "importer": [r[3] for r in kept],
            "hs6": [r[4] for r in kept],
            "value_usd": pa.array([r[5] for r in kept], pa.float64()),
            "quantity_t": pa.array([r[6] for r in kept], pa.float64()),
        }
    )


def _iso_numeric(iso3: str) -> int | None:
    import pycountry

    country = pycountry.countries.get(alpha_3=iso3)
    return int(country.numeric) if country is not None else None


def _assign_codes(db: Any, iso3s: list[str], preferred: list[int | None]) -> dict[str, int]:
    """Store codes for ``iso3s``: the known code, else ``preferred`` if free, else a new one."""
    existing = {
        iso: int(code) for code, iso in db.execute('SELECT code, iso3 FROM "user"."trade_countries"').fetchall()
    }
    used = set(existing.values())
    next_free = max(used | {_FIRST_FREE - 1}) + 1
    new: list[tuple[int, str]] = []
    out: dict[str, int] = {}
    for iso, pref in zip(iso3s, preferred, strict=True):
        if iso not in existing:
            code = pref if pref is not None and pref not in used else None
            if code is None:
                while next_free in used:
                    next_free += 1
                code = next_free
            used.add(code)
            existing[iso] = code
            new.append((code, iso))
        out[iso] = existing[iso]
    if new:
        db.executemany('INSERT INTO "user"."trade_countries" VALUES (?, ?)', new)
    return out


def _recode(column: pa.ChunkedArray | pa.Array, source_codes: list[int], store_codes: list[int]) -> pa.Array:
    values = pc.cast(column, pa.int32()).to_numpy(zero_copy_only=False)
    if source_codes == store_codes:
        return pa.array(values, pa.int32())
    size = max(max(source_codes, default=0), int(values.max(initial=0))) + 1
    lut = np.arange(size, dtype=np.int32)
    lut[np.asarray(source_codes, dtype=np.int64)] = np.asarray(store_codes, dtype=np.int32)
    return pa.array(lut[values], pa.int32())


def _hs6_int(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if pa.types.is_integer(column.type):
        return pc.cast(column, pa.int32())
    digits = pc.utf8_slice_codeunits(pc.replace_substring_regex(column, r"[^0-9]", ""), 0, 6)
    return pc.cast(digits, pa.int32())


def _encode(db: Any, table: pa.Table, countries: pa.Table | None) -> pa.Table:
    """``table`` in the store's codes: coded flows are recoded through ``countries`` (source code ->
    ISO3), named flows (ISO3 strings) get the store's codes."""
    out = {"year": pc.cast(table["year"], pa.int32())}
    if countries is not None:
        iso = countries["iso3"].to_pylist()
        src = [int(c) for c in countries["code"].to_pylist()]
        codes = _assign_codes(db, iso, list[int | None](src))
        dst = [codes[i] for i in iso]
        for col in ("exporter", "importer"):
            out[col] = _recode(table[col], src, dst)
    else:
        for col in ("exporter", "importer"):
            enc = pc.dictionary_encode(table[col].combine_chunks())
            names = [str(v) for v in enc.dictionary.to_pylist()]
            codes = _assign_codes(db, names, [_iso_numeric(n) for n in names])
            lut = np.asarray([codes[n] for n in names] or [0], dtype=np.int32)
            out[col] = pa.array(lut[enc.indices.to_numpy(zero_copy_only=False)], pa.int32())
    out["hs6"] = _hs6_int(table["hs6"])
    out["value_usd"] = pc.cast(table["value_usd"], pa.float64())
    out["quantity_t"] = (
        pc.cast(table["quantity_t"], pa.float64())
        if "quantity_t" in table.column_names
        else pa.nulls(table.num_rows, pa.float64())
    )
    return pa.table(out)


def ensure_table(store: Store) -> None:
    """Create the flows and countries tables; move a store written with ISO3 text keys to codes. A store open
    read-only (a reader sharing the file, issue 21) is left as it is."""
    if getattr(store, "read_only", False):
        return
    db = store._db
    cols = dict(
        db.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'user' AND table_name = 'trade_flows'"
        ).fetchall()
    )
    db.execute(COUNTRIES_DDL)
    if cols.get("exporter") == "VARCHAR":  # written before countries were stored as codes
        with store.transaction() as tx:
            old = tx.sql('SELECT * FROM "user"."trade_flows"').to_arrow_table()
            tx.execute('DROP TABLE "user"."trade_flows"')
            tx.execute(DDL)
            if old.num_rows:
                coded = _encode(tx, old, None).append_column("source", old["source"])
                tx.register("_migrated_trade", coded)
                try:
                    tx.execute(
                        'INSERT INTO "user"."trade_flows" SELECT source, year, exporter, importer, hs6, '
                        "value_usd, quantity_t FROM _migrated_trade"
                    )
                finally:
                    tx.unregister("_migrated_trade")
        return
    db.execute(DDL)


def load_flows(
    store: Store,
    table: pa.Table,
    *,
    source: str,
    file: str,
    unmapped: list[str] | None = None,
    countries: pa.Table | None = None,
) -> TradeLoad:
    """Replace ``source``'s rows for the years in ``table`` with ``table``, atomically.

    ``table`` has ``year, exporter, importer, hs6, value_usd`` (and ``quantity_t``): either
    exporter / importer as ISO3 text, or as the source's numeric codes with ``countries``
    (``code, iso3``) saying what they mean. HS6 may be text (``"090210"``) or a number.
    """
    years = sorted({int(y) for y in pc.unique(table["year"]).to_pylist()})
    ensure_table(store)
    with store.transaction() as db:
        coded = _encode(db, table, countries)
        db.register("_incoming_trade", coded)
        try:
            db.execute(
                'DELETE FROM "user"."trade_flows" WHERE source = ? AND year IN (SELECT DISTINCT year '
                "FROM _incoming_trade)",
                [source],
            )
            # stored clustered by (year, importer, hs6), the key every indicator groups by: the
            # group-by then meets each key in one run, ~4x faster than in BACI's exporter order
            db.execute(
                'INSERT INTO "user"."trade_flows" SELECT ?, year, exporter, importer, hs6, value_usd, '
                "quantity_t FROM _incoming_trade ORDER BY year, importer, hs6, exporter",
                [source],
            )
        finally:
            db.unregister("_incoming_trade")
    return TradeLoad(source=source, file=file, years=years, rows=table.num_rows, unmapped_codes=unmapped or [])


def load_baci(store: Store, path: Path | str, years: list[int] | None = None) -> TradeLoad:
    data = read_baci(path, years)
    return load_flows(
        store, data.flows, source="baci", file=Path(path).name, unmapped=data.unmapped, countries=data.countries
    )


def load_comtrade(store: Store, path: Path | str) -> TradeLoad:
    return load_flows(store, read_comtrade(path), source="comtrade", file=Path(path).name)


def has_flows(store: Store) -> bool:
    return ("user", TABLE) in store.tables()


def trade_years(store: Store) -> list[int]:
    if not has_flows(store):
        return []
    return [
        int(r[0]) for r in store._db.execute('SELECT DISTINCT year FROM "user"."trade_flows" ORDER BY 1').fetchall()
    ]


def flows_table(store: Store, source: str | None = None) -> ibis.Table:
    """The stored flows (integer country and HS6 codes) as an Ibis table on the store's DuckDB."""
    ensure_table(store)
    t = store.table(TABLE)
    return t.filter(t.source == source) if source else t


def countries_table(store: Store) -> ibis.Table:
    """The store's country codes (``code``, ``iso3``) as an Ibis table."""
    ensure_table(store)
    return store.table(COUNTRIES)


def country_codes(store: Store) -> dict[str, int]:
    """ISO3 -> the store's numeric code."""
    ensure_table(store)
    if ("user", "trade_countries") not in store.tables():  # read-only, before the table existed
        return {}
    return {
        iso: int(code) for code, iso in store._db.execute('SELECT code, iso3 FROM "user"."trade_countries"').fetchall()
    }


def named_flows(store: Store, source: str | None = None) -> ibis.Table:
    """The flows with ISO3 exporter / importer and zero-padded HS6 text (for display and export)."""
    f = flows_table(store, source)
    c = countries_table(store)
    ex, im = c.view(), c.view()
    t = f.left_join(ex, f.exporter == ex.code).left_join(im, f.importer == im.code)
    return t.select(
        f.source,
        f.year,
        exporter=ex.iso3,
        importer=im.iso3,
        hs6=f.hs6.cast("string").lpad(6, "0"),
        value_usd=f.value_usd,
        quantity_t=f.quantity_t,
    )


def spark_flows(store: Store, session: object, source: str | None = None) -> tuple[ibis.Table, ibis.Table]:
    """The same flows and country codes registered in a Spark session, as Ibis tables on the pyspark backend."""
    flows = flows_table(store, source).to_pyarrow()
    countries = countries_table(store).to_pyarrow()
    session.createDataFrame(flows.to_pandas()).createOrReplaceTempView("qiankua_trade_flows")  # type: ignore[attr-defined]
    session.createDataFrame(countries.to_pandas()).createOrReplaceTempView("qiankua_trade_countries")  # type: ignore[attr-defined]
    con = ibis.pyspark.connect(session)
    return con.table("qiankua_trade_flows"), con.table("qiankua_trade_countries")
