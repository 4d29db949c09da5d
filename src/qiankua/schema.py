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

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any

import polars as pl
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model

from qiankua.domain import CONFIDENCE_LEVELS
from qiankua.exceptions import CellIssue, InvalidInputError

__all__ = [
    "ColumnSpec",
    "TableSpec",
    "TABLES",
    "USER_TABLES",
    "REFERENCE_TABLES",
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


def _parse_date(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        text = value.replace("/", "-").replace(".", "-")
        match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or re.fullmatch(
            r"(\d{4})年(\d{1,2})月(\d{1,2})日", value
        )
        if not match:
            raise ValueError("expected a date as YYYY-MM-DD")
        year, month, day = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError as exc:
            raise ValueError(f"not a calendar date: {exc}") from None
    return value


def _parse_datetime(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.replace("/", "-"))
        except ValueError:
            raise ValueError("expected a date-time as YYYY-MM-DD HH:MM") from None
    return value


def _parse_number(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, str):
        # spreadsheets in both locales write thousands separators; full-width digits come from IMEs
        value = value.replace(",", "").replace("，", "").translate(_FULLWIDTH)
    return value


def _parse_text(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, float) and value.is_integer():
        # Excel stores "090210" typed without a leading apostrophe as 90210.0
        return str(int(value))
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    return value


_FULLWIDTH = str.maketrans("０１２３４５６７８９．－", "0123456789.-")


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
        constraints: dict[str, Any] = {}
        if self.kind == "str":
            base = str
            validators.append(BeforeValidator(_parse_text))
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
        annotated = Annotated[base, Field(**constraints), *reversed(validators)]  # type: ignore[valid-type]
        # blanks become None before the union is tried, so an empty optional cell is simply unknown
        optional = annotated if self.required else annotated | None  # type: ignore[operator]
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
            for label in (col.name, col.zh, col.header, f"{col.zh}/{col.name}", f"{col.zh}（{col.name}）", f"{col.zh}({col.name})"):
                aliases[normalise_header(label)] = col.name
        return aliases

    @cached_property
    def model(self) -> type[BaseModel]:
        fields: dict[str, Any] = {
            col.name: (col.annotation(), ... if col.required else None) for col in self.columns
        }
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
                            value=None if value is None else str(value),
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
        return pl.DataFrame(
            {c.name: [r.get(c.name) for r in rows] for c in self.columns}, schema=self.polars_schema()
        )


def normalise_header(text: str) -> str:
    return re.sub(r"[\s_\-*]+", "", text.strip().lower()).replace("：", ":").rstrip(":")


_PATTERN_HINTS = {
    r"\d{6}": "6 digits",
    r"\d{10}": "10 digits",
    r"[A-Z]{2}": "an ISO 3166 alpha-2 code in capitals, e.g. DE",
    r"[A-Z]{3}": "an ISO 4217 code in capitals, e.g. USD",
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
            choices=(
                "east_asia", "southeast_asia", "south_asia", "central_asia", "west_asia",
                "europe", "north_america", "latin_america", "oceania", "africa",
            ),
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
    "baijiu", "tea", "condiment", "fruit_fresh", "fruit_processed", "herbal", "food_other",
    "silver_jewellery", "textile_craft", "instrument", "lacquer_craft", "bamboo_craft", "other",
)


def _product_columns(reference: bool) -> tuple[ColumnSpec, ...]:
    return (
        C(name="id", zh="产品编号", required=True, pattern=r"[a-z0-9][a-z0-9._-]*",
          help_en="lowercase slug, e.g. duyun-maojian-250g", help_zh="小写字母、数字和连字符"),
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

_MODES = ("truck", "rail", "sea_fcl", "sea_lcl", "air", "post", "express", "last_mile", "other")

FREIGHT_QUOTES = TableSpec(
    name="freight_quotes",
    title_zh="运价报价",
    title_en="Freight quotes",
    key=("quote_id",),
    columns=(
        C(name="quote_id", zh="报价编号", required=True),
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
        C(name="shipment_id", zh="货物编号", required=True),
        C(name="exporter", zh="出口企业", required=True),
        C(name="origin_adcode", zh="起运县代码", required=True, pattern=_ADCODE),
        C(name="product_id", zh="产品编号"),
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
        C(name="order_id", zh="订单号", required=True),
        C(name="order_date", zh="下单日期", kind="date", required=True),
        C(name="product_id", zh="产品编号", required=True),
        C(name="market", zh="市场", required=True, pattern=_ISO2),
        C(name="channel", zh="渠道/平台", required=True),
        C(name="quantity", zh="数量", kind="int", required=True, ge=1),
        C(name="unit_price", zh="单价", kind="decimal", required=True, ge=0),
        C(name="currency", zh="币种", required=True, pattern=r"[A-Z]{3}"),
    ),
)

FX_RATES = TableSpec(
    name="fx_rates",
    title_zh="我的汇率",
    title_en="My FX rates",
    key=("currency", "valid_from"),
    columns=(
        C(name="currency", zh="币种", required=True, pattern=r"[A-Z]{3}"),
        C(name="valid_from", zh="生效日期", kind="date", required=True),
        C(name="cny_per_unit", zh="每单位折合人民币", kind="float", required=True, gt=0,
          help_en="CNY per 1 unit of the currency", help_zh="1 单位该币种折合人民币元"),
        C(name="source", zh="来源", help_en="bank, contract or agent the rate comes from"),
        C(name="notes", zh="备注"),
    ),
)

REFERENCE_TABLES: dict[str, TableSpec] = {
    t.name: t for t in (MARKETS, DIVISIONS, HUBS, PRODUCTS)
}
USER_TABLES: dict[str, TableSpec] = {
    t.name: t for t in (USER_PRODUCTS, FREIGHT_QUOTES, SHIPMENTS, SALES, FX_RATES)
}
TABLES = {"reference": REFERENCE_TABLES, "user": USER_TABLES}


def table_spec(name: str, *, user: bool = True) -> TableSpec:
    tables = USER_TABLES if user else REFERENCE_TABLES
    try:
        return tables[name]
    except KeyError:
        raise InvalidInputError(
            f"Unknown table {name!r}; expected one of {', '.join(sorted(tables))}."
        ) from None
