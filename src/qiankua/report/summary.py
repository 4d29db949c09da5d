"""The report's one-page summary for an official, in Chinese: what to sell where, at what margin, by
which route, what pooling saves and what to certify first.

Built from the other sections' tables and figures (names, never codes): the opportunity section's
top pairs, the costing section's margin grid, the routing section's recommended routes, the pooling
section's exporters and the market-entry requirements in force for the pairs it names. A block
whose section is absent is left out; the summary never invents a figure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import polars as pl

from qiankua.i18n import fmt_number
from qiankua.opportunity.requirements import applicable_requirements
from qiankua.reference import ReferenceData
from qiankua.report.model import Block, Section, Table
from qiankua.vocabulary import label as vocab_label

_PERCENT = re.compile(r"^'?(-?\d+(?:\.\d+)?)%(\*?)$")
_SEVERITY_ORDER = {"blocker": 0, "registration": 1, "certification": 2, "labelling": 3}
SUMMARY_KEY = "summary"


def parse_percent(cell: object) -> tuple[float, bool] | None:
    """``"39%"`` -> (0.39, False), ``"39%*"`` -> (0.39, True: a rate missing, counted as 0); else None."""
    if not isinstance(cell, str):
        return None
    m = _PERCENT.match(cell.strip())
    if m is None:
        return None
    return float(m.group(1)) / 100.0, bool(m.group(2))


def _table(sections: Iterable[Section], key: str, name: str) -> pl.DataFrame | None:
    for s in sections:
        if s.key == key:
            for t in s.tables:
                if t.name == name and t.frame.height:
                    return t.frame
    return None


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


class _Names:
    def __init__(self, ref: ReferenceData) -> None:
        self.market = dict(ref.markets.select("iso2", "name_zh").iter_rows())
        self.product_by_name = {zh: pid for pid, zh in ref.products.select("id", "name_zh").iter_rows()}
        self.product = {pid: zh for zh, pid in self.product_by_name.items()}
        self.node: dict[str, str] = {}
        frames = [(ref.hubs, "hub_id"), (ref.divisions, "adcode")]
        if "route_nodes" in ref.tables:
            frames.append((ref.tables["route_nodes"], "node_id"))
        for frame, key in frames:
            for node, zh, en in frame.select(key, "name_zh", "name_en").iter_rows():
                self.node[str(node)] = str(zh or en or node)

    def m(self, iso2: str) -> str:
        return str(self.market.get(iso2, iso2))

    def route(self, route_label: str, main_mode: str | None) -> str:
        """``truck_container > air_general > dest_container via CN-CAN`` -> 空运（经广州白云国际机场）."""
        services, _, via = route_label.partition(" via ")
        mode = vocab_label("leg_mode", main_mode, "zh") if main_mode else ""
        if not mode:
            steps = [vocab_label("route_service", s.strip(), "zh") for s in services.split(" > ") if s.strip()]
            mode = " > ".join(dict.fromkeys(steps))
        return f"{mode}（经{self.node.get(via.strip(), via.strip())}）" if via.strip() else mode


def _margins(sections: list[Section]) -> dict[tuple[str, str], tuple[float, bool]]:
    """(product name_zh, market) -> (margin, incomplete) from the costing section's margin grid."""
    grid = _table(sections, "costing", "margins")
    if grid is None or "name_zh" not in grid.columns:
        return {}
    markets = [c for c in grid.columns if c not in ("product_id", "name_zh")]
    out: dict[tuple[str, str], tuple[float, bool]] = {}
    for row in grid.iter_rows(named=True):
        for m in markets:
            got = parse_percent(row[m])
            if got is not None:
                out[(row["name_zh"], m)] = got
    return out


def _sell_block(sections: list[Section], names: _Names, n: int) -> tuple[Block | None, list[tuple[str, str]]]:
    top = _table(sections, "opportunity", "opportunity_top20")
    margins = _margins(sections)
    picks: list[tuple[str, str]] = []
    lines: list[str] = []
    if top is not None:
        for row in top.filter(pl.col("feasible").fill_null(False)).head(n).iter_rows(named=True):
            product, market = str(row["product"]), str(row["market"])
            picks.append((product, market))
            got = margins.get((product, market))
            if got is not None:
                margin = f"直邮利润率 {_pct(got[0])}" + ("（部分税率缺失，按 0 计）" if got[1] else "")
            else:
                retail = parse_percent(row.get("margin"))
                margin = f"典型零售价毛利率 {_pct(retail[0])}" if retail else "利润率未测算（缺运价或税率数据）"
            stability = row.get("stability")
            stable = f"，权重扰动下 {stability * 100:.0f}% 的抽样仍居前 20" if stability is not None else ""
            lines.append(f"{product} → {names.m(market)}：综合得分 {row['score']:.2f}{stable}；{margin}。")
    if margins:
        complete = {k: v for k, v in margins.items() if not v[1]}
        good = sum(1 for v, _ in complete.values() if v >= 0.25)
        best = sorted(complete.items(), key=lambda kv: -kv[1][0])[:3]
        loss = sum(1 for v, _ in margins.values() if v < 0)
        lines.append(
            f"9610 直邮报价 {len(margins)} 组（标价为货值 3 倍）：数据完整的 {len(complete)} 组中 {good} 组利润率不低于 25%，"
            f"{loss} 组亏损。利润率最高：" + "；".join(f"{p} → {names.m(m)} {_pct(v[0])}" for (p, m), v in best) + "。"
        )
    if not lines:
        return None, picks
    return Block(title="一、卖什么、卖到哪里、利润多少", lines=lines), picks


def _route_block(sections: list[Section], names: _Names) -> Block | None:
    rec = _table(sections, "routing", "推荐线路 recommended")
    if rec is None:
        return None
    lines = []
    for (product,), rows in rec.group_by("product", maintain_order=True):
        parts = []
        for r in rows.iter_rows(named=True):
            if r["cost_cny"] is None:
                parts.append(f"{names.m(r['market'])} 无可行线路")
                continue
            parts.append(
                f"{names.m(r['market'])} {names.route(r['route'], r.get('main_mode'))} "
                f"{r['days']:.0f} 天、{fmt_number(r['cost_cny'], 'zh')} 元"
            )
        lines.append(f"{product}（300 kg）：" + "；".join(parts) + "。")
    lines.append("线路按成本、时效、碳排放等权重推荐；运价多为估算值，可导入货代报价覆盖。全部帕累托线路见附录。")
    return Block(title="二、走哪条线路", lines=lines)


def _pool_block(sections: list[Section]) -> Block | None:
    ex = _table(sections, "pooling", "pool_exporters")
    if ex is None or not {"standalone_cny", "share_cny"} <= set(ex.columns):
        return None
    alone = float(ex["standalone_cny"].sum())
    pooled = float(ex["share_cny"].sum())
    if alone <= 0:
        return None
    saving = alone - pooled
    pct = ex["saving_pct"] if "saving_pct" in ex.columns else None
    spread = (
        f"每家企业节省 {float(pct.min()):.0f}%–{float(pct.max()):.0f}%（按沙普利值公平分摊）。"  # type: ignore[arg-type]
        if pct is not None and pct.len()
        else ""
    )
    return Block(
        title="三、拼货能省多少",
        lines=[
            f"{ex.height} 家小微出口企业一周的货物拼在一起发运：各自单独发运合计 {fmt_number(alone, 'zh')} 元，"
            f"拼货后 {fmt_number(pooled, 'zh')} 元，节省 {fmt_number(saving, 'zh')} 元（{saving / alone:.0%}）。"
            + spread,
            "（演示数据：箱数与尺寸为示意，非真实订单。）",
        ],
    )


def _certify_block(ref: ReferenceData, names: _Names, pairs: list[tuple[str, str]], on: dt.date) -> Block | None:
    ids = [(names.product_by_name.get(p), m) for p, m in pairs]
    wanted = [(pid, m) for pid, m in ids if pid is not None]
    if not wanted or "market_entry_requirements" not in ref.tables:
        return None
    products = ref.products.filter(pl.col("id").is_in([pid for pid, _ in wanted]))
    markets = ref.markets.filter(pl.col("iso2").is_in([m for _, m in wanted]))
    table = ref.tables["market_entry_requirements"]
    table = table.with_columns(
        pl.col(c).str.to_date("%Y-%m-%d", strict=False)
        for c in ("valid_from", "valid_to")
        if table[c].dtype == pl.String
    )
    reqs = applicable_requirements(products, markets, table, on=on)
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for pid, m in wanted:
        mine = reqs.filter((pl.col("product") == pid) & (pl.col("market") == m))
        for r in sorted(mine.iter_rows(named=True), key=lambda r: _SEVERITY_ORDER.get(r["severity"], 9)):
            key = (m, r["req_id"], names.product.get(pid, pid))
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                {
                    "product": names.product.get(pid, pid),
                    "market": names.m(m),
                    "severity": vocab_label("severity", r["severity"], "zh"),
                    "authority": r["authority"],
                    "requirement": r["requirement"],
                    "confidence": r["confidence"],
                }
            )
    if not rows:
        return Block(
            title="四、先办哪些认证与准入",
            lines=["上述产品与市场在内置准入数据中没有登记的认证、注册或标签要求（数据未覆盖之处仍须向进口国核实）。"],
        )
    return Block(
        title="四、先办哪些认证与准入",
        lines=["按严重程度排列（阻断项须先解决）；要求原文为进口国主管机构的英文表述："],
        table=Table(
            name="summary_requirements",
            frame=pl.DataFrame(rows),
            headers={
                "product": "产品",
                "market": "市场",
                "severity": "类别",
                "authority": "主管机构",
                "requirement": "要求",
                "confidence": "可信度",
            },
            confidence_column="confidence",
        ),
    )


def _other_block(sections: list[Section], names: _Names) -> Block | None:
    lines = []
    for s in sections:
        if s.key in ("warehouse", "region") and s.recommendations:
            for zh, _en in s.recommendations[:4]:
                lines.append(_named(zh, names))
    return Block(title="五、其他建议（海外仓与区域）", lines=lines) if lines else None


def _named(line: str, names: _Names) -> str:
    """Replace a leading ``product-id → XX`` with the product's and the market's Chinese names."""
    m = re.match(r"^([a-z0-9-]+) → ([A-Z]{2})(.*)$", line)
    if m is None:
        return line
    return f"{names.product.get(m.group(1), m.group(1))} → {names.m(m.group(2))}{m.group(3)}"


def summary_section(ref: ReferenceData, sections: list[Section], *, on: dt.date | None = None, n: int = 5) -> Section:
    """The one-page summary (zh) built from ``sections``; put it first."""
    names = _Names(ref)
    sell, picks = _sell_block(sections, names, n)
    blocks = [
        b
        for b in (
            sell,
            _route_block(sections, names),
            _pool_block(sections),
            _certify_block(ref, names, picks, on or dt.date.today()),
            _other_block(sections, names),
        )
        if b is not None
    ]
    return Section(
        key=SUMMARY_KEY,
        title_zh="摘要",
        title_en="Summary",
        intro=(
            "本页概括报告的结论；各章节的图表在后，详细的工程数据表在附录。标“未证实”的数字为估计值，请用自己的数据核对。"
        ),
        blocks=blocks,
    )


__all__ = ["SUMMARY_KEY", "parse_percent", "summary_section"]
