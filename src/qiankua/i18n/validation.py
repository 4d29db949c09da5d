"""Validation messages in Chinese: the reasons the validation layer (pydantic v2, the import checks, the
request builders in :mod:`qiankua.services.requests`) gives in English, translated for a Chinese page, and
an import issue told as "第 3 行“箱数”列：应大于或等于 1".

Only the sentence patterns are translated; values, codes and file names are kept as written. A reason no
pattern knows is returned unchanged (English is better than nothing), so a new message never breaks a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = ["FIELD_NAMES", "describe_issue", "field_name", "translate"]

#: request fields (the names in ``qiankua.services.requests``) in Chinese
FIELD_NAMES: dict[str, str] = {
    "price": "售价",
    "gross_kg": "单件毛重",
    "quantity": "数量",
    "declared_value": "申报货值",
    "weight_kg": "重量",
    "volume_m3": "体积",
    "pieces": "件数",
    "fx_rate": "汇率",
    "dims": "尺寸（长x宽x高）",
    "date": "日期",
    "market": "目标市场",
    "product_id": "产品",
    "hs6": "HS 编码",
    "mode": "监管方式",
    "service": "物流服务",
    "target_margin": "目标利润率",
    "origin": "起运县",
    "weights": "权重",
    "top": "显示数量",
}


def field_name(name: str) -> str:
    """A request field's Chinese name (the name itself when it has none)."""
    return FIELD_NAMES.get(name, name)


def _options(text: str) -> str:
    """``'a', 'b' or 'c'`` -> ``a、b、c``."""
    parts = re.split(r",\s*|\s+or\s+", text)
    return "、".join(p.strip().strip("'\"") for p in parts if p.strip())


def _field(match: re.Match[str]) -> str:
    name = match.group("f")
    zh = field_name(name)
    return f"{zh}（{name}）" if zh != name else name


_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]
_RULES: list[_Rule] = [
    (re.compile(p, re.IGNORECASE), fn)
    for p, fn in (
        # ---- pydantic v2
        (r"^Input should be a valid integer.*$", lambda m: "应为整数"),
        (r"^Input should be a finite number.*$", lambda m: "应为有限的数字"),
        (r"^Input should be a valid number.*$", lambda m: "应为数字"),
        (r"^Input should be a valid date.*$", lambda m: "应为日期（如 2026-12-08、2026/12/8 或 2026年12月8日）"),
        (r"^Input should be a valid datetime.*$", lambda m: "应为日期时间（如 2026-12-08 09:00）"),
        (r"^Input should be a valid boolean.*$", lambda m: "应为是/否（true/false、1/0、是/否）"),
        (r"^Input should be a valid string.*$", lambda m: "应为文字"),
        (r"^Input should be greater than or equal to (?P<x>\S+)$", lambda m: f"应大于或等于 {m.group('x')}"),
        (r"^Input should be greater than (?P<x>\S+)$", lambda m: f"应大于 {m.group('x')}"),
        (r"^Input should be less than or equal to (?P<x>\S+)$", lambda m: f"应小于或等于 {m.group('x')}"),
        (r"^Input should be less than (?P<x>\S+)$", lambda m: f"应小于 {m.group('x')}"),
        (r"^Input should be (?P<o>'.*)$", lambda m: f"应为以下之一：{_options(m.group('o'))}"),
        (r"^String should have at least (?P<n>\d+) characters?$", lambda m: f"至少 {m.group('n')} 个字符"),
        (r"^String should have at most (?P<n>\d+) characters?$", lambda m: f"最多 {m.group('n')} 个字符"),
        (r"^String should match pattern .*$", lambda m: "格式不符"),
        (r"^Field required$", lambda m: "必填，不能为空"),
        # ---- schema / importer (qiankua.schema, qiankua.store.importer)
        (r"^required value missing$", lambda m: "必填，不能为空"),
        (r"^expected 6 digits$", lambda m: "应为 6 位数字"),
        (r"^expected 10 digits$", lambda m: "应为 10 位数字"),
        (r"^expected an ISO 3166 alpha-2 code.*$", lambda m: "应为两位国家代码（如 DE），或国家的中文/英文名称"),
        (r"^expected an ISO 4217 code.*$", lambda m: "应为三位币种代码（如 USD）"),
        (r"(?-i:^expected (?P<h>.+)$)", lambda m: f"应为：{m.group('h')}"),  # the schema's lower-case hints only
        (r"^duplicate key; first seen in row (?P<n>\d+)$", lambda m: f"键重复：第 {m.group('n')} 行已出现"),
        (r"^duplicate key; first seen in (?P<w>.+)$", lambda m: f"键重复：{m.group('w')} 已出现"),
        (
            r"^required column missing \(header (?P<zh>'[^']*') or (?P<en>'[^']*')\)$",
            lambda m: f"缺少必填列（表头 {m.group('zh')} 或 {m.group('en')}）",
        ),
        (r"^required column missing$", lambda m: "缺少必填列"),
        (r"^no data rows$", lambda m: "文件中没有数据行"),
        (r"^sheet not found; sheets are: (?P<s>.*)$", lambda m: f"找不到该工作表；文件中的工作表：{m.group('s')}"),
        (
            r"^already in the database; import with --mode upsert or replace$",
            lambda m: "数据库中已有该键；请改用“按键覆盖”或“整表替换”方式导入",
        ),
        (r"^unknown county-level adcode.*$", lambda m: "不是贵州的县级行政区划代码"),
        (r"^unknown market code.*$", lambda m: "未知的市场（可写 DE、德国 或 Germany）"),
        (r"^not an ISO 4217 currency code$", lambda m: "不是有效的币种代码（如 USD、EUR）"),
        (r"^unknown product id.*$", lambda m: "未知的产品编号（既非内置产品，也未导入）"),
        (r"^expected a hub id, a county adcode or a market code$", lambda m: "应为物流节点编号、县级代码或市场代码"),
        (
            r"^a quote needs at least one price.*$",
            lambda m: "运价至少要填一项价格（每公斤、每件、每票、每立方米或每柜）",
        ),
        (r"^required when per_container is given$", lambda m: "填写了每柜价格时必填"),
        (r"^must be after valid_from$", lambda m: "应晚于生效日期"),
        (
            r"^the schedule does not say from when it applies.*$",
            lambda m: "税则文件未注明生效日期；请给出 --as-of YYYY-MM-DD",
        ),
        # ---- request builders (qiankua.services.requests): every edge's bad input
        (
            r"^Expected a positive number for `(?P<f>\w+)`, got (?P<v>.+?)\.?$",
            lambda m: f"{_field(m)} 须为正数，收到的是 {m.group('v')}。",
        ),
        (
            r"^Expected `(?P<f>\w+)` as a whole number of at least 1, got (?P<v>.+?)\.?$",
            lambda m: f"{_field(m)} 须为不小于 1 的整数，收到的是 {m.group('v')}。",
        ),
        (
            r"^Expected `dims` as LxWxH in cm.*got (?P<v>.+?)\.?$",
            lambda m: f"尺寸（dims）应写成 长x宽x高（厘米），如 30x20x10；收到的是 {m.group('v')}。",
        ),
        (r"^Expected a positive `(?P<f>\w+)`.*$", lambda m: f"{_field(m)} 须为正数。"),
        # ---- opportunity weights (qiankua.opportunity.scoring.parse_weights)
        (
            r"^Unknown criterion (?P<id>'[^']*') in `weights`; expected one of (?P<names>.+?)\.?$",
            lambda m: f"权重中有未知的指标 {m.group('id')}；可用的指标：{_criteria(m.group('names'))}。",
        ),
        (
            r"^Expected `weights` as name=value,\.\.\. with names from (?P<names>.+?); got (?P<v>.+?)\.?$",
            lambda m: f"权重应写成 指标=数值,…（指标：{_criteria(m.group('names'))}），收到的是 {m.group('v')}。",
        ),
        (
            r"^Expected a non-negative number as the weight of (?P<id>'[^']*'), got (?P<v>.+?)\.?$",
            lambda m: f"指标 {m.group('id')} 的权重应为非负数，收到的是 {m.group('v')}。",
        ),
        (
            r"^Unknown product id (?P<id>'[^']*')\.(?P<rest>.*)$",
            lambda m: f"未知的产品编号 {m.group('id')}。{_did_you_mean(m.group('rest'))}",
        ),
        (
            r"^Unknown market (?P<id>'[^']*')\.(?P<rest>.*)$",
            lambda m: f"未知的市场 {m.group('id')}。{_did_you_mean(m.group('rest'))}",
        ),
    )
]


def _criteria(names: str) -> str:
    """``demand, growth`` -> ``demand（进口需求）、growth（需求增长）``: each criterion with its Chinese name."""
    from qiankua.i18n import t

    out = []
    for name in (n.strip() for n in names.split(",")):
        zh = t(f"opportunity.crit.{name}", "zh")
        out.append(name if zh.startswith("opportunity.crit.") else f"{name}（{zh}）")
    return "、".join(out)


def _did_you_mean(rest: str) -> str:
    found = re.search(r"Did you mean: (?P<s>[^?]+)\?", rest)
    return f"您是不是要找：{found.group('s')}？" if found else ""


def translate(reason: str, lang: str) -> str:
    """``reason`` in ``lang``: Chinese when a pattern knows it and ``lang`` is ``zh``; else unchanged."""
    if lang != "zh" or not reason:
        return reason
    text = reason.strip()
    for pattern, render in _RULES:
        match = pattern.match(text)
        if match:
            return render(match)
    return reason


def column_header(table: str, column: str) -> str | None:
    """The Chinese header of ``column`` in user table ``table`` (its import template's), or None."""
    from qiankua.schema import USER_TABLES

    spec = USER_TABLES.get(table)
    col = spec.by_name.get(column) if spec is not None else None
    return getattr(col, "zh", None) or None


def describe_issue(issue: dict[str, Any], lang: str, table: str | None = None) -> str:
    """One import issue (``CellIssue.to_dict()``) as a sentence naming the row and the column (the column's
    Chinese header from the table's spec when ``table`` is given): ``第 3 行“箱数”列（值 -1）：应大于或等于 1``."""
    column = issue.get("column")
    header = (column_header(table, column) if table and column and lang == "zh" else None) or column
    reason = translate(str(issue.get("reason") or ""), lang)
    value = issue.get("value")
    row = issue.get("row")
    if lang == "zh":
        where = "".join(
            [
                f"第 {row} 行" if row is not None else "",
                f"“{header}”列" if header else "",
                f"（值 {value}）" if value not in (None, "") else "",
            ]
        )
        return f"{where}：{reason}" if where else reason
    where = ", ".join(
        part
        for part in (
            f"row {row}" if row is not None else "",
            f"column {header}" if header else "",
            f"value {value!r}" if value not in (None, "") else "",
        )
        if part
    )
    return f"{where}: {reason}" if where else reason
