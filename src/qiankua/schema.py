"""Column specifications for every table qiankua reads, and the row validator.

One table spec per table, used everywhere a table crosses a boundary: the
reference-data loader, the user-file importer, the templates, the DuckDB DDL and
the export. Headers are snake_case English; each column also has a Chinese header
(``zh``) so a sheet kept in Chinese imports as is, and templates carry both
(``产品编号 / id``).

Rows are validated with pydantic v2 models built from the specs; every failure
becomes a :class:`~qiankua.exceptions.CellIssue` naming the row and column.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any

import polars as pl
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model

from qiankua.domain import CONFIDENCE_LEVELS
from qiankua.exceptions import CellIssue, InvalidInputError
from qiankua.vocabulary import FREIGHT_MODES, MARKET_REGIONS, MODES, SERVICES, SPECIFIC_UNITS

__all__ = [
    "REFERENCE_TABLES",
    "TABLES",
    "USER_TABLES",
    "ColumnSpec",
    "MarketNames",
    "TableSpec",
    "table_spec",
]

_TRUE = {"true", "t", "yes", "y", "1", "是", "有", "对", "√", "✓"}
_FALSE = {"false", "f", "no", "n", "0", "否", "无", "不", "×", "✗"}

_POLARS_TYPES: dict[str, pl.DataType] = {
    "str": pl.String(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "decimal": pl.Decimal(18, 4),
    "bool": pl.Boolean(),
    "date": pl.Date(),
    "datetime": pl.Datetime("us"),
}

_SQL_TYPES: dict[str, str] = {
    "str": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "decimal": "DECIMAL(18,4)",
    "bool": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
}


def _blank_to_none(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _parse_bool(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("expected true/false (是/否, yes/no, 1/0)")


_DATE_FORMS = "YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日 or an Excel serial date number"
_DATETIME_FORMS = "a date (YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日) with an optional time HH:MM[:SS]"
# year first, then month and day, one separator used twice; 年月日 as Chinese Excel and WPS write them
_DATE_RE = (
    r"(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})"
    r"|(?P<zy>\d{4})\s*年\s*(?P<zm>\d{1,2})\s*月\s*(?P<zd>\d{1,2})\s*[日号]?"
)
_TIME_RE = (
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,6}))?)?"
    r"|(?P<zH>\d{1,2})\s*[时点]\s*(?:(?P<zM>\d{1,2})\s*分\s*(?:(?P<zS>\d{1,2})\s*秒)?)?"
)
_DATETIME_RE = re.compile(rf"(?:{_DATE_RE})(?:(?:\s*T\s*|\s+|(?<=[日号])\s*)(?:{_TIME_RE}))?")
# Excel counts days from 1899-12-30 (its phantom 1900-02-29 makes serials before 61 a day off, hence the
# floor). A number is read as a serial date only in 1950-2099 (18264-73050), so a year such as 2026 or a
# YYYYMMDD number typed into a date column is refused rather than turned into a date in 1905 or 7400.
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 18264, 73050


def _excel_serial(value: Any) -> dt.datetime | None:
    """The date-time an Excel serial number (a number, or digits in a text cell) stands for, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not re.fullmatch(r"\d{1,7}(?:\.\d+)?", value):
            return None
    elif not isinstance(value, (int, float, Decimal)):
        return None
    serial = float(value)
    if not _SERIAL_MIN <= serial < _SERIAL_MAX + 1:
        raise ValueError(
            f"the number {serial:g} is not an Excel serial date between {_SERIAL_MIN} (1950-01-01) and "
            f"{_SERIAL_MAX} (2099-12-31); expected {_DATE_FORMS}"
        )
    # to the nearest second: Excel stores 08:00 as 0.333…, which is not exact in binary
    return _EXCEL_EPOCH + dt.timedelta(seconds=round(serial * 86400))


def _split_datetime(text: str) -> tuple[dt.date, dt.time | None] | None:
    """A written date and optional time (any form in :data:`_DATE_RE`), or None when the text is not one."""
    match = _DATETIME_RE.fullmatch(text)
    if match is None:
        return None
    g = match.groupdict()
    year, month, day = (int(g[k] or g["z" + k]) for k in ("y", "m", "d"))
    try:
        date = dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"not a calendar date ({exc}): {text}; expected {_DATE_FORMS}") from None
    if g["H"] is None and g["zH"] is None:
        return date, None
    hour = int(g["H"] or g["zH"])
    minute, second = int(g["M"] or g["zM"] or 0), int(g["S"] or g["zS"] or 0)
    micro = int((g["f"] or "0").ljust(6, "0"))
    try:
        return date, dt.time(hour, minute, second, micro)
    except ValueError as exc:
        raise ValueError(f"not a time of day ({exc}): {text}") from None


def _date_text(value: str) -> str:
    # NFKC turns full-width digits, slashes, dots, colons and the ideographic space into ASCII
    return unicodedata.normalize("NFKC", value).strip()


def _parse_date(value: Any) -> Any:
    """A date as users write it: ISO, ``2026/12/8``, ``2026.12.08``, ``2026年12月8日``, full-width digits,
    an Excel serial number (46364), or a date-time at midnight; anything else raises ValueError."""
    value = _blank_to_none(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date) or value is None:
        return value
    text = _date_text(value) if isinstance(value, str) else value
    serial = _excel_serial(text)
    if serial is not None:
        if serial.time() != dt.time(0):
            raise ValueError(f"the Excel serial {value} has a time of day; expected a date ({_DATE_FORMS})")
        return serial.date()
    if isinstance(text, str):
        parts = _split_datetime(text)
        if parts is not None:
            date, time = parts
            if time is None or time == dt.time(0):
                return date
            raise ValueError(f"expected a date without a time of day ({_DATE_FORMS})")
    raise ValueError(f"expected a date as {_DATE_FORMS} (year first; D/M/YYYY and M/D/YYYY are ambiguous)")


def _parse_datetime(value: Any) -> Any:
    """A date-time as users write it: any form :func:`_parse_date` takes, then an optional time
    (``8:00``, ``08:00:00``, ``8时30分``), ISO 8601 (``2026-12-08T08:00``) or an Excel serial (46364.3333)."""
    value = _blank_to_none(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, dt.datetime) or value is None:
        return value
    text = _date_text(value) if isinstance(value, str) else value
    if isinstance(text, str):
        parts = _split_datetime(text)
        if parts is not None:
            date, time = parts
            return dt.datetime.combine(date, time or dt.time(0))
    try:
        serial = _excel_serial(text)
    except ValueError:
        serial = None
        if not isinstance(text, str):
            raise
    if serial is not None:
        return serial
    if isinstance(text, str):
        with contextlib.suppress(ValueError):
            # other ISO 8601 forms (time zone, week dates, 20261208) were accepted before and still are
            return dt.datetime.fromisoformat(text)
    raise ValueError(f"expected a date-time as {_DATETIME_FORMS}, or an Excel serial date-time")


def _parse_number(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, str):
        # spreadsheets in both locales write thousands separators; full-width digits and commas come from IMEs
        value = value.replace(",", "").replace("，", "").replace("､", "").translate(_FULLWIDTH).strip()
        if len(value) > 64:
            raise ValueError(f"not a number: {len(value):,} characters")
    return value


def _parse_text(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, float) and value.is_integer():
        # Excel stores "090210" typed without a leading apostrophe as 90210.0
        return str(int(value))
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    return value


_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋", "0123456789.-+")

# ---- what the store can hold: a cell that cannot be stored is a named cell error, never an internal one
#: Excel's own limit on the characters in one cell; a longer text cell is refused
MAX_CELL_CHARS = 32_767
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
#: DECIMAL(18,4) holds at most 14 digits before the decimal point
_DECIMAL_LIMIT = Decimal(10) ** 14
# C0 and C1 control characters other than tab, line feed and carriage return (NUL included)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: identifiers (ids, codes): letters and digits of any script, then also . _ - : / # +; no spaces, no markup
IDENT_PATTERN = r"[^\W_][\w.:/#+-]{0,63}"
_IDENT_HELP = "an identifier: letters, digits and . _ - : / # + (no spaces), at most 64 characters"


def shown(value: Any, limit: int = 80) -> str | None:
    """A cell's value as an error message shows it: control characters escaped, long text cut."""
    if value is None:
        return None
    text = str(value)
    cut = len(text) > limit
    text = _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text[:limit])
    return text + f"… ({len(str(value)):,} characters)" if cut else text


def _storable_text(value: Any) -> Any:
    if isinstance(value, str):
        if len(value) > MAX_CELL_CHARS:
            raise ValueError(f"text too long to store: {len(value):,} characters (at most {MAX_CELL_CHARS:,})")
        bad = _CONTROL_RE.search(value)
        if bad is not None:
            name = "NUL" if bad.group() == "\x00" else f"U+{ord(bad.group()):04X}"
            raise ValueError(f"contains a control character ({name}) at position {bad.start() + 1}")
    return value


def _storable_int(value: int) -> int:
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise ValueError(f"number too large to store: integers must lie between {_INT64_MIN} and {_INT64_MAX}")
    return value


def _storable_decimal(value: Decimal) -> Decimal:
    if abs(value) >= _DECIMAL_LIMIT:
        raise ValueError("number too large to store: at most 14 digits before the decimal point")
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnSpec:
    """One column: English name, Chinese header, type and checks.

    ``kind`` is one of str, int, float, decimal, bool, date, datetime. ``pattern``
    (regex, full match), ``choices``, ``ge``/``le``/``gt`` constrain values; ``pad`` left-pads
    digit strings with zeros to that width (HS codes lose leading zeros in Excel).
    """

    name: str
    zh: str
    kind: str = "str"
    required: bool = False
    pattern: str | None = None
    choices: tuple[str, ...] | None = None
    ge: float | None = None
    le: float | None = None
    gt: float | None = None
    pad: int | None = None
    help_en: str = ""
    help_zh: str = ""
    aliases: tuple[str, ...] = ()  # other headers official files use for this column

    def __post_init__(self) -> None:
        if self.kind not in _POLARS_TYPES:
            raise InvalidInputError(f"Expected `kind` in {tuple(_POLARS_TYPES)}, got {self.kind!r}.")

    @property
    def header(self) -> str:
        """Bilingual template header, e.g. ``产品编号 / id``."""
        return f"{self.zh} / {self.name}"

    @property
    def polars_type(self) -> pl.DataType:
        return _POLARS_TYPES[self.kind]

    @property
    def sql_type(self) -> str:
        return _SQL_TYPES[self.kind]

    def annotation(self) -> Any:
        base: Any
        validators: list[Any] = []
        after: list[Any] = []
        constraints: dict[str, Any] = {}
        if self.kind == "str":
            base = str
            validators.append(BeforeValidator(_parse_text))
            validators.append(BeforeValidator(_storable_text))
            if self.pad:
                width = self.pad
                validators.append(
                    # Excel drops the one leading zero of HS chapters 01-09 (090210 -> 90210)
                    BeforeValidator(
                        lambda v, w=width: "0" + v if isinstance(v, str) and v.isdigit() and len(v) == w - 1 else v
                    )
                )
            if self.pattern:
                constraints["pattern"] = f"^(?:{self.pattern})$"
        elif self.kind == "bool":
            base = bool
            validators.append(BeforeValidator(_parse_bool))
        elif self.kind == "date":
            base = dt.date
            validators.append(BeforeValidator(_parse_date))
        elif self.kind == "datetime":
            base = dt.datetime
            validators.append(BeforeValidator(_parse_datetime))
        else:
            base = {"int": int, "float": float, "decimal": Decimal}[self.kind]
            validators.append(BeforeValidator(_parse_number))
            if self.kind == "int":
                after.append(AfterValidator(_storable_int))
            elif self.kind == "decimal":
                after.append(AfterValidator(_storable_decimal))
            if self.ge is not None:
                constraints["ge"] = self.ge
            if self.le is not None:
                constraints["le"] = self.le
            if self.gt is not None:
                constraints["gt"] = self.gt
            if self.kind in ("float", "decimal"):
                constraints["allow_inf_nan"] = False
        if self.choices:
            choices = self.choices
            validators.append(BeforeValidator(lambda v, c=choices: _check_choice(v, c)))
        # pydantic runs "before" validators last-to-first; keep the list in execution order here
        annotated = Annotated[base, Field(**constraints), *after, *reversed(validators)]
        # blanks become None before the union is tried, so an empty optional cell is simply unknown
        optional = annotated if self.required else annotated | None
        return Annotated[optional, BeforeValidator(_blank_to_none)]


def _check_choice(value: Any, choices: tuple[str, ...]) -> Any:
    value = _blank_to_none(value)
    if value is not None and str(value) not in choices:
        raise ValueError(f"expected one of {', '.join(choices)}")
    return value


@dataclass(frozen=True, kw_only=True)
class TableSpec:
    """A table: its columns, key and zh/en titles."""

    name: str
    title_zh: str
    title_en: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...] = ()
    extra_checks: tuple[str, ...] = field(default=())

    @cached_property
    def by_name(self) -> dict[str, ColumnSpec]:
        return {c.name: c for c in self.columns}

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @cached_property
    def header_aliases(self) -> dict[str, str]:
        """Every accepted header (normalised) -> column name: English, Chinese, or both."""
        aliases: dict[str, str] = {}
        for col in self.columns:
            for label in (
                col.name,
                col.zh,
                col.header,
                f"{col.zh}/{col.name}",
                f"{col.zh}（{col.name}）",
                f"{col.zh}({col.name})",
                *col.aliases,
            ):
                aliases[normalise_header(label)] = col.name
        return aliases

    @cached_property
    def model(self) -> type[BaseModel]:
        fields: dict[str, Any] = {col.name: (col.annotation(), ... if col.required else None) for col in self.columns}
        config = ConfigDict(extra="ignore", str_strip_whitespace=True, coerce_numbers_to_str=False)
        return create_model(f"{self.name.title().replace('_', '')}Row", __config__=config, **fields)

    def polars_schema(self) -> dict[str, pl.DataType]:
        return {c.name: c.polars_type for c in self.columns}

    def ddl(self, qualified_name: str) -> str:
        cols = ", ".join(f'"{c.name}" {c.sql_type}' for c in self.columns)
        return f"CREATE TABLE IF NOT EXISTS {qualified_name} ({cols})"

    def map_headers(self, headers: Sequence[object]) -> tuple[dict[int, str], list[str], list[str]]:
        """Map raw header cells to column names.

        Returns ``(index -> column, unknown headers, missing required columns)``.
        """
        mapping: dict[int, str] = {}
        unknown: list[str] = []
        for index, raw in enumerate(headers):
            if raw is None or str(raw).strip() == "":
                continue
            name = self.header_aliases.get(normalise_header(str(raw)))
            if name is None:
                unknown.append(str(raw))
            elif name in mapping.values():
                unknown.append(f"{raw} (duplicate of {name})")
            else:
                mapping[index] = name
        missing = [c.name for c in self.columns if c.required and c.name not in mapping.values()]
        return mapping, unknown, missing

    def validate_rows(
        self,
        rows: Iterable[tuple[int, Mapping[str, Any]]],
        *,
        file: str,
        sheet: str | None = None,
    ) -> tuple[list[dict[str, Any]], list[CellIssue]]:
        """Validate ``(row number, {column: raw value})`` pairs.

        Returns the parsed rows (only when every row is good they are complete) and
        every issue: one per bad cell, plus duplicate-key issues.
        """
        model = self.model
        good: list[dict[str, Any]] = []
        issues: list[CellIssue] = []
        seen: dict[tuple[Any, ...], int] = {}
        for row_no, raw in rows:
            try:
                parsed = model.model_validate(dict(raw)).model_dump()
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    column = str(err["loc"][0]) if err["loc"] else None
                    value = raw.get(column) if column else None
                    issues.append(
                        CellIssue(
                            file=file,
                            sheet=sheet,
                            row=row_no,
                            column=column,
                            value=shown(value),
                            reason=_reason(err, self.by_name.get(column or "")),
                        )
                    )
                continue
            if self.key:
                key = tuple(parsed[k] for k in self.key)
                if key in seen:
                    issues.append(
                        CellIssue(
                            file=file,
                            sheet=sheet,
                            row=row_no,
                            column=self.key[0],
                            value=str(key[0] if len(key) == 1 else key),
                            reason=f"duplicate key; first seen in row {seen[key]}",
                        )
                    )
                    continue
                seen[key] = row_no
            good.append(parsed)
        return good, issues

    def frame(self, rows: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
        """A typed polars frame with exactly this table's columns, in order."""
        return pl.DataFrame({c.name: [r.get(c.name) for r in rows] for c in self.columns}, schema=self.polars_schema())


def normalise_header(text: str) -> str:
    return re.sub(r"[\s_\-*]+", "", text.strip().lower()).replace("：", ":").rstrip(":")


_PATTERN_HINTS = {
    r"\d{6}": "6 digits",
    r"\d{10}": "10 digits",
    r"[A-Z]{2}": "an ISO 3166 alpha-2 code in capitals, e.g. DE",
    r"[A-Z]{3}": "an ISO 4217 code in capitals, e.g. USD",
    IDENT_PATTERN: _IDENT_HELP,
}


def _reason(err: Mapping[str, Any], col: ColumnSpec | None) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "required value missing"
    if kind == "string_pattern_mismatch" and col is not None and col.pattern:
        hint = _PATTERN_HINTS.get(col.pattern) or col.help_en or f"text matching {col.pattern}"
        return f"expected {hint}"
    message = str(err.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


# ---------------------------------------------------------------------------- market names
# Names users write that neither the markets table nor pycountry's ISO 3166 names and official names
# carry (pycountry already knows "Viet Nam", "Czech Republic", "United States of America").
_MARKET_ALIASES: dict[str, str] = {
    "UK": "GB",
    "Great Britain": "GB",
    "Britain": "GB",
    "England": "GB",
    "America": "US",
    "Russia": "RU",
    "Turkey": "TR",
    "Turkiye": "TR",
    "Brunei": "BN",
    "Korea": "KR",
    "Republic of Korea": "KR",
    "UAE": "AE",
    "Czech Republic": "CZ",
    "Holland": "NL",
    "美利坚合众国": "US",
    "英格兰": "GB",
    "俄罗斯联邦": "RU",
    "沙特": "SA",
    "印尼": "ID",
    "大韩民国": "KR",
    "马尔他": "MT",  # pycountry's Chinese name for Malta; 马耳他 is the usual form (markets.csv)
}


def _market_key(text: str) -> str:
    # NFKC folds full-width letters (ＤＥ); dots and "the" are dropped so U.S.A. and the Netherlands match
    key = unicodedata.normalize("NFKC", text).casefold().replace(".", "")
    key = " ".join(key.replace("-", " ").split())
    return key.removeprefix("the ")


class MarketNames:
    """What users write for a market, resolved to its ISO 3166 alpha-2 code.

    Built from the rows of the built-in markets table: the alpha-2 code in any case (``de``), the
    alpha-3 code (``DEU``), the Chinese or English name (``德国``, ``Germany``, ``united states``), a
    few common aliases (``UK``, ``Russia``) and pycountry's official names. Only markets in the table
    resolve; anything else gets the nearest names in the error.
    """

    def __init__(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self._codes: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        for row in rows:
            iso2 = str(row["iso2"])
            self.labels[iso2] = f"{row['name_zh']} / {row['name_en']} ({iso2})"
            for name in (iso2, row.get("iso3"), row.get("name_en"), row.get("name_zh")):
                if name:
                    self._codes[_market_key(str(name))] = iso2
        for alias, iso2 in _MARKET_ALIASES.items():
            if iso2 in self.labels:
                self._codes.setdefault(_market_key(alias), iso2)

    def lookup(self, value: Any) -> str | None:
        """The ISO alpha-2 code ``value`` names, or None when it names no market in the table."""
        text = "" if value is None else str(value)
        code = self._codes.get(_market_key(text))
        if code is None and text.strip():
            import pycountry

            try:
                country = pycountry.countries.lookup(unicodedata.normalize("NFKC", text).strip())
            except LookupError:
                return None
            code = country.alpha_2 if country.alpha_2 in self.labels else None
        return code

    def nearest(self, value: Any, n: int = 3) -> list[str]:
        """Labels (``德国 / Germany (DE)``) of the markets whose code or name is closest to ``value``."""
        import difflib

        key = _market_key(str(value))
        best: dict[str, float] = {}
        for name, iso2 in self._codes.items():
            score = difflib.SequenceMatcher(None, key, name).ratio()
            best[iso2] = max(best.get(iso2, 0.0), score)
        ranked = sorted((s, c) for c, s in best.items() if s >= 0.5)
        return [self.labels[c] for _, c in sorted(ranked, key=lambda sc: -sc[0])[:n]]

    def unknown_reason(self, value: Any, expected: str = "a market") -> str:
        close = self.nearest(value)
        hint = f"; nearest: {', '.join(close)}" if close else ""
        return (
            f"unknown market {str(value).strip()!r}: expected {expected} as an ISO alpha-2 or alpha-3 code or "
            f"its Chinese or English name (see `qiankua data export --table markets --ref`){hint}"
        )

    def resolve(self, value: Any) -> str:
        """The ISO alpha-2 code ``value`` names; ValueError naming the nearest markets otherwise."""
        code = self.lookup(value)
        if code is None:
            raise ValueError(self.unknown_reason(value))
        return code


# --------------------------------------------------------------------------- the tables

C = ColumnSpec
_CONF = CONFIDENCE_LEVELS
_ADCODE = r"\d{6}"
_ISO2 = r"[A-Z]{2}"
_SRC = C(name="source_id", zh="来源编号", required=True, help_en="ids in provenance.csv, ';'-separated")
_CONFIDENCE = C(name="confidence", zh="可信度", required=True, choices=_CONF)

PROVENANCE = TableSpec(
    name="provenance",
    title_zh="数据来源",
    title_en="Provenance",
    key=("source_id",),
    columns=(
        C(name="source_id", zh="来源编号", required=True, pattern=r"[A-Za-z0-9][A-Za-z0-9._:-]*"),
        C(name="table", zh="表", required=True),
        C(name="row_key", zh="行键"),
        C(name="source", zh="来源", required=True),
        C(name="url", zh="网址"),
        C(name="as_of", zh="截至日期", kind="date", required=True),
        C(name="licence", zh="许可", required=True),
        C(name="confidence", zh="可信度", required=True, choices=_CONF),
        C(name="notes", zh="备注"),
    ),
)

MARKETS = TableSpec(
    name="markets",
    title_zh="目标市场",
    title_en="Markets",
    key=("iso2",),
    columns=(
        C(name="iso2", zh="国家代码", required=True, pattern=_ISO2),
        C(name="iso3", zh="三字母代码", required=True, pattern=r"[A-Z]{3}"),
        C(name="name_en", zh="英文名称", required=True),
        C(name="name_zh", zh="中文名称", required=True),
        C(name="currency", zh="币种", required=True, pattern=r"[A-Z]{3}"),
        C(
            name="region",
            zh="区域",
            required=True,
            choices=MARKET_REGIONS,
        ),
        C(name="customs_union", zh="关税同盟"),
        C(name="fta", zh="自贸协定"),
        C(name="population_m", zh="人口(百万)", kind="float", ge=0),
        C(name="population_year", zh="人口年份", kind="int", ge=1990, le=2100),
        C(name="unctad_b2c_rank", zh="UNCTAD B2C排名", kind="int", ge=1),
        C(name="unctad_b2c_value", zh="UNCTAD B2C指数", kind="float", ge=0, le=100),
        C(name="unctad_b2c_year", zh="UNCTAD年份", kind="int", ge=2014, le=2100),
        C(name="internet_users_pct", zh="互联网普及率(%)", kind="float", ge=0, le=100),
        C(name="internet_users_year", zh="普及率年份", kind="int", ge=1990, le=2100),
        _SRC,
        _CONFIDENCE,
    ),
)

DIVISIONS = TableSpec(
    name="divisions",
    title_zh="行政区划",
    title_en="Divisions",
    key=("adcode",),
    columns=(
        C(name="adcode", zh="行政区划代码", required=True, pattern=_ADCODE),
        C(name="name_zh", zh="中文名称", required=True),
        C(name="name_en", zh="英文名称", required=True),
        C(name="level", zh="级别", required=True, choices=("province", "prefecture", "county")),
        C(name="parent_adcode", zh="上级代码", pattern=_ADCODE),
        C(name="lon", zh="经度", kind="float", required=True, ge=-180, le=180),
        C(name="lat", zh="纬度", kind="float", required=True, ge=-90, le=90),
        _SRC,
        _CONFIDENCE,
    ),
)

HUBS = TableSpec(
    name="hubs",
    title_zh="物流枢纽",
    title_en="Hubs",
    key=("hub_id",),
    columns=(
        C(name="hub_id", zh="枢纽编号", required=True),
        C(name="name_en", zh="英文名称", required=True),
        C(name="name_zh", zh="中文名称"),
        C(name="type", zh="类型", required=True),
        C(name="country", zh="国家", required=True, pattern=_ISO2),
        C(name="adcode", zh="行政区划代码", pattern=_ADCODE),
        C(name="lon", zh="经度", kind="float", required=True, ge=-180, le=180),
        C(name="lat", zh="纬度", kind="float", required=True, ge=-90, le=90),
        _SRC,
        _CONFIDENCE,
        C(name="notes", zh="备注"),
    ),
)

_CATEGORIES = (
    "baijiu",
    "tea",
    "condiment",
    "fruit_fresh",
    "fruit_processed",
    "herbal",
    "food_other",
    "silver_jewellery",
    "textile_craft",
    "instrument",
    "lacquer_craft",
    "bamboo_craft",
    "other",
)


def _product_columns(reference: bool) -> tuple[ColumnSpec, ...]:
    return (
        C(
            name="id",
            zh="产品编号",
            required=True,
            pattern=r"[a-z0-9][a-z0-9._-]*",
            help_en="lowercase slug, e.g. duyun-maojian-250g",
            help_zh="小写字母、数字和连字符",
        ),
        C(name="name_en", zh="英文名称", required=True),
        C(name="name_zh", zh="中文名称", required=True),
        C(name="category", zh="品类", required=True, choices=_CATEGORIES),
        C(name="hs6", zh="HS编码(6位)", required=True, pattern=r"\d{6}", pad=6),
        C(name="cn_hs10", zh="中国商品编码(10位)", pattern=r"\d{10}", pad=10),
        C(name="origin_adcode", zh="产地县级代码", required=True, pattern=_ADCODE),
        C(name="unit", zh="销售单位", required=True),
        C(name="unit_value_cny", zh="单位货值(元)", kind="decimal", required=True, ge=0),
        C(name="unit_net_kg", zh="单位净重(kg)", kind="float", ge=0),
        C(name="unit_gross_kg", zh="单位毛重(kg)", kind="float", required=True, ge=0.001),
        C(name="units_per_carton", zh="每箱数量", kind="int", ge=1),
        C(name="carton_l_cm", zh="箱长(cm)", kind="float", ge=0.1),
        C(name="carton_w_cm", zh="箱宽(cm)", kind="float", ge=0.1),
        C(name="carton_h_cm", zh="箱高(cm)", kind="float", ge=0.1),
        C(name="carton_gross_kg", zh="整箱毛重(kg)", kind="float", ge=0.001),
        C(name="shelf_life_days", zh="保质期(天)", kind="int", ge=1),
        C(name="liquid", zh="液体", kind="bool"),
        C(name="abv_pct", zh="酒精度(%vol)", kind="float", ge=0, le=100),
        C(name="fresh", zh="生鲜", kind="bool"),
        C(name="cold_chain", zh="冷链", kind="bool"),
        C(name="max_transit_days", zh="最长运输天数", kind="int", ge=1),
        C(name="fragile", zh="易碎", kind="bool"),
        C(name="battery", zh="含电池", kind="bool"),
        C(name="ich_level", zh="非遗级别", choices=("national", "provincial")),
        C(name="ich_name", zh="非遗项目"),
        C(name="gi_name", zh="地理标志"),
        C(name="value_confidence", zh="货值可信度", required=reference, choices=_CONF),
        C(name="weight_confidence", zh="重量可信度", required=reference, choices=_CONF),
        C(name="source_id", zh="来源编号", required=reference),
        C(name="notes", zh="备注"),
    )


PRODUCTS = TableSpec(
    name="products", title_zh="产品目录", title_en="Products", key=("id",), columns=_product_columns(True)
)

# ---- user tables (imported into the store) ----------------------------------------

USER_PRODUCTS = TableSpec(
    name="products", title_zh="我的产品", title_en="My products", key=("id",), columns=_product_columns(False)
)

_MODES = FREIGHT_MODES

FREIGHT_QUOTES = TableSpec(
    name="freight_quotes",
    title_zh="运价报价",
    title_en="Freight quotes",
    key=("quote_id",),
    columns=(
        C(name="quote_id", zh="报价编号", required=True, pattern=IDENT_PATTERN),
        C(name="provider", zh="承运商/货代", required=True),
        C(name="mode", zh="运输方式", required=True, choices=_MODES),
        C(name="origin", zh="起运地", required=True, help_en="hub_id or 6-digit adcode"),
        C(name="destination", zh="目的地", required=True, help_en="hub_id or ISO2 market"),
        C(name="currency", zh="币种", required=True, pattern=r"[A-Z]{3}"),
        C(name="per_kg", zh="每公斤价格", kind="decimal", ge=0),
        C(name="per_item", zh="每件价格", kind="decimal", ge=0),
        C(name="per_shipment", zh="每票价格", kind="decimal", ge=0),
        C(name="per_m3", zh="每立方米价格", kind="decimal", ge=0),
        C(name="per_container", zh="每柜价格", kind="decimal", ge=0),
        C(name="container_type", zh="柜型", choices=("20GP", "40GP", "40HC", "45HC", "20RF", "40RF")),
        C(name="min_charge", zh="最低收费", kind="decimal", ge=0),
        C(name="divisor", zh="体积重系数", kind="float", ge=1000, le=10000),
        C(name="transit_days", zh="时效(天)", kind="float", ge=0),
        C(name="max_kg_per_item", zh="单件限重(kg)", kind="float", ge=0),
        C(name="valid_from", zh="生效日期", kind="date", required=True),
        C(name="valid_to", zh="失效日期", kind="date"),
        C(name="notes", zh="备注"),
    ),
)

SHIPMENTS = TableSpec(
    name="shipments",
    title_zh="待发货物",
    title_en="Shipments",
    key=("shipment_id",),
    columns=(
        C(name="shipment_id", zh="货物编号", required=True, pattern=IDENT_PATTERN),
        C(name="exporter", zh="出口企业", required=True),
        C(name="origin_adcode", zh="起运县代码", required=True, pattern=_ADCODE),
        C(name="product_id", zh="产品编号", pattern=IDENT_PATTERN),
        C(name="cartons", zh="箱数", kind="int", required=True, ge=1),
        C(name="carton_l_cm", zh="箱长(cm)", kind="float", required=True, ge=0.1),
        C(name="carton_w_cm", zh="箱宽(cm)", kind="float", required=True, ge=0.1),
        C(name="carton_h_cm", zh="箱高(cm)", kind="float", required=True, ge=0.1),
        C(name="carton_kg", zh="单箱毛重(kg)", kind="float", required=True, ge=0.001),
        C(name="stackable", zh="可堆叠", kind="bool"),
        C(name="this_side_up", zh="此面向上", kind="bool"),
        C(name="ready_from", zh="可提货开始", kind="datetime"),
        C(name="ready_to", zh="可提货截止", kind="datetime"),
        C(name="destination", zh="目的市场", required=True, pattern=_ISO2),
        C(name="service_preference", zh="服务偏好", choices=("cheapest", "fastest", "greenest", *_MODES)),
        C(name="value_cny", zh="货值(元)", kind="decimal", ge=0),
    ),
)

SALES = TableSpec(
    name="sales",
    title_zh="销售记录",
    title_en="Sales",
    key=("order_id", "product_id"),
    columns=(
        C(name="order_id", zh="订单号", required=True, pattern=IDENT_PATTERN),
        C(name="order_date", zh="下单日期", kind="date", required=True),
        C(name="product_id", zh="产品编号", required=True, pattern=IDENT_PATTERN),
        C(name="market", zh="市场", required=True, pattern=_ISO2),
        C(name="channel", zh="渠道/平台", required=True),
        C(name="quantity", zh="数量", kind="int", required=True, ge=1),
        C(name="unit_price", zh="单价", kind="decimal", required=True, ge=0),
        C(name="currency", zh="币种", required=True, pattern=r"[A-Z]{3}"),
    ),
)

# ---------------------------------------------------------------------------- rule tables
# The costing engine's reference tables (tax regimes, VAT, tariffs, layers, excise, rebates, modes, fees,
# fallback logistics); compiled by qiankua.costing.rules. A user may import their own rows for some of them
# (USER_RULE_TABLES below): a user row overrides the built-in one for the same key and date.


def _rd(name: str, zh: str, **kw: Any) -> ColumnSpec:
    return C(name=name, zh=zh, **kw)


_RSRC = (
    _rd("source_id", "来源编号", required=True),
    _rd("confidence", "可信度", required=True, choices=CONFIDENCE_LEVELS),
    _rd("notes", "备注"),
)
_RWIN = (_rd("valid_from", "生效日", kind="date"), _rd("valid_to", "失效日", kind="date"))


def _rf(name: str, zh: str) -> ColumnSpec:
    return C(name=name, zh=zh, kind="float", ge=0)


def _rb(name: str, zh: str) -> ColumnSpec:
    return C(name=name, zh=zh, kind="bool")


RULE_TABLES: dict[str, TableSpec] = {
    "tax_regimes": TableSpec(
        name="tax_regimes",
        title_zh="低值进口制度",
        title_en="Low-value import regimes",
        key=("regime_id",),
        columns=(
            _rd("regime_id", "规则编号", required=True),
            _rd("regime", "制度区域", required=True),
            _rd("channel", "渠道", required=True, choices=("any", "postal")),
            *_RWIN,
            _rd("threshold_currency", "门槛币种", required=True, pattern=r"[A-Z]{3}"),
            _rf("duty_de_minimis", "关税起征点"),
            _rf("vat_de_minimis", "增值税起征点"),
            _rf("lvg_ceiling", "低值商品上限"),
            _rb("lvg_excise_excluded", "消费税商品除外"),
            _rd("above_collector", "超限征收方", required=True, choices=("border", "platform")),
            _rd("valuation", "完税价格基础", required=True, choices=("cif", "fob")),
            _rf("flat_rate", "综合税率"),
            _rf("flat_floor", "综合税下限"),
            _rf("flat_ceiling", "综合税上限"),
            _rf("flat_rate_high", "高档税率"),
            _rf("flat_high_ceiling", "高档上限"),
            _rf("flat_high_deduction", "高档扣减"),
            _rb("flat_on_excess", "仅超额部分"),
            _rf("flat_min_per_kg", "每公斤最低"),
            _rb("flat_covers_vat", "含增值税"),
            _rb("flat_covers_excise", "含消费税"),
            _rf("per_item_duty", "每件关税"),
            _rf("handling_fee", "手续费"),
            _rb("vat_gross_up", "价内税"),
            *_RSRC,
        ),
    ),
    "vat_rates": TableSpec(
        name="vat_rates",
        title_zh="增值税率",
        title_en="VAT/GST rates",
        key=("market", "valid_from"),
        columns=(
            _rd("market", "市场", required=True, pattern=r"[A-Z]{2}"),
            *_RWIN,
            C(name="standard_rate", zh="标准税率", kind="float", ge=0, le=1, required=True),
            C(name="food_rate", zh="食品税率", kind="float", ge=0, le=1),
            *_RSRC,
        ),
    ),
    "tariffs": TableSpec(
        name="tariffs",
        title_zh="关税税目",
        title_en="Tariff lines",
        key=("area", "hs_prefix", "agreement", "valid_from"),
        columns=(
            _rd("area", "关税区", required=True),
            _rd("hs_prefix", "HS前缀", required=True, pattern=r"\d{2,10}", pad=6),
            _rd("agreement", "协定", required=True),
            C(name="rate", zh="税率", kind="float", ge=0, le=10),
            _rf("specific", "从量税"),
            _rd("specific_unit", "从量单位", choices=SPECIFIC_UNITS),
            _rd("specific_currency", "从量币种", pattern=r"[A-Z]{3}"),
            _rf("min_per_kg", "每公斤最低"),
            _rd("national_line", "本国税号"),
            *_RWIN,
            *_RSRC,
        ),
    ),
    "tariff_layers": TableSpec(
        name="tariff_layers",
        title_zh="附加关税",
        title_en="Additional duty layers",
        columns=(
            _rd("area", "关税区", required=True),
            _rd("hs_prefix", "HS前缀", pattern=r"\d{2,10}", pad=6),
            _rd("layer", "层", required=True),
            C(name="rate", zh="税率", kind="float", ge=0, le=10),
            *_RWIN,
            *_RSRC,
        ),
    ),
    "excise": TableSpec(
        name="excise",
        title_zh="消费税",
        title_en="Excise",
        columns=(
            _rd("area", "区域", required=True),
            _rd("hs_prefix", "HS前缀", required=True, pattern=r"\d{2,10}"),
            _rf("per_lpa", "每升纯酒精"),
            _rf("ad_valorem", "从价"),
            _rd("currency", "币种", required=True, pattern=r"[A-Z]{3}"),
            *_RWIN,
            *_RSRC,
        ),
    ),
    "export_rebates": TableSpec(
        name="export_rebates",
        title_zh="出口退税",
        title_en="Export rebates",
        columns=(
            _rd("hs_prefix", "HS前缀", required=True, pattern=r"\d{2,10}", pad=4),
            C(name="cn_vat_rate", zh="国内增值税率", kind="float", ge=0, le=1, required=True),
            C(name="rebate_rate", zh="退税率", kind="float", ge=0, le=1, required=True),
            C(name="ct_rate", zh="消费税率", kind="float", ge=0, le=1),
            _rf("ct_per_kg", "消费税每公斤"),
            *_RWIN,
            *_RSRC,
        ),
    ),
    "export_modes": TableSpec(
        name="export_modes",
        title_zh="监管方式",
        title_en="Customs modes",
        key=("mode",),
        columns=(
            _rd("mode", "监管方式", required=True, choices=MODES),
            _rb("carries_origin_certificate", "可附原产地证"),
            _rb("invoices_default", "默认有票"),
            _rd("rebate", "退税"),
            _rb("pilot_zone_exemption", "综试区无票免税"),
            _rb("pre_rebate", "离境即退"),
            *_RSRC,
        ),
    ),
    "channel_fees": TableSpec(
        name="channel_fees",
        title_zh="平台费用",
        title_en="Channel fees",
        columns=(
            _rd("platform", "平台", required=True),
            _rd("market_scope", "市场范围", required=True),
            _rd("category_group", "品类组", required=True),
            *_RWIN,
            _rf("tier_limit", "阶梯上限"),
            C(name="rate_below", zh="阶梯内费率", kind="float", ge=0, le=1, required=True),
            C(name="rate_above", zh="阶梯外费率", kind="float", ge=0, le=1, required=True),
            _rd("tier_mode", "阶梯方式", required=True, choices=("whole", "portion")),
            _rf("min_fee", "最低佣金"),
            _rd("fee_currency", "币种", required=True, pattern=r"[A-Z]{3}"),
            C(name="payment_rate", zh="支付费率", kind="float", ge=0, le=1),
            C(name="returns_rate", zh="退货准备金率", kind="float", ge=0, le=1),
            *_RSRC,
        ),
    ),
    "logistics_rates_fallback": TableSpec(
        name="logistics_rates_fallback",
        title_zh="物流备用费率",
        title_en="Fallback logistics rates",
        columns=(
            _rd("service", "服务", required=True, choices=SERVICES),
            _rd("zone", "区域", required=True),
            _rf("per_kg", "每公斤"),
            _rf("per_item", "每件"),
            _rd("currency", "币种", required=True, pattern=r"[A-Z]{3}"),
            C(name="divisor", zh="体积系数", kind="float", ge=1),
            _rf("first_mile_per_kg", "头程每公斤"),
            *_RSRC,
        ),
    ),
}


# scope columns of the fee table: "*" (any), one code, or codes joined by ";" (e.g. SG;MY;TH)
_SCOPE_COLUMNS = frozenset({"market_scope", "category_group"})
_SCOPE_PATTERN = r"\*|[A-Za-z0-9_]{1,32}(;[A-Za-z0-9_]{1,32}){0,63}"


def _user_rule_table(name: str, rule: str, key: tuple[str, ...], title_zh: str, title_en: str) -> TableSpec:
    """A user table holding the user's own rows of the rule table ``rule``: the same columns, with
    ``valid_from`` required, a free-text ``source`` instead of a provenance id and an optional
    ``confidence`` (default ``likely``)."""
    spec = RULE_TABLES[rule]
    cols = [c for c in spec.columns if c.name not in ("source_id", "confidence", "notes")]
    cols = [C(name=c.name, zh=c.zh, kind=c.kind, required=True) if c.name == "valid_from" else c for c in cols]
    # codes in the key (area, agreement, platform …) are identifiers: the same safe characters as ids
    cols = [
        replace(c, pattern=_SCOPE_PATTERN if c.name in _SCOPE_COLUMNS else IDENT_PATTERN)
        if c.name in key and c.kind == "str" and not (c.pattern or c.choices)
        else c
        for c in cols
    ]
    cols += [
        C(name="source", zh="来源", required=True, help_en="document, schedule or contract the figure comes from"),
        C(name="confidence", zh="可信度", choices=CONFIDENCE_LEVELS),
        C(name="notes", zh="备注"),
    ]
    return TableSpec(name=name, title_zh=title_zh, title_en=title_en, key=key, columns=tuple(cols))


# user table -> the rule table its rows override
USER_RULE_TABLES: dict[str, str] = {"tariffs": "tariffs", "excise": "excise", "fees": "channel_fees"}
USER_TARIFFS = _user_rule_table(
    "tariffs", "tariffs", ("area", "hs_prefix", "agreement", "valid_from"), "我的关税税率", "My tariff lines"
)
USER_EXCISE = _user_rule_table(
    "excise", "excise", ("area", "hs_prefix", "valid_from"), "我的消费税率", "My excise rates"
)
USER_FEES = _user_rule_table(
    "fees",
    "channel_fees",
    ("platform", "market_scope", "category_group", "valid_from"),
    "我的平台费率",
    "My platform fees",
)

FX_RATES = TableSpec(
    name="fx_rates",
    title_zh="我的汇率",
    title_en="My FX rates",
    key=("currency", "valid_from"),
    columns=(
        C(name="currency", zh="币种", required=True, pattern=r"[A-Z]{3}"),
        C(name="valid_from", zh="生效日期", kind="date", required=True),
        C(
            name="cny_per_unit",
            zh="每单位折合人民币",
            kind="float",
            required=True,
            gt=0,
            help_en="CNY per 1 unit of the currency",
            help_zh="1 单位该币种折合人民币元",
        ),
        C(name="source", zh="来源", help_en="bank, contract or agent the rate comes from"),
        C(name="notes", zh="备注"),
    ),
)

REGION_PANEL = TableSpec(
    name="region_panel",
    title_zh="区域指标面板",
    title_en="Regional indicator panel",
    key=("area", "year", "indicator"),
    columns=(
        C(
            name="area",
            zh="地区",
            required=True,
            help_en="province, prefecture or county: code or name (zh/en/pinyin)",
            help_zh="省、市或县：行政区划代码或名称（中文、英文、拼音）",
        ),
        C(name="year", zh="年份", kind="int", required=True, ge=1949, le=2100),
        C(
            name="indicator",
            zh="指标",
            required=True,
            pattern=IDENT_PATTERN,
            help_en="an indicator of the region indicator system (qiankua region indicators)",
            help_zh="区域指标体系中的指标名（见 qiankua region indicators）",
        ),
        C(name="value", zh="数值", kind="float", required=True, ge=0),
        C(
            name="measure",
            zh="计量单位",
            required=True,
            help_en="unit of measure, as the indicator defines it",
            help_zh="计量单位，须与指标定义一致",
        ),
        C(name="source", zh="来源", help_en="where the figure comes from (yearbook, bulletin, URL)"),
        C(name="notes", zh="备注"),
    ),
)

REFERENCE_TABLES: dict[str, TableSpec] = {t.name: t for t in (MARKETS, DIVISIONS, HUBS, PRODUCTS)}
USER_TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        USER_PRODUCTS,
        FREIGHT_QUOTES,
        SHIPMENTS,
        SALES,
        FX_RATES,
        USER_TARIFFS,
        USER_EXCISE,
        USER_FEES,
        REGION_PANEL,
    )
}
# a region's exports by product (issue 16 item 3: product space and "what could Guizhou add"): provinces,
# counties or countries, as provincial customs statistics (GACC) or a county bureau give them
REGION_EXPORTS = TableSpec(
    name="region_exports",
    title_zh="地区分产品出口",
    title_en="Regional exports by product",
    key=("region", "product", "year"),
    columns=(
        C(
            name="region",
            zh="地区",
            required=True,
            help_en="province, county or country (e.g. Guizhou, 520123)",
            help_zh="省、县或国家（如 贵州、520123）",
        ),
        C(
            name="product",
            zh="产品编码",
            required=True,
            pattern=r"[0-9A-Za-z.\-]{1,20}",
            help_en="HS code (same digits for all rows, e.g. 4-digit) or another product code",
            help_zh="HS 编码（全表位数一致，如 4 位）或其他产品编码",
        ),
        C(name="year", zh="年份", kind="int", required=True, ge=1900, le=2100),
        C(name="export_value_usd", zh="出口额(美元)", kind="float", required=True, ge=0),
        C(name="product_name", zh="产品名称"),
        C(name="source", zh="来源", help_en="statistics the figure comes from (e.g. GACC provincial statistics)"),
        C(name="notes", zh="备注"),
    ),
)
USER_TABLES[REGION_EXPORTS.name] = REGION_EXPORTS
# a third-party overseas warehouse's price list (issue 15): the warehouse plan prices the 3PL channel with it
WAREHOUSE_RATES = TableSpec(
    name="warehouse_rates",
    title_zh="海外仓（第三方仓）价目表",
    title_en="3PL warehouse price list",
    key=("provider", "market", "fee", "age_from_days", "weight_to_kg", "valid_from"),
    columns=(
        C(name="provider", zh="仓库/服务商", required=True, pattern=IDENT_PATTERN),
        C(name="market", zh="市场", required=True, pattern=_ISO2),
        C(name="fee", zh="费用项", required=True,
          choices=("receiving_carton", "storage_m3_day", "storage_m3_month", "pick_pack_unit", "last_mile_unit"),
          help_en="receiving per carton, storage per m3 per day or month, pick-pack or last mile per unit",
          help_zh="入库（每箱）、仓储（每立方米每天/每月）、拣货打包或尾程（每件）"),
        C(name="age_from_days", zh="库龄起(天)", kind="int", ge=0),
        C(name="weight_to_kg", zh="重量上限(kg)", kind="float", gt=0),
        C(name="amount", zh="价格", kind="decimal", required=True, ge=0),
        C(name="currency", zh="币种", required=True, pattern=r"[A-Z]{3}"),
        C(name="valid_from", zh="生效日期", kind="date", required=True),
        C(name="valid_to", zh="失效日期", kind="date"),
        C(name="source", zh="来源", help_en="the warehouse's price list or contract"),
        C(name="notes", zh="备注"),
    ),
)  # fmt: skip
USER_TABLES[WAREHOUSE_RATES.name] = WAREHOUSE_RATES
# the CBEC retail import positive list (issue 17), by edition (2016, 2018, 2019, 2022: the official
# attachments); an imported edition replaces the built-in lines of that edition only, an order is checked
# against the edition in force on its date, and a line missing from an edition imported whole is rejected
USER_POSITIVE_LIST = TableSpec(
    name="positive_list",
    title_zh="跨境电商零售进口商品清单",
    title_en="CBEC retail import positive list",
    key=("hs_code", "edition"),
    columns=(
        C(name="hs_code", zh="税则号列", required=True, pattern=r"\d{8}", pad=8,
          help_en="8-digit tariff line as the list gives it", help_zh="清单所列 8 位税则号列"),
        C(name="name_zh", zh="商品描述", required=True, aliases=("商品名称", "货品名称", "中文货品名称")),
        C(name="remark", zh="监管要求", help_en="the list's remark, as written", help_zh="清单备注原文",
          aliases=("备注",)),
        C(name="remark_type", zh="备注类型",
          pattern=r"(?:exclusion|bonded_only|name_restriction|quantity_cap)(?:\s*[;；,]\s*(?:exclusion|bonded_only|name_restriction|quantity_cap))*",
          help_en="optional: exclusion, bonded_only, name_restriction, quantity_cap; several joined with ; "
          "(e.g. quantity_cap;bonded_only); empty = read from the remark",
          help_zh="可不填：exclusion、bonded_only、name_restriction、quantity_cap，多种用 ; 分隔"
          "（如 quantity_cap;bonded_only）；不填则按“监管要求”原文识别"),
        C(name="qty_cap", zh="每人每年限量", kind="float", ge=0,
          help_en="per-person yearly quantity cap (in the order's quantity unit), when the remark sets one",
          help_zh="备注规定的每人每年限购数量（与订单数量同单位）"),
        C(name="qty_unit", zh="限量单位"),
        C(name="edition", zh="版本", choices=("2016", "2018", "2019", "2022"),
          help_en="the edition the rows belong to (2016, 2018, 2019 or 2022); empty or no such column = the newest "
          "(2022, in force from 2022-03-01). Orders are checked against the edition in force on their date. "
          "`qiankua bonded list-import FILE [--edition E]` replaces that edition's lines and keeps the other editions",
          help_zh="这些行所属的清单版本（2016、2018、2019 或 2022）；不填或无此列＝最新版（2022 年版，2022-03-01 起施行）。"
          "订单按其日期适用当时施行的版本；`qiankua bonded list-import 文件 [--edition 版本]` 只替换该版本的行，其他版本保留"),
        C(name="source", zh="来源", help_en="the announcement and attachment the rows come from"),
        C(name="notes", zh="说明", help_en="your own notes", help_zh="您自己的说明（清单的备注请填“监管要求”列）"),
    ),
)  # fmt: skip
USER_TABLES[USER_POSITIVE_LIST.name] = USER_POSITIVE_LIST
# a carrier's invoice or freight bill, line by line (issue 19): the orders margin takes the invoiced logistics
# cost instead of the estimate for the orders a line matches (by waybill number, else by order id)
CARRIER_INVOICES = TableSpec(
    name="carrier_invoices",
    title_zh="承运商账单（运费发票）",
    title_en="Carrier invoices (freight bills)",
    key=("carrier", "invoice_no", "waybill_or_order", "charge"),
    columns=(
        C(name="carrier", zh="承运商", required=True,
          help_en="the carrier or forwarder that bills, e.g. China Post", help_zh="开票的承运商或货代，如 中国邮政"),
        C(name="invoice_no", zh="账单号", help_en="the invoice or bill number", help_zh="账单或发票号"),
        C(name="waybill_or_order", zh="运单号或订单号", required=True,
          help_en="the parcel's waybill (tracking) number, or the platform order id",
          help_zh="包裹的运单号（跟踪号），或平台订单号"),
        C(name="platform", zh="平台",
          help_en="only to tell apart equal order ids of two platforms (amazon, aliexpress …)",
          help_zh="仅在两个平台订单号相同时填写（amazon、aliexpress …）"),
        C(name="invoice_date", zh="账单日期", kind="date", required=True,
          help_en="the amount is converted to CNY at this day's rate", help_zh="按当日汇率折算人民币"),
        C(name="charge", zh="费用项",
          help_en="freight, fuel surcharge, remote area … (all lines of one waybill add up; a credit is negative)",
          help_zh="运费、燃油附加费、偏远附加费……（同一运单的各行相加；退款填负数）"),
        C(name="amount", zh="金额", kind="decimal", required=True),
        C(name="currency", zh="币种", required=True, pattern=r"[A-Z]{3}"),
        C(name="weight_kg", zh="计费重量(kg)", kind="float", gt=0),
        C(name="notes", zh="备注"),
    ),
)  # fmt: skip
USER_TABLES[CARRIER_INVOICES.name] = CARRIER_INVOICES
TABLES = {"reference": REFERENCE_TABLES, "user": USER_TABLES}


def table_title(name: str, lang: str) -> str | None:
    """A table's title in ``lang`` (zh or en) from its spec, the user's tables first; None when no spec has it."""
    for tables in (USER_TABLES, REFERENCE_TABLES):
        spec = tables.get(name)
        if spec is not None:
            return spec.title_zh if lang == "zh" else spec.title_en
    return None


def table_spec(name: str, *, user: bool = True) -> TableSpec:
    tables = USER_TABLES if user else REFERENCE_TABLES
    try:
        return tables[name]
    except KeyError:
        raise InvalidInputError(f"Unknown table {name!r}; expected one of {', '.join(sorted(tables))}.") from None
