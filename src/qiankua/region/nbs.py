"""Readers for the National Bureau of Statistics' provincial annual data (国家数据 · 分省年度数据, dbcode fsnd).

Two shapes, both turned into long rows ``area name, year, value`` plus the unit the source states:

* the file data.stats.gov.cn offers for download after a query (CSV or the same rows from a sheet): a few
  header lines (``数据库：分省年度数据``, ``指标：快递量(万件)``, ``时间：…``), a row ``地区,2023年,2022年,…``,
  one row per province, then notes (``注：`` …, ``数据来源：国家统计局``);
* the JSON the site's query endpoint answers (``returndata.datanodes[]``: ``data.data``, ``data.hasdata``,
  ``wds`` with ``zb`` (indicator), ``reg`` (area code) and ``sj`` (year) value codes).

Pure: text in, rows out. Written by hand: no maintained library reads these shapes without also fetching.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from qiankua.exceptions import InvalidInputError

NBS_QUERY_URL = "https://data.stats.gov.cn/easyquery.htm"
_YEAR = re.compile(r"^\s*(\d{4})\s*年?\s*$")
_INDICATOR = re.compile(r"^\s*指标[：:]\s*(?P<name>.+?)\s*[（(](?P<unit>[^()（）]+)[)）]\s*$")
# the NBS unit as written -> the unit string of region_indicators.csv
UNITS = {
    "万件": "10k items",
    "万户": "10k subscribers",
    "万个": "10k stations",
    "亿元": "100m CNY",
    "个": "count",
    "%": "%",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class NbsRows:
    indicator_name: str | None  # as the file names it (e.g. 快递量)
    unit: str | None  # mapped to region_indicators' unit, or the raw text when unknown
    rows: list[tuple[str, int, float]]  # (area as written, year, value); empty cells are left out


def read_export(text: str, file: str = "file") -> NbsRows:
    """Rows of an NBS 分省年度数据 download (CSV text). Errors name the file and line."""
    lines = list(csv.reader(io.StringIO(text)))
    name = unit = None
    header_at = None
    years: list[int | None] = []
    for i, cells in enumerate(lines):
        first = (cells[0] if cells else "").strip().lstrip("\ufeff")
        m = _INDICATOR.match(first)
        if m:
            name, raw = m.group("name"), m.group("unit").strip()
            unit = UNITS.get(raw, raw)
        if first in ("地区", "地区名称", "region") and len(cells) > 1:
            parsed = [(int(y.group(1)) if (y := _YEAR.match(c)) else None) for c in cells[1:]]
            if any(p is not None for p in parsed):
                header_at, years = i, parsed
                break
    if header_at is None:
        raise InvalidInputError(
            f"{file}: no header row '地区,2023年,2022年,…' found: is this a data.stats.gov.cn 分省年度数据 download?"
        )
    rows: list[tuple[str, int, float]] = []
    for i, cells in enumerate(lines[header_at + 1 :], start=header_at + 2):
        first = (cells[0] if cells else "").strip()
        if not first or first.startswith(("注", "数据来源", "Note", "Source")):
            break
        for year, cell in zip(years, cells[1:], strict=False):
            value = cell.strip().replace(",", "")
            if year is None or value in ("", "…", "...", "-", "—"):
                continue  # a missing cell stays missing
            try:
                number = float(value)
            except ValueError:
                raise InvalidInputError(f"{file} line {i}, {first} {year}: {cell!r} is not a number") from None
            rows.append((first, year, number))
    if not rows:
        raise InvalidInputError(f"{file}: the table has no values")
    return NbsRows(indicator_name=name, unit=unit, rows=rows)


def read_query_json(doc: dict[str, Any], source: str = "response") -> NbsRows:
    """Rows of an easyquery ``QueryData`` answer (areas as their 6-digit codes)."""
    try:
        nodes = doc["returndata"]["datanodes"]
    except (KeyError, TypeError):
        raise InvalidInputError(f"{source}: not an NBS query answer (no returndata.datanodes)") from None
    rows: list[tuple[str, int, float]] = []
    for node in nodes:
        data = node.get("data") or {}
        if not data.get("hasdata"):
            continue
        wds = {w.get("wdcode"): str(w.get("valuecode")) for w in node.get("wds", [])}
        if "reg" not in wds or "sj" not in wds or not wds["sj"][:4].isdigit():
            raise InvalidInputError(f"{source}: a data node without area (reg) or year (sj): {node.get('code')}")
        rows.append((wds["reg"], int(wds["sj"][:4]), float(data["data"])))
    unit = None
    for wd in doc["returndata"].get("wdnodes", []):
        if wd.get("wdcode") == "zb" and wd.get("nodes"):
            raw = str(wd["nodes"][0].get("unit") or "").strip()
            unit = UNITS.get(raw, raw) or None
    return NbsRows(indicator_name=None, unit=unit, rows=rows)


def query_params(zb_code: str, years: str = "LAST10") -> dict[str, str]:
    """The query string of an 分省年度数据 request for one indicator code, all provinces, by year."""
    import json

    return {
        "m": "QueryData",
        "dbcode": "fsnd",
        "rowcode": "reg",
        "colcode": "sj",
        "wds": json.dumps([{"wdcode": "zb", "valuecode": zb_code}]),
        "dfwds": json.dumps([{"wdcode": "sj", "valuecode": years}]),
    }


__all__ = ["NBS_QUERY_URL", "UNITS", "NbsRows", "query_params", "read_export", "read_query_json"]
