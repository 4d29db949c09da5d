"""Readers for official tariff-schedule downloads: a file in, rows of the ``tariffs`` table out.

Formats (:data:`FORMATS`; :func:`detect_format` tells them apart by their header row):

``usitc-hts``
    The "Export" of the US Harmonized Tariff Schedule (hts.usitc.gov), CSV or JSON.
    Area ``US``; the *General* column is the MFN rate. *Special* and *Column 2* are
    not read: no US preference programme covers goods of Chinese origin, and
    Column 2 applies to Cuba and North Korea only. Footnotes on the general column
    (JSON only, e.g. "See 9903.88.15.", a pointer to a Chapter 99 additional duty)
    are kept in ``notes``. The file states no edition date: ``valid_from`` is
    ``as_of``.
``uk-global-tariff``
    The UK Global Tariff download of the Department for International Trade
    ("Tariffs to trade with the UK from 1 January 2021", CSV or XLSX, OGL v3).
    Area ``GB``; ``ukgt_duty_rate`` is the MFN rate (the ``cet_duty_rate`` column is
    the EU's former rate and is not read). ``valid_from`` is ``as_of``, else
    2021-01-01, the date the dataset says it takes effect. Trade-remedy,
    suspension and quota flags go to ``notes``.
``wits-trains``
    The tariff download of WITS (World Bank) / UNCTAD TRAINS, CSV or XLSX. Only rows
    with ``DutyType`` MFN and ``Partner`` 000 (World) are schedule rates; AHS, PRF
    and BND rows (applied-to-partner, preferential and bound statistics) and
    partner-specific views are not imported. WITS gives a *simple average* per
    product: it is a rate only when the minimum and maximum line rates equal it
    and no line lacks an ad valorem equivalent; otherwise the rate is left empty
    and the statistics go to ``notes``. The product code is kept at the level
    the file gives (HS2/HS4 aggregates stay 2 or 4 digits long). ``valid_from``
    is ``as_of``, else 1 January of the tariff year.
``generic``
    Any CSV/XLSX with an HS-code column and a duty column, named by
    ``columns={"code": ..., "duty": ..., "agreement": ..., "area": ..., "valid_from": ...}``
    (only code and duty are required; ``area`` and ``valid_from`` default to the
    arguments, ``agreement`` to MFN).

Output: exactly the ``tariffs`` columns (:data:`TARIFF_COLUMNS`, types as
``qiankua.costing.rules.TABLE_SPECS["tariffs"]``). One row per area, HS prefix,
agreement and ``valid_from`` - the table's key - with ``hs_prefix`` the first six
digits of the national line. National lines under one prefix that carry the same
duty are merged (``national_line`` "2309.90.28 / 2309.90.48"); when they differ,
the row has an empty rate, confidence ``unconfirmed`` and every line's duty in
``notes`` - the reader never picks one for the user.

Duty expressions (:func:`parse_duty`) are read faithfully: "Free" -> 0; "6.4%" ->
0.064; "80.4¢/kg + 6.4%" -> rate 0.064 and specific 0.804 USD per kg; "10.00% +
77.00 GBP/100kg" -> 0.10 and 0.77 GBP per kg; "12.80% MIN 2.4€/100kg/net" -> 0.128
with ``min_per_kg`` 0.024 EUR. Units are scaled exactly (100 kg, tonne -> kg; hl ->
liter; "% vol/hl" -> lpa, litre of pure alcohol; 1000 items, dozen -> item), into
the units the costing engine prices: kg (net), liter, lpa, item. A purely specific
duty leaves ``rate`` empty, as in the built-in table. Anything else - seasonal
rates, entry prices, MAX caps, duties on a metal content, two specific parts, US
proof litres, "See 9903 ..." - gives an empty rate with the raw expression in
``notes``, never a guess.

Malformed content (a required column missing, a code that is not an HS number, a
number that is not a number, a national line listed twice) is reported as
:class:`~qiankua.exceptions.CellIssue` (file, row as a spreadsheet shows it - for
JSON the position in the array -, column, reason); :func:`read_schedule` then raises
:class:`~qiankua.exceptions.ImportValidationError` and returns nothing partial.
Pure: no database, no network; the caller registers ``source_id`` in provenance.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import polars as pl

from qiankua.domain import CONFIDENCE_LEVELS
from qiankua.exceptions import CellIssue, ImportValidationError, InvalidInputError

__all__ = ["FORMATS", "TARIFF_COLUMNS", "Duty", "detect_format", "parse_duty", "parse_schedule", "read_schedule"]

FORMATS: tuple[str, ...] = ("usitc-hts", "uk-global-tariff", "wits-trains", "generic")
_SCHEMA: dict[str, pl.DataType] = {
    "area": pl.String(),
    "hs_prefix": pl.String(),
    "agreement": pl.String(),
    "rate": pl.Float64(),
    "specific": pl.Float64(),
    "specific_unit": pl.String(),
    "specific_currency": pl.String(),
    "min_per_kg": pl.Float64(),
    "national_line": pl.String(),
    "valid_from": pl.Date(),
    "valid_to": pl.Date(),
    "source_id": pl.String(),
    "confidence": pl.String(),
    "notes": pl.String(),
}
TARIFF_COLUMNS: tuple[str, ...] = tuple(_SCHEMA)
_LABELS = {
    "usitc-hts": "USITC HTS general rate",
    "uk-global-tariff": "UK Global Tariff (ukgt_duty_rate)",
    "wits-trains": "WITS/TRAINS",
    "generic": "schedule",
}
# DIT metadata (issued 2020-05-19): "Tariffs to trade with the UK from 1 January 2021"
_UKGT_IN_FORCE = dt.date(2021, 1, 1)
_MAX_LISTED = 30  # lines spelled out in one row's notes
_NOT_HELD = "is not a duty the table can hold (rate, specific per unit, minimum per kg); rate left empty"


# --------------------------------------------------------------------------- duty expressions


@dataclass(frozen=True, slots=True, kw_only=True)
class Duty:
    """One parsed duty expression; ``expressible`` is False when the table cannot hold it."""

    raw: str
    rate: float | None = None
    specific: float | None = None
    specific_unit: str | None = None
    currency: str | None = None
    min_per_kg: float | None = None
    expressible: bool = True

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.rate, self.specific, self.specific_unit, self.currency, self.min_per_kg)


# The units the costing engine prices a specific duty in (TABLE_SPECS["tariffs"] specific_unit choices):
# net kg, litre, litre of pure alcohol, item. Anything else (US proof litres, m3, ...) stays raw.
_TABLE_UNITS = ("kg", "liter", "lpa", "item")
# unit as written (spaces, commas and a final dot removed, lower case) -> (table unit, quantity it counts)
_UNITS: dict[str, tuple[str, int]] = {
    "kg": ("kg", 1),
    "kg/net": ("kg", 1),
    "100kg": ("kg", 100),
    "100kg/net": ("kg", 100),
    "1000kg": ("kg", 1000),
    "tonne": ("kg", 1000),
    "t": ("kg", 1000),
    "l": ("liter", 1),
    "liter": ("liter", 1),
    "litre": ("liter", 1),
    "hl": ("liter", 100),
    "%vol/hl": ("lpa", 1),
    "lpa": ("lpa", 1),
    "each": ("item", 1),
    "head": ("item", 1),
    "item": ("item", 1),
    "p/st": ("item", 1),
    "no": ("item", 1),
    "1000items": ("item", 1000),
    "1000p/st": ("item", 1000),
    "doz": ("item", 12),
}
_NUM = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_PERCENT = re.compile(rf"{_NUM}\s*%")
_CENTS = re.compile(rf"{_NUM}\s*¢\s*(?:/\s*(.+)|(each))")
_DOLLARS = re.compile(rf"\$\s*{_NUM}\s*/\s*(.+)")
_AMOUNT = re.compile(rf"{_NUM}\s*([A-Z]{{3}}|€|£)\s*/\s*(.+)")
_SYMBOLS = {"€": "EUR", "£": "GBP"}


class _Unexpressible(Exception):
    pass


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _amount(text: str, dollar_currency: str | None) -> tuple[Decimal, str, str]:
    """``(amount per table unit, table unit, currency)`` of one specific part."""
    if m := _CENTS.fullmatch(text):
        if dollar_currency is None:
            raise _Unexpressible
        value, unit_text, currency = _dec(m[1]) / 100, m[2] or m[3], dollar_currency
    elif m := _DOLLARS.fullmatch(text):
        if dollar_currency is None:
            raise _Unexpressible
        value, unit_text, currency = _dec(m[1]), m[2], dollar_currency
    elif m := _AMOUNT.fullmatch(text):
        value, unit_text, currency = _dec(m[1]), m[3], _SYMBOLS.get(m[2], m[2])
    else:
        raise _Unexpressible
    unit = _UNITS.get(re.sub(r"[\s,]", "", unit_text).lower().rstrip("."))
    if unit is None or unit[0] not in _TABLE_UNITS:
        raise _Unexpressible
    return value / unit[1], unit[0], currency


def parse_duty(text: str, *, dollar_currency: str | None = None) -> Duty:
    """Parse one duty expression of a tariff schedule (US HTS or TARIC/UK style).

    Parameters
    ----------
    text
        The expression as the schedule writes it, e.g. ``"80.4¢/kg + 6.4%"``.
    dollar_currency
        Currency of ``$`` and ``¢`` amounts (``"USD"`` for the US HTS); without it
        such amounts are not expressible, since the dollar sign alone does not say
        which dollar.

    Returns
    -------
    Duty
        Rate as a fraction, specific amount per table unit with its currency, and
        ``min_per_kg``; ``expressible=False`` (all empty) for anything else.
    """
    raw = " ".join(str(text).split())
    if not raw:
        raise InvalidInputError("Expected a duty expression, got an empty text.")
    if raw.lower() == "free":
        return Duty(raw=raw, rate=0.0)
    try:
        # parentheses carry seasons or conditions, MAX a ceiling: neither fits the table
        if "(" in raw or re.search(r"\bMAX\b", raw, flags=re.IGNORECASE):
            raise _Unexpressible
        parts = re.split(r"\s+MIN\s+", raw, flags=re.IGNORECASE)
        if len(parts) > 2:
            raise _Unexpressible
        rate: Decimal | None = None
        specific: tuple[Decimal, str, str] | None = None
        for part in re.split(r"\s*\+\s*", parts[0]):
            if m := _PERCENT.fullmatch(part):
                if rate is not None:
                    raise _Unexpressible
                rate = _dec(m[1]) / 100
            elif specific is None:
                specific = _amount(part, dollar_currency)
            else:
                raise _Unexpressible  # two specific parts (e.g. per % vol/hl + per hl)
        minimum: Decimal | None = None
        currency = specific[2] if specific else None
        if len(parts) == 2:
            value, unit, min_currency = _amount(parts[1], dollar_currency)
            if unit != "kg" or (currency is not None and min_currency != currency):
                raise _Unexpressible
            minimum, currency = value, min_currency
        if rate is not None and rate > 10:  # the table holds rates up to 1000 %
            raise _Unexpressible
    except _Unexpressible:
        return Duty(raw=raw, expressible=False)
    return Duty(
        raw=raw,
        rate=None if rate is None else float(rate),
        specific=None if specific is None else float(specific[0]),
        specific_unit=None if specific is None else specific[1],
        currency=currency,
        min_per_kg=None if minimum is None else float(minimum),
    )


# --------------------------------------------------------------------------- reading files


@dataclass(frozen=True, slots=True)
class _Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells)


@dataclass(slots=True)
class _Line:
    row: int
    digits: str
    national_line: str | None
    duty: Duty
    area: str
    agreement: str
    valid_from: dt.date | None
    remarks: tuple[str, ...] = ()


@dataclass(slots=True)
class _Context:
    file: str
    area: str | None
    as_of: dt.date | None
    columns: Mapping[str, str]
    dollar_currency: str | None
    issues: list[CellIssue] = field(default_factory=list)

    def issue(self, row: int | None, column: str | None, value: object, reason: str) -> None:
        shown = None if value is None else str(value)
        self.issues.append(CellIssue(file=self.file, sheet=None, row=row, column=column, value=shown, reason=reason))


def _file_error(file: str, reason: str) -> ImportValidationError:
    issue = CellIssue(file=file, sheet=None, row=None, column=None, value=None, reason=reason)
    return ImportValidationError(f"Cannot read {file}: {reason}", [issue])


def _decode(data: bytes, fallback: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # WITS writes Windows-1252; a sheet re-saved by Excel on Chinese Windows is GB18030
        return data.decode(fallback, errors="replace")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(path: Path, data: bytes, fallback: str) -> _Table:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(path.name, "legacy .xls workbook; save it as .xlsx or CSV")
    if data.startswith(b"PK\x03\x04"):
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
            raise _file_error(path.name, f"not a readable .xlsx workbook ({exc})") from None
        records = [[_cell(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
    else:
        records = list(csv.reader(io.StringIO(_decode(data, fallback))))
    numbered = [(n, [c.strip() for c in r]) for n, r in enumerate(records, start=1) if any(c.strip() for c in r)]
    if not numbered:
        raise _file_error(path.name, "the file is empty")
    (_, header), *rows = numbered
    return _Table(header=header, rows=rows)


def _norm(name: str) -> str:
    return " ".join(name.split()).lower()


_SIGNATURES = {
    "usitc-hts": {"hts number", "general rate of duty"},
    "uk-global-tariff": {"commodity", "ukgt_duty_rate"},
    "wits-trains": {"reporter", "product", "partner", "dutytype", "simple average"},
}


def _load(path: Path | str, fmt: str | None) -> tuple[str, Path, Any]:
    path = Path(path)
    if fmt is not None and fmt not in FORMATS:
        raise InvalidInputError(f"Expected `fmt` in {FORMATS}, got {fmt!r}.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"Cannot read schedule file {path}: {exc.strerror or exc}.") from None
    if data.lstrip()[:1] in (b"[", b"{"):
        try:
            items = json.loads(_decode(data, "utf-8"))
        except ValueError as exc:
            raise _file_error(path.name, f"not valid JSON ({exc})") from None
        if isinstance(items, list) and items and all(isinstance(i, dict) for i in items) and "htsno" in items[0]:
            if fmt not in (None, "usitc-hts"):
                raise _file_error(path.name, f"this is a USITC HTS JSON export, not {fmt!r}")
            return "usitc-hts", path, items
        raise _file_error(path.name, "a JSON file must be the USITC HTS export (a list of objects with 'htsno')")
    table = _table(path, data, "gb18030" if fmt == "generic" else "cp1252")
    if fmt is None:
        found = {_norm(h) for h in table.header}
        fmt = next((f for f, needed in _SIGNATURES.items() if needed <= found), None)
        if fmt is None:
            expected = "; ".join(f"{f}: {', '.join(sorted(s))}" for f, s in _SIGNATURES.items())
            raise _file_error(
                path.name,
                f"not a schedule format qiankua recognises (expected headers - {expected}); "
                f"found {', '.join(table.header[:8])}. For another layout pass "
                f"fmt='generic' with columns={{'code': ..., 'duty': ...}}",
            )
    return fmt, path, table


def detect_format(path: Path | str) -> str:
    """The format of a schedule file, one of :data:`FORMATS` (``generic`` is never detected).

    Raises :class:`~qiankua.exceptions.ImportValidationError` (an ``InvalidInputError``)
    naming the headers expected when the file is none of them.
    """
    return _load(path, None)[0]


# --------------------------------------------------------------------------- format readers


def _columns(
    table: _Table, ctx: _Context, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, int] | None:
    """Header name -> position; None (with an issue per column) when a required one is missing."""
    index = {_norm(h): i for i, h in enumerate(table.header)}
    missing = [name for name in required if _norm(name) not in index]
    for name in missing:
        ctx.issue(1, name, None, "required column missing from the header")
    return None if missing else {n: index[_norm(n)] for n in required + optional if _norm(n) in index}


def _get(cells: list[str], col: dict[str, int], name: str) -> str:
    i = col.get(name)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _even(digits: str) -> str:
    # HS codes have an even number of digits; Excel drops the leading zero of chapters 01-09
    return "0" + digits if len(digits) % 2 else digits


def _fixed_area(ctx: _Context, area: str, fmt: str) -> str:
    if ctx.area is not None and ctx.area != area:
        ctx.issue(None, None, ctx.area, f"`area` {ctx.area!r} contradicts the file: a {fmt} file is area {area}")
    return area


def _read_usitc(payload: Any, ctx: _Context) -> list[_Line]:
    area = _fixed_area(ctx, "US", "usitc-hts")
    records: list[tuple[int, str, str, tuple[str, ...]]] = []
    if isinstance(payload, list):  # JSON export
        code_col, rate_col = "htsno", "general"
        for n, item in enumerate(payload, start=1):
            notes = tuple(
                f"footnote on {_cell(item.get('htsno'))}: {_cell(f.get('value'))}"
                for f in item.get("footnotes") or []
                if isinstance(f, dict) and "general" in (f.get("columns") or [])
            )
            records.append((n, _cell(item.get("htsno")), _cell(item.get("general")), notes))
    else:
        code_col, rate_col = "HTS Number", "General Rate of Duty"
        col = _columns(payload, ctx, (code_col, rate_col))
        if col is None:
            return []
        records = [(n, _get(c, col, code_col), _get(c, col, rate_col), ()) for n, c in payload.rows]
    lines = []
    for n, code, general, notes in records:
        if not general:
            continue  # headings and statistical suffixes: the rate sits on the line above
        if not re.fullmatch(r"\d{4}(?:\.\d{2}){0,3}", code):
            ctx.issue(n, code_col, code, "expected an HTS number such as 0902.10.10 or 0902.40.00.00")
            continue
        duty = parse_duty(general, dollar_currency="USD")
        lines.append(_Line(n, code.replace(".", ""), code, duty, area, "MFN", ctx.as_of, notes))
    return lines


_UKGT_FLAGS = {
    "trade_remedy_applies": "a trade remedy applies",
    "cet_applies_until_trade_remedy_transition_reviews_concluded": "the EU CET rate applies until the trade-remedy transition review concludes",
    "suspension_applies": "a tariff suspension applies",
    "atq_applies": "an autonomous tariff quota applies",
}


def _read_ukgt(table: _Table, ctx: _Context) -> list[_Line]:
    area = _fixed_area(ctx, "GB", "uk-global-tariff")
    col = _columns(table, ctx, ("commodity", "ukgt_duty_rate"), tuple(_UKGT_FLAGS))
    if col is None:
        return []
    lines = []
    for n, cells in table.rows:
        code, text = _get(cells, col, "commodity"), _get(cells, col, "ukgt_duty_rate")
        if not re.fullmatch(r"\d{7,10}", code) or len(_even(code)) not in (8, 10):
            ctx.issue(n, "commodity", code, "expected an 8- or 10-digit commodity code")
            continue
        if not text:
            ctx.issue(n, "ukgt_duty_rate", None, "duty expression missing")
            continue
        flags = tuple(
            f"{_even(code)}: {text_}" for name, text_ in _UKGT_FLAGS.items() if _get(cells, col, name).lower() == "true"
        )
        valid_from = ctx.as_of or _UKGT_IN_FORCE
        # a code typed into Excel loses its leading zero: the national line is written back with it
        lines.append(_Line(n, _even(code), _even(code), parse_duty(text), area, "MFN", valid_from, flags))
    return lines


def _wits_area(code: str) -> str | None:
    """Tariff area of a WITS reporter, given as ISO numeric (048) or alpha-3 (BHR) code."""
    if code.zfill(3) == "918" or code.upper() == "EUN":  # WITS codes of the European Union
        return "EU"
    import pycountry

    if code.isdigit():
        country = pycountry.countries.get(numeric=code.zfill(3))
    elif re.fullmatch(r"[A-Za-z]{3}", code):
        country = pycountry.countries.get(alpha_3=code.upper())
    else:
        country = None
    return None if country is None else str(country.alpha_2)


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _read_wits(table: _Table, ctx: _Context) -> list[_Line]:
    needed = (
        "Reporter",
        "Product",
        "Partner",
        "Tariff Year",
        "DutyType",
        "Simple Average",
        "Minimum Rate",
        "Maximum Rate",
    )
    col = _columns(table, ctx, needed, ("Native Nomen", "Nbr of Total Lines", "Nbr of NA Lines"))
    if col is None:
        return []
    lines, skipped = [], Counter[str]()
    for n, cells in table.rows:
        duty_type, partner = _get(cells, col, "DutyType").upper(), _get(cells, col, "Partner")
        if duty_type != "MFN" or partner.strip("0") != "":
            skipped[f"{duty_type or '?'} for partner {partner or '?'}"] += 1
            continue
        product, reporter = _get(cells, col, "Product"), _get(cells, col, "Reporter")
        if not re.fullmatch(r"\d{1,6}", product):
            ctx.issue(n, "Product", product, "expected an HS product code of 2, 4 or 6 digits")
            continue
        area = _wits_area(reporter)
        if area is None and ctx.area is None:
            ctx.issue(n, "Reporter", reporter, "unknown WITS reporter code; pass `area`")
            continue
        if area is not None and ctx.area is not None and area != ctx.area:
            ctx.issue(n, "Reporter", reporter, f"reporter is {area}, but `area` is {ctx.area}")
            continue
        year = _get(cells, col, "Tariff Year")
        stats = {k: _number(_get(cells, col, k)) for k in ("Simple Average", "Minimum Rate", "Maximum Rate")}
        if not re.fullmatch(r"\d{4}", year):
            ctx.issue(n, "Tariff Year", year, "expected a four-digit year")
            continue
        bad = [k for k, v in stats.items() if v is None or v < 0]
        if bad:
            ctx.issue(n, bad[0], _get(cells, col, bad[0]), "expected a non-negative number (percent)")
            continue
        avg, low, high = stats["Simple Average"], stats["Minimum Rate"], stats["Maximum Rate"]
        lines_total = _get(cells, col, "Nbr of Total Lines") or "?"
        na_lines = _number(_get(cells, col, "Nbr of NA Lines") or "0")
        if na_lines is None:
            ctx.issue(n, "Nbr of NA Lines", _get(cells, col, "Nbr of NA Lines"), "expected a count of lines")
            continue
        assert avg is not None and low is not None and high is not None
        if low == high == avg and na_lines == 0:
            duty = Duty(raw=f"{avg}%", rate=float(avg / 100))
        else:
            duty = Duty(
                raw=f"simple average {avg}% over {lines_total} lines (min {low}%, max {high}%, "
                f"{na_lines} without ad valorem equivalent)",
                expressible=False,
            )
        nomen = _get(cells, col, "Native Nomen") or "?"
        remark = f"WITS product {product} in nomenclature {nomen}, tariff year {year}"
        if ctx.as_of is None:
            remark += "; valid_from set to 1 January of the tariff year"
        lines.append(
            _Line(
                n,
                _even(product),
                None,
                duty,
                area or str(ctx.area),
                "MFN",
                ctx.as_of or dt.date(int(year), 1, 1),
                (remark,),
            )
        )
    if not lines and not ctx.issues:
        found = ", ".join(f"{k} x{v}" for k, v in sorted(skipped.items())) or "no data rows"
        ctx.issue(
            None,
            "DutyType",
            None,
            "no rows to import: only DutyType MFN with Partner 000 (World) are "
            f"schedule rates (AHS, PRF and BND are statistics); found {found}",
        )
    return lines


_ROLES = ("code", "duty", "agreement", "area", "valid_from")


def _read_generic(table: _Table, ctx: _Context) -> list[_Line]:
    roles = dict(ctx.columns)
    if not {"code", "duty"} <= set(roles) or not set(roles) <= set(_ROLES):
        raise InvalidInputError(
            f"Expected `columns` mapping 'code' and 'duty' (and optionally {_ROLES[2:]}) "
            f"to headers for fmt='generic', got {roles!r}."
        )
    optional = tuple(v for k, v in roles.items() if k not in ("code", "duty"))
    col = _columns(table, ctx, (roles["code"], roles["duty"]), optional)
    if col is None:
        return []
    lines = []
    for n, cells in table.rows:
        values = {role: _get(cells, col, name) for role, name in roles.items()}

        def get(role: str, values: dict[str, str] = values) -> str:
            return values.get(role, "")

        code, text = get("code"), get("duty")
        if not text:
            continue  # heading rows carry no duty
        digits = re.sub(r"[\s.]", "", code)
        if not re.fullmatch(r"\d{3,10}", digits):
            ctx.issue(n, roles["code"], code, "expected an HS code of 4 to 10 digits")
            continue
        area = get("area") or ctx.area
        if not area or not re.fullmatch(r"[A-Z]{2,5}", area):
            ctx.issue(n, roles.get("area", "area"), area or None, "expected an area code such as US or EU")
            continue
        valid_from = ctx.as_of
        if get("valid_from"):
            try:
                valid_from = dt.date.fromisoformat(get("valid_from"))
            except ValueError:
                ctx.issue(n, roles["valid_from"], get("valid_from"), "expected a date as YYYY-MM-DD")
                continue
        duty = parse_duty(text, dollar_currency=ctx.dollar_currency)
        lines.append(_Line(n, _even(digits), code, duty, area, get("agreement") or "MFN", valid_from))
    return lines


_READERS = {
    "usitc-hts": _read_usitc,
    "uk-global-tariff": _read_ukgt,
    "wits-trains": _read_wits,
    "generic": _read_generic,
}


# --------------------------------------------------------------------------- lines -> table rows


def _quote(line: _Line) -> str:
    return f"{line.national_line or line.digits} {line.duty.raw!r}"


def _listed(lines: list[_Line]) -> str:
    shown = "; ".join(_quote(ln) for ln in lines[:_MAX_LISTED])
    return shown + (f"; ... and {len(lines) - _MAX_LISTED} more" if len(lines) > _MAX_LISTED else "")


def _assemble(
    lines: list[_Line], ctx: _Context, *, label: str, source_id: str, confidence: str
) -> list[dict[str, Any]]:
    groups: dict[tuple[Any, ...], list[_Line]] = {}
    seen: dict[tuple[Any, ...], int] = {}
    for ln in lines:
        where = (ln.area, ln.agreement, ln.valid_from, ln.digits)
        if where in seen:
            ctx.issue(
                ln.row, None, ln.national_line or ln.digits, f"line listed twice; first seen in row {seen[where]}"
            )
            continue
        seen[where] = ln.row
        groups.setdefault((ln.area, ln.digits[:6], ln.agreement, ln.valid_from), []).append(ln)
    rows = []
    for (area, prefix, agreement, valid_from), group in groups.items():
        duties = [ln.duty for ln in group]
        same = all(d.expressible for d in duties) and len({d.key for d in duties}) == 1
        lines_text = " / ".join(ln.national_line for ln in group if ln.national_line) or None
        if same:
            duty, conf = duties[0], confidence
            raws = sorted({d.raw for d in duties})
            note = (
                f"{label} {_quote(group[0])}"
                if len(group) == 1
                else f"{label}: {len(group)} national lines, all {' = '.join(repr(r) for r in raws)}"
            )
        else:
            duty, conf = Duty(raw="", expressible=False), "unconfirmed"
            if len(group) == 1:
                note = f"{label} {_quote(group[0])} {_NOT_HELD}"
            elif len({d.raw for d in duties}) == 1:
                note = f"{label}: {len(group)} national lines, all {duties[0].raw!r}, {_NOT_HELD}"
            else:
                note = f"{label}: national lines differ: {_listed(group)}; rate left empty"
        remarks = list(dict.fromkeys(r for ln in group for r in ln.remarks))
        rows.append(
            {
                "area": area,
                "hs_prefix": prefix,
                "agreement": agreement,
                "rate": duty.rate,
                "specific": duty.specific,
                "specific_unit": duty.specific_unit,
                "specific_currency": duty.currency,
                "min_per_kg": duty.min_per_kg,
                "national_line": lines_text,
                "valid_from": valid_from,
                "valid_to": None,
                "source_id": source_id,
                "confidence": conf,
                "notes": "; ".join([note, *remarks]),
            }
        )
    return rows


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame({c: [r[c] for r in rows] for c in TARIFF_COLUMNS}, schema=_SCHEMA)


def parse_schedule(
    path: Path | str,
    fmt: str | None = None,
    *,
    area: str | None = None,
    as_of: dt.date | str | None = None,
    source_id: str | None = None,
    confidence: str = "confirmed",
    columns: Mapping[str, str] | None = None,
    currency: str | None = None,
) -> tuple[pl.DataFrame, list[CellIssue]]:
    """Read a schedule into ``tariffs`` rows; the importer's entry point.

    Parameters
    ----------
    path
        The downloaded file (CSV, XLSX, or the HTS JSON export).
    fmt
        One of :data:`FORMATS`; detected from the header when omitted.
    area
        Tariff area (``US``, ``GB``, ``EU`` ...) when the file does not say it; an
        area that contradicts the file is an issue.
    as_of
        Date the schedule is in force, written to ``valid_from`` (a date or
        ``YYYY-MM-DD``); see the module notes for each format's default.
    source_id
        Provenance id for every row; default ``"<fmt>:<file name>"``.
    confidence
        Confidence of rows whose duty was read exactly; rows with an empty rate
        are always ``unconfirmed``.
    columns, currency
        For ``generic``: which header holds each role, and the currency of ``$``/``¢``.

    Returns
    -------
    tuple of (polars.DataFrame, list of CellIssue)
        The rows, and every problem found in the file's content; when there is any
        problem the frame is empty, so nothing partial is ever used.

    Raises
    ------
    ImportValidationError
        The file is not readable or not a recognised schedule (one file-level issue).
    InvalidInputError
        An argument is invalid or the file does not exist.
    """
    if confidence not in CONFIDENCE_LEVELS:
        raise InvalidInputError(f"Expected `confidence` in {CONFIDENCE_LEVELS}, got {confidence!r}.")
    if area is not None and not re.fullmatch(r"[A-Z]{2,5}", area):
        raise InvalidInputError(f"Expected `area` as a code in capitals such as 'US' or 'EU', got {area!r}.")
    if isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            raise InvalidInputError(f"Expected `as_of` as YYYY-MM-DD, got {as_of!r}.") from None
    fmt, path, payload = _load(path, fmt)
    ctx = _Context(file=path.name, area=area, as_of=as_of, columns=columns or {}, dollar_currency=currency)
    lines = _READERS[fmt](payload, ctx)
    if source_id is None:
        source_id = f"{fmt}:{re.sub(r'[^A-Za-z0-9._-]', '-', path.name)}"
    rows = _assemble(lines, ctx, label=_LABELS[fmt], source_id=source_id, confidence=confidence)
    if not rows and not ctx.issues:
        ctx.issue(None, None, None, "no tariff lines with a duty found")
    if ctx.issues:
        return _frame([]), sorted(ctx.issues, key=lambda i: (i.row or 0, i.column or ""))
    return _frame(rows), []


def read_schedule(
    path: Path | str,
    fmt: str | None = None,
    *,
    area: str | None = None,
    as_of: dt.date | str | None = None,
    **options: Any,
) -> pl.DataFrame:
    """Read an official tariff schedule into rows of the ``tariffs`` table.

    Same parameters as :func:`parse_schedule` (``source_id``, ``confidence``,
    ``columns`` and ``currency`` pass through ``options``). Raises
    :class:`~qiankua.exceptions.ImportValidationError` listing every bad cell, so a
    bad file yields nothing.

    Examples
    --------
    >>> frame = read_schedule("hts_2025.csv", as_of="2025-07-01")  # doctest: +SKIP
    >>> frame.filter(pl.col("hs_prefix") == "090230")["rate"].item()  # doctest: +SKIP
    0.0
    """
    frame, issues = parse_schedule(path, fmt, area=area, as_of=as_of, **options)
    if issues:
        summary = f"{Path(path).name}: {len(issues)} problem(s) found; nothing was read."
        raise ImportValidationError(summary, issues)
    return frame
