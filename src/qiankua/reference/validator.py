"""Integrity checks across reference tables: keys, references and provenance coverage.

Rules checked (each failure names table, row and field):

* every table file parses against its spec (types, required cells, vocabularies);
* products' origin county, divisions' parent and hubs' adcode exist in ``divisions``;
* market codes agree with ISO 3166 (pycountry) and currencies with ISO 4217;
* every table has a table-wide provenance row (``row_key`` = ``*``) and every
  ``source_id`` a row cites exists in ``provenance.csv`` for that table;
* a row's ``confidence`` is no higher than the best of the sources it cites;
* tables with ``valid_from``/``valid_to`` have ``valid_from < valid_to``;
* every hub and route node has a Chinese name (``name_zh``), so a Chinese page never shows an English one;
* ``divisions`` holds exactly one province, 9 prefectures and 88 counties for Guizhou.

The checks work on tables already parsed; :func:`qiankua.reference.loader.validate_reference`
reads the files and runs them (so this module imports nothing from the loader).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import polars as pl

from qiankua.domain import is_known_currency
from qiankua.exceptions import CellIssue

GUIZHOU_COUNTS = {"province": 1, "prefecture": 9, "county": 88}


@dataclass(frozen=True, kw_only=True)
class ValidationReport:
    """Outcome of :func:`validate_reference`: row counts per table and every issue."""

    ok: bool
    data_dir: str
    row_counts: dict[str, int]
    county_count: int
    issues: list[CellIssue] = field(default_factory=list)
    confidence_counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "data_dir": self.data_dir,
            "tables": self.row_counts,
            "county_level_divisions": self.county_count,
            "confidence": self.confidence_counts,
            "issues": [i.to_dict() for i in self.issues],
        }


def _issue(table: str, row: int | None, column: str | None, value: object, reason: str) -> CellIssue:
    return CellIssue(
        file=f"{table}.csv",
        sheet=None,
        row=row,
        column=column,
        value=None if value is None else str(value),
        reason=reason,
    )


def check_integrity(tables: dict[str, pl.DataFrame], provenance: pl.DataFrame) -> list[CellIssue]:
    issues: list[CellIssue] = []
    divisions = tables.get("divisions")
    adcodes = set(divisions["adcode"]) if divisions is not None else set()
    counties = set(divisions.filter(pl.col("level") == "county")["adcode"]) if divisions is not None else set()

    if divisions is not None:
        for n, row in enumerate(divisions.iter_rows(named=True), start=2):
            parent = row["parent_adcode"]
            if row["level"] != "province" and parent not in adcodes:
                issues.append(_issue("divisions", n, "parent_adcode", parent, "parent adcode not in divisions"))
        counts = divisions.group_by("level").len()
        got = dict(zip(counts["level"], counts["len"], strict=True))
        for level, expected in GUIZHOU_COUNTS.items():
            if got.get(level, 0) != expected:
                issues.append(
                    _issue(
                        "divisions",
                        None,
                        "level",
                        level,
                        f"expected {expected} {level}-level rows, found {got.get(level, 0)}",
                    )
                )

    products = tables.get("products")
    if products is not None:
        for n, row in enumerate(products.iter_rows(named=True), start=2):
            if row["origin_adcode"] not in counties:
                issues.append(
                    _issue(
                        "products",
                        n,
                        "origin_adcode",
                        row["origin_adcode"],
                        "not a Guizhou county-level adcode in divisions",
                    )
                )
            dims = [row[c] for c in ("carton_l_cm", "carton_w_cm", "carton_h_cm", "carton_gross_kg")]
            if any(d is None for d in dims) and any(d is not None for d in dims):
                issues.append(
                    _issue("products", n, "carton_l_cm", None, "carton dimensions and weight must be given together")
                )
            if row["cn_hs10"] and not row["cn_hs10"].startswith(row["hs6"]):
                issues.append(_issue("products", n, "cn_hs10", row["cn_hs10"], f"does not extend hs6 {row['hs6']}"))

    markets = tables.get("markets")
    if markets is not None:
        import pycountry

        for n, row in enumerate(markets.iter_rows(named=True), start=2):
            country = pycountry.countries.get(alpha_2=row["iso2"])
            if country is None:
                issues.append(_issue("markets", n, "iso2", row["iso2"], "not an ISO 3166-1 alpha-2 code"))
            elif country.alpha_3 != row["iso3"]:
                issues.append(_issue("markets", n, "iso3", row["iso3"], f"ISO 3166 says {country.alpha_3}"))
            if not is_known_currency(row["currency"]):
                issues.append(_issue("markets", n, "currency", row["currency"], "not an ISO 4217 currency"))

    hubs = tables.get("hubs")
    if hubs is not None:
        for n, row in enumerate(hubs.iter_rows(named=True), start=2):
            if row["adcode"] and row["adcode"] not in adcodes:
                issues.append(_issue("hubs", n, "adcode", row["adcode"], "adcode not in divisions"))

    issues.extend(_check_chinese_names(tables))
    issues.extend(_check_validity_windows(tables))
    issues.extend(_check_provenance(tables, provenance))
    return issues


# place tables whose names reach a Chinese page (route plans, maps, reports)
NAMED_PLACE_TABLES = ("hubs", "route_nodes")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _check_chinese_names(tables: dict[str, pl.DataFrame]) -> list[CellIssue]:
    issues = []
    for name in NAMED_PLACE_TABLES:
        frame = tables.get(name)
        if frame is None or "name_zh" not in frame.columns:
            continue
        for n, value in enumerate(frame["name_zh"].to_list(), start=2):
            if value is None or not str(value).strip():
                issues.append(
                    _issue(name, n, "name_zh", value, "no Chinese name: a Chinese page would show the English one")
                )
            elif not _HAN.search(str(value)):
                issues.append(_issue(name, n, "name_zh", value, "Chinese name has no Chinese characters"))
    return issues


def _as_date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _check_validity_windows(tables: dict[str, pl.DataFrame]) -> list[CellIssue]:
    issues = []
    for name, frame in tables.items():
        if "valid_from" not in frame.columns:
            continue
        for n, row in enumerate(frame.iter_rows(named=True), start=2):
            try:
                start, end = _as_date(row["valid_from"]), _as_date(row.get("valid_to"))
            except ValueError as exc:
                issues.append(_issue(name, n, "valid_from", row["valid_from"], f"not a date: {exc}"))
                continue
            if start and end and not start < end:
                issues.append(_issue(name, n, "valid_to", end, "valid_to must be after valid_from"))
    return issues


def _check_provenance(tables: dict[str, pl.DataFrame], provenance: pl.DataFrame) -> list[CellIssue]:
    issues: list[CellIssue] = []
    by_table: dict[str, set[str]] = {}
    table_wide: set[str] = set()
    source_conf: dict[tuple[str, str], str] = {}
    for row in provenance.iter_rows(named=True):
        by_table.setdefault(row["table"], set()).add(row["source_id"])
        source_conf[(row["table"], row["source_id"])] = row["confidence"]
        if row["row_key"] == "*":
            table_wide.add(row["table"])
    for n, row in enumerate(provenance.iter_rows(named=True), start=2):
        if row["table"] not in tables:
            issues.append(_issue("provenance", n, "table", row["table"], "names no reference table"))
    for name, frame in tables.items():
        if name not in table_wide:
            issues.append(
                _issue("provenance", None, "table", name, "table has no table-wide (row_key '*') provenance row")
            )
        if "source_id" not in frame.columns:
            continue
        known = by_table.get(name, set())
        for n, cited in enumerate(frame["source_id"].to_list(), start=2):
            ids = [s.strip() for s in (cited or "").split(";") if s.strip()]
            if not ids:
                issues.append(_issue(name, n, "source_id", cited, "row cites no source"))
            for sid in ids:
                if sid not in known:
                    issues.append(_issue(name, n, "source_id", sid, f"not in provenance.csv for table {name}"))
        if "confidence" in frame.columns:
            issues.extend(_check_confidence_cap(name, frame, source_conf))
    return issues


_RANK = {"confirmed": 0, "likely": 1, "unconfirmed": 2}


def _check_confidence_cap(name: str, frame: pl.DataFrame, source_conf: dict[tuple[str, str], str]) -> list[CellIssue]:
    """A row may be no more certain than the best source it cites (``confirmed`` needs an official one)."""
    issues = []
    for n, (cited, conf) in enumerate(
        zip(frame["source_id"].to_list(), frame["confidence"].to_list(), strict=True), start=2
    ):
        ranks = [
            _RANK.get(source_conf.get((name, s.strip()), "unconfirmed"), 2)
            for s in (cited or "").split(";")
            if s.strip()
        ]
        if ranks and _RANK.get(conf or "", 2) < min(ranks):
            best = next(k for k, v in _RANK.items() if v == min(ranks))
            issues.append(
                _issue(
                    name,
                    n,
                    "confidence",
                    conf,
                    f"higher than its best cited source ({best}); a row is at most as certain as its source",
                )
            )
    return issues
