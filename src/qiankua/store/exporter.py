"""Write tables and templates as CSV or XLSX.

Cells that a spreadsheet would run as a formula (text starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return — OWASP "CSV injection") are neutralised by a
leading apostrophe, in CSV and XLSX alike; numbers stay numbers.

XLSX tables are streamed: the sheet's XML is built column-wise with polars, a block of rows at
a time, and deflated straight into the zip (inline strings, no shared-string table, dates as
Excel serials with a date format), so a million rows take seconds and little memory.

Templates (:func:`write_template`) carry bilingual headers, text format on code columns, drop-down
lists (data validation) on every coded column, an example sheet with one row that imports as is,
and a notes sheet in plain Chinese and English. The importer never reads the example, notes or
lists sheets (:data:`AUXILIARY_SHEETS`).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import polars as pl

from qiankua.exceptions import InvalidInputError
from qiankua.schema import ColumnSpec, TableSpec

FORMATS = ("csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: sheet names of a template that are never imported (their names start with these)
AUXILIARY_SHEETS = ("示例", "example", "说明", "notes", "选项", "lists")
_BLOCK = 100_000  # rows per block of sheet XML


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would treat as a formula with ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InvalidInputError(f"Expected `format` in {FORMATS}, got {fmt!r}.")


def write_frame(frame: pl.DataFrame, path: Path, fmt: str, *, sheet: str = "data") -> Path:
    _check_format(fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        rows = ([neutralise(v) for v in row] for row in frame.iter_rows())
        # UTF-8 with BOM so Excel on Chinese Windows opens Chinese text correctly
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(frame.columns)
            writer.writerows(["" if v is None else v for v in row] for row in rows)
    else:
        write_xlsx(frame, path, sheet=sheet)
    return path


# ------------------------------------------------------------------------------------------ streamed XLSX

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# style 0 general, 1 date (yyyy-mm-dd), 2 date-time (yyyy-mm-dd hh:mm:ss), 3 bold header
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_XML_BAD = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def _letters(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


_NEEDS_CARE = r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|^[=+\-@\t\r]"


def _text_xml(expr: pl.Expr) -> pl.Expr:
    """Escaped, formula-neutralised text of a String expression (characters XML cannot hold dropped)."""
    text = (
        expr.str.replace_all(_XML_BAD, "")
        .str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )
    formula = expr.str.contains(r"^[=+\-@\t\r]")
    return pl.when(formula).then(pl.lit("'") + text).otherwise(text)


def _cell_expr(name: str, dtype: pl.DataType, *, plain: bool = False) -> pl.Expr:
    """The ``<c>`` element of each row's cell in column ``name`` (``<c/>`` when the cell is empty: cells
    carry no ``r`` reference, so every position is written and readers count them)."""
    col = pl.col(name)
    if dtype == pl.Boolean:
        cell = pl.lit('<c t="b"><v>') + col.cast(pl.Int8).cast(pl.String) + pl.lit("</v></c>")
    elif dtype.is_numeric():
        value = col.cast(pl.Float64) if isinstance(dtype, pl.Decimal) else col
        if dtype.is_float() or isinstance(dtype, pl.Decimal):
            value = pl.when(value.is_finite()).then(value)
        cell = pl.lit("<c><v>") + value.cast(pl.String) + pl.lit("</v></c>")
    elif dtype == pl.Date:
        serial = (col - pl.lit(_EXCEL_EPOCH)).dt.total_days()
        cell = pl.lit('<c s="1"><v>') + serial.cast(pl.String) + pl.lit("</v></c>")
    elif isinstance(dtype, pl.Datetime):
        micros = (col.cast(pl.Datetime("us")) - pl.lit(dt.datetime(1899, 12, 30))).dt.total_microseconds()
        serial = micros.cast(pl.Float64) / 86_400_000_000
        cell = pl.lit('<c s="2"><v>') + serial.round(8).cast(pl.String) + pl.lit("</v></c>")
    else:
        text = col.cast(pl.String) if dtype != pl.String else col
        body = text if plain else _text_xml(text)  # plain: the block has nothing to escape or neutralise
        cell = pl.lit('<c t="inlineStr"><is><t xml:space="preserve">') + body + pl.lit("</t></is></c>")
    return cell.fill_null("<c/>")


def _plain_text(block: pl.DataFrame, column: str) -> bool:
    """True when a String column of the block holds nothing to escape, drop or neutralise."""
    series = block[column]
    return series.dtype == pl.String and not series.str.contains(_NEEDS_CARE).any()


def write_xlsx(frame: pl.DataFrame, path: Path, *, sheet: str = "data") -> Path:
    """``frame`` as a one-sheet XLSX, streamed block by block (header bold, frozen, filtered)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    name = escape(sheet[:31] or "data", {'"': "&quot;"})
    width = max(len(frame.columns), 1)
    last = f"{_letters(width - 1)}{frame.height + 1}"
    header = "".join(
        f'<c r="{_letters(i)}1" s="3" t="inlineStr"><is><t>{escape(str(c))}</t></is></c>'
        for i, c in enumerate(frame.columns)
    )
    row = pl.lit('<row r="') + pl.col("__r").cast(pl.String) + pl.lit('">')
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + f'<dimension ref="A1:{last}"/>'.encode()
                + b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                b'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>'
                + f'<row r="1">{header}</row>'.encode()
            )
            for start in range(0, frame.height, _BLOCK):
                block = frame.slice(start, _BLOCK).with_row_index("__r", offset=start + 2)
                cells = [_cell_expr(c, frame.schema[c], plain=_plain_text(block, c)) for c in frame.columns]
                line = pl.concat_str([row, *cells, pl.lit("</row>")])
                # one row of XML per line; polars writes the lines straight into the deflate stream
                block.select(line.alias("x")).write_csv(fh, include_header=False, quote_style="never")
            fh.write(f'</sheetData><autoFilter ref="A1:{last}"/></worksheet>'.encode())
    return path


def _xlsx_value(value: Any) -> Any:
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value


# ------------------------------------------------------------------------------------------ templates

_KIND_TEXT = {
    "str": ("文本", "text"),
    "int": ("整数", "whole number"),
    "float": ("数字", "number"),
    "decimal": ("金额/数字", "amount (number)"),
    "bool": ("是/否", "yes/no"),
    "date": ("日期，如 2026-12-08、2026/12/8、2026年12月8日", "date, e.g. 2026-12-08, 2026/12/8"),
    "datetime": ("日期时间，如 2026-12-08 08:00", "date and time, e.g. 2026-12-08 08:00"),
}
# example values that pass every check (a built-in product, a Guizhou county, a real hub)
_EXAMPLES: dict[str, Any] = {
    "id": "my-tea-250g",
    "quote_id": "Q2026-001",
    "shipment_id": "S2026-001",
    "order_id": "ORD-10001",
    "product_id": "duyun-maojian-250g",
    "name_en": "Duyun Maojian green tea 250 g",
    "name_zh": "都匀毛尖 250克",
    "exporter": "示例茶业合作社 Sample tea co-op",
    "provider": "示例货代 Sample forwarder",
    "origin_adcode": "522701",
    "origin": "522701",
    "destination": "DE",
    "market": "DE",
    "currency": "CNY",
    "hs6": "090210",
    "cn_hs10": "0902109000",
    "unit": "tin",
    "channel": "amazon",
    "platform": "amazon",
    "market_scope": "DE",
    "category_group": "grocery",
    "area": "EU",
    "hs_prefix": "090210",
    "agreement": "MFN",
    "source": "示例：合同/税则 sample: contract or schedule",
    "notes": "示例行，导入前请删除或改写 sample row",
    "valid_from": "2026-12-01",
    "order_date": "2026-12-08",
    "ready_from": "2026-12-08 08:00",
    "ready_to": "2026-12-08 17:00",
    "fee_currency": "EUR",
    "threshold_currency": "EUR",
    "specific_currency": "EUR",
}
_EXAMPLE_NUMBERS: dict[str, float] = {
    "unit_value_cny": 120,
    "unit_gross_kg": 0.4,
    "unit_net_kg": 0.25,
    "per_kg": 38.5,
    "cny_per_unit": 7.8,
    "cartons": 4,
    "quantity": 2,
    "unit_price": 24.9,
    "rate_below": 0.15,
    "rate_above": 0.08,
    "rate": 0.05,
    "transit_days": 7,
    "divisor": 6000,
}


_CODE_EXAMPLES = ("example-1", "090210", "09021010", "0902101000", "0902", "522701", "DE", "EUR")


def example_row(spec: TableSpec) -> dict[str, Any]:
    """One row of ``spec`` that imports as is (required columns, and a few telling optional ones)."""
    row: dict[str, Any] = {}
    for col in spec.columns:
        if col.name in _EXAMPLES and (col.required or col.name in ("notes", "cn_hs10")):
            value: Any = _EXAMPLES[col.name]
            if col.kind == "date" and spec.name == "fx_rates":
                value = "2026-12-01"
        elif col.name in _EXAMPLE_NUMBERS and (col.required or col.name in ("per_kg", "transit_days")):
            value = _EXAMPLE_NUMBERS[col.name]
        elif not col.required:
            continue
        elif col.choices:
            value = col.choices[0]
        elif col.kind in ("int", "float", "decimal"):
            value = max(1, col.ge or 0, (col.gt or 0) + 1) if col.le is None or col.le >= 1 else col.le
        elif col.kind == "bool":
            value = "否"
        elif col.kind in ("date", "datetime"):
            value = "2026-12-01"
        else:
            value = "example"
        if col.kind == "str" and col.pattern and not re.fullmatch(col.pattern, str(value)):
            # a code column: the first generic example its pattern takes (an id, an HS code of some length …)
            value = next((v for v in _CODE_EXAMPLES if re.fullmatch(col.pattern, v)), value)
        row[col.name] = value
    if spec.name == "fx_rates":
        row["currency"] = "EUR"
    if spec.name == "shipments":
        row.update(carton_l_cm=40, carton_w_cm=30, carton_h_cm=30, carton_kg=9.5)
    if spec.name == "region_panel":  # a province by name, an indicator and its unit (the value is a placeholder)
        row.update(area="贵州", year=2024, indicator="express_parcels", value=1, measure="10k items")
    return row


def _dropdowns(spec: TableSpec, markets: list[str], currencies: list[str]) -> dict[str, list[str]]:
    lists: dict[str, list[str]] = {}
    for col in spec.columns:
        if col.choices:
            lists[col.name] = list(col.choices)
        elif col.kind == "bool":
            lists[col.name] = ["是", "否"]
        elif col.pattern == r"[A-Z]{2}" or col.name in ("market", "destination"):
            lists[col.name] = markets
        elif col.name.endswith("currency"):
            lists[col.name] = currencies
    return {k: v for k, v in lists.items() if v}


def _plain(col: ColumnSpec) -> tuple[str, str]:
    zh, en = _KIND_TEXT[col.kind]
    limits = []
    if col.ge is not None:
        limits.append(f">= {col.ge:g}")
    if col.gt is not None:
        limits.append(f"> {col.gt:g}")
    if col.le is not None:
        limits.append(f"<= {col.le:g}")
    if limits:
        zh, en = f"{zh}（{', '.join(limits)}）", f"{en} ({', '.join(limits)})"
    return zh, en


_GENERAL_NOTES = (
    ("第一行是表头，请不要修改；每行一条记录。", "Row 1 holds the headers; keep them. One record per row."),
    ("标“是”的列必须填写；其他列可以留空。", "Columns marked yes must be filled in; the others may stay empty."),
    (
        "“示例”工作表里的一行可以照着填写；它不会被导入。",
        "The example sheet shows one filled row; it is never imported.",
    ),
    (
        "日期可写成 2026-12-08、2026/12/8、2026.12.8 或 2026年12月8日；Excel 日期格式也可以。",
        "Dates may be 2026-12-08, 2026/12/8, 2026.12.8 or 2026年12月8日, or Excel date cells.",
    ),
    (
        "数字不要带货币符号；千位分隔符和全角数字（１２０，５）都可以。",
        "Numbers without currency signs; thousands separators and full-width digits are fine.",
    ),
    (
        "市场可以写代码（DE）、中文（德国）或英文（Germany）；带下拉列表的列请从列表中选。",
        "Markets may be a code (DE), Chinese (德国) or English (Germany); pick coded columns from their list.",
    ),
    (
        "编号只用字母、数字和 . _ - : / # +，不要有空格。",
        "Ids use letters, digits and . _ - : / # + only, no spaces.",
    ),
    (
        "有任何一格不对，整个文件都不会导入，错误会指出行和列。",
        "If any cell is wrong nothing is imported, and the error names its row and column.",
    ),
)


def write_template(
    spec: TableSpec,
    path: Path,
    fmt: str,
    *,
    markets: list[str] | None = None,
    currencies: list[str] | None = None,
) -> Path:
    """A template with bilingual headers (``中文 / english``); in XLSX also drop-down lists on coded
    columns, an example sheet (one row that imports as is) and a notes sheet in plain Chinese and English.
    ``markets`` / ``currencies``: the codes offered in the market and currency drop-downs."""
    _check_format(fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    headers = [c.header for c in spec.columns]
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerow(headers)
        return path
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = spec.name
    ws.append(headers)
    ws.freeze_panes = "A2"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    example = wb.create_sheet("示例 example")
    example.append(headers)
    sample = example_row(spec)
    example.append([sample.get(c.name) for c in spec.columns])
    for cell in example[1]:
        cell.font = Font(bold=True)
    lists_ws = wb.create_sheet("选项 lists")
    drops = _dropdowns(spec, markets or [], currencies or [])
    n_lists = 0
    for index, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        width = max(12, len(col.header) + 4)
        ws.column_dimensions[letter].width = width
        example.column_dimensions[letter].width = width
        if col.kind == "str":
            # keep codes such as HS 090210 and adcodes as text so Excel does not drop zeros
            ws.column_dimensions[letter].number_format = "@"  # the column's own format: every new cell
            for row in range(2, 202):
                ws.cell(row=row, column=index).number_format = "@"
        if col.name in drops:
            values = drops[col.name]
            n_lists += 1
            list_col = get_column_letter(n_lists)
            lists_ws[f"{list_col}1"] = col.name
            for r, value in enumerate(values, start=2):
                lists_ws[f"{list_col}{r}"] = value
            dv = DataValidation(
                type="list",
                formula1=f"'选项 lists'!${list_col}$2:${list_col}${len(values) + 1}",
                allow_blank=True,
                errorStyle="warning",
                showErrorMessage=True,
                errorTitle="不在列表中 Not in the list",
                error="请从列表中选择，或确认写法正确。Pick from the list, or check the spelling.",
                promptTitle=col.zh[:32],
                prompt=(col.help_zh or col.zh)[:255],
                showInputMessage=True,
            )
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}1048576")
    lists_ws.sheet_state = "hidden"
    notes = wb.create_sheet("说明 notes")
    notes.append([f"{spec.title_zh} / {spec.title_en}"])
    notes["A1"].font = Font(bold=True)
    for zh, en in _GENERAL_NOTES:
        notes.append([zh, en])
    notes.append([])
    notes.append(["列 column", "必填 required", "填什么 what to write", "可选值 allowed", "说明 help", "示例 example"])
    for cell in notes[notes.max_row]:
        cell.font = Font(bold=True)
    for col in spec.columns:
        kind_zh, kind_en = _plain(col)
        allowed = ", ".join(col.choices) if col.choices else ("见下拉列表 see the list" if col.name in drops else "")
        notes.append(
            [
                col.header,
                "是 yes" if col.required else "否 no",
                f"{kind_zh} / {kind_en}",
                allowed,
                " / ".join(h for h in (col.help_zh, col.help_en) if h),
                "" if sample.get(col.name) is None else str(sample[col.name]),
            ]
        )
    for letter, width in zip("ABCDEF", (28, 14, 40, 30, 40, 24), strict=True):
        notes.column_dimensions[letter].width = width
    wb.save(path)
    return path
