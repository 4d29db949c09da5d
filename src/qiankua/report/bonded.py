"""The report's bonded retail import (1210) section: the day's summary for an official.

Presentation only: the check document comes from :func:`qiankua.services.bonded.check_files` (the demo:
:func:`qiankua.services.bonded.demo_day`, on the SAMPLE day). Orders accepted and rejected by reason,
the tax withheld by kind (duty, VAT, consumption tax), how much of their annual quota the day's buyers
have used, and how much of the positive list is loaded — every reason, kind and band by its Chinese and
English name (from :mod:`qiankua.i18n.bonded`), never a code. No buyer appears: not their identity
numbers (never stored), not even their salted digests; buyers are only counted.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from qiankua.i18n import t
from qiankua.report.model import BarChart, Section, Table

__all__ = [
    "QUOTA_BANDS",
    "SAMPLE_NOTE",
    "bonded_sections",
    "coverage_lines",
    "edition_rows",
    "kinds_name",
    "quota_bands",
    "reason_counts",
    "reason_name",
    "tax_by_kind",
]

SAMPLE_NOTE = (
    "订单、支付单、运单及订购人均为内置【示例数据】（虚构，非真实订单或个人），仅供演示。"
    " The orders, payments, waybills and buyers are the bundled SAMPLE DATA (made up, not real orders or "
    "people), for demonstration only."
)
# share of the annual limit used after the day: [low, high) as fractions; the last band is the full quota
QUOTA_BANDS: tuple[tuple[str, float, float], ...] = (
    ("none", 0.0, 1e-9),
    ("under_25", 1e-9, 0.25),
    ("25_50", 0.25, 0.5),
    ("50_75", 0.5, 0.75),
    ("75_100", 0.75, 1.0 - 1e-9),
    ("full", 1.0 - 1e-9, float("inf")),
)
_TAX_KINDS = ("duty", "vat", "consumption_tax")


def _frame(value: Any) -> pl.DataFrame:
    """A document's table (a frame, or the JSON document's list of rows) as a frame."""
    if isinstance(value, pl.DataFrame):
        return value
    return pl.DataFrame(value or [], infer_schema_length=None)


def reason_name(codes: str | None, lang: str) -> str:
    """The name of a decision's reason (``a;b`` for several failed checks) in ``lang``."""
    if not codes:
        return "—"
    sep = "；" if lang == "zh" else "; "
    return sep.join(t(f"bonded.reason.{code}", lang) for code in codes.split(";"))


def reason_counts(orders: pl.DataFrame) -> pl.DataFrame:
    """Orders and their dutiable value per (status, reason), accepted first, then by count."""
    if not orders.height:
        return pl.DataFrame(
            schema={"status": pl.String, "reason": pl.String, "orders": pl.UInt32, "value_cny": pl.Float64}
        )
    return (
        orders.group_by("status", "reason")
        .agg(pl.len().alias("orders"), pl.col("dutiable_value").sum().round(2).alias("value_cny"))
        .sort(
            [pl.col("status") != "accepted", "orders", "reason"],
            descending=[False, True, False],
        )
    )


def tax_by_kind(orders: pl.DataFrame) -> list[dict[str, Any]]:
    """Tax withheld on the accepted orders, by kind: the known amount, the orders that pay it, and the
    accepted orders whose amount is unknown (e.g. a full-tax order without the goods' duty rate)."""
    acc = orders.filter(pl.col("status") == "accepted") if orders.height else orders
    out = []
    for kind in (*_TAX_KINDS, "total_tax"):
        col = acc[kind] if acc.height else pl.Series(kind, [], dtype=pl.Float64)
        out.append(
            {
                "kind": kind,
                "amount_cny": round(float(col.sum() or 0.0), 2),
                "orders": int((col.fill_null(0.0) > 0).sum()),
                "unknown": int(col.null_count()),
            }
        )
    return out


def quota_bands(usage: pl.DataFrame, annual_limit: float | None) -> list[dict[str, Any]]:
    """The day's buyers counted by the share of their annual limit used after the day."""
    n = usage.height
    if not n:
        return []
    limit = (usage["used_after"] + usage["left"]).fill_null(annual_limit or 0.0)
    share = (usage["used_after"] / limit).fill_nan(None)
    out = []
    for band, low, high in QUOTA_BANDS:
        k = int(((share >= low) & (share < high)).sum())
        out.append({"band": band, "buyers": k, "share": round(100 * k / n, 1)})
    return out


def kinds_name(kinds: str | dict[str, int] | None, lang: str) -> str:
    """A line's remark kinds (``quantity_cap;bonded_only``) or an edition's count per kind, named in ``lang``."""
    sep = "、" if lang == "zh" else ", "
    if isinstance(kinds, dict):
        return sep.join(f"{t(f'bonded.kind.{k}', lang)} {n:,}" for k, n in kinds.items() if n) or "—"
    if not kinds:
        return "—"
    return sep.join(t(f"bonded.kind.{k}", lang) for k in kinds.replace("；", ";").split(";") if k.strip())


def _valid(row: dict[str, Any]) -> str:
    start, end = row.get("valid_from"), row.get("valid_to")
    return f"{start or '?'} – {end or ''}".rstrip(" –") + (" –" if not end else "")


def edition_rows(coverage: dict[str, Any]) -> pl.DataFrame:
    """One row per edition of the positive list (newest first): validity, lines loaded of the edition's
    size, share, where the lines come from and their remark kinds (zh and en), and the orders checked
    against it in this document (``used``)."""
    used: dict[str, int] = {}
    for u in coverage.get("used") or []:
        if u.get("edition") is not None:
            used[str(u["edition"])] = used.get(str(u["edition"]), 0) + int(u.get("orders") or 0)
    rows = []
    for e in coverage.get("by_edition") or []:
        origin = e.get("origin") or "none"
        size = e.get("edition_lines")
        rows.append(
            {
                "edition": str(e["edition"]),
                "valid": _valid(e),
                "lines": f"{e['lines']:,} / {size:,}" if size else f"{e['lines']:,} / ?",
                "share": "—" if e.get("share") is None else f"{100 * e['share']:.1f}%",
                "origin_zh": t(f"bonded.origin.{origin}", "zh"),
                "origin_en": t(f"bonded.origin.{origin}", "en"),
                "kinds_zh": kinds_name(e.get("remark_kinds"), "zh"),
                "kinds_en": kinds_name(e.get("remark_kinds"), "en"),
                "orders": used.get(str(e["edition"]), 0),
            }
        )
    return pl.DataFrame(rows or None, schema=dict.fromkeys(_EDITION_COLUMNS, pl.String) | {"orders": pl.Int64})


_EDITION_COLUMNS = ("edition", "valid", "lines", "share", "origin_zh", "origin_en", "kinds_zh", "kinds_en")


def coverage_lines(coverage: dict[str, Any], lang: str) -> list[str]:
    """The coverage of the positive list as sentences in ``lang``: the totals, one line per edition
    loaded or in force, and the editions the document's orders were checked against (with their age when
    an edition was no longer in force) — for the CLI and the web page."""
    note = "" if coverage.get("complete") else t("bonded.coverage.partial", lang)
    out = [
        t(
            "bonded.coverage",
            lang,
            lines=f"{int(coverage.get('lines') or 0):,}",
            lines_2022=f"{int(coverage.get('lines_2022') or 0):,}",
            total=f"{int(coverage.get('edition_2022_lines') or 0):,}",
            note=note,
        )
    ]
    sep = "；" if lang == "zh" else "; "
    for e in coverage.get("by_edition") or []:
        if not e["lines"] and e["edition"] != coverage.get("newest_edition"):
            continue
        kinds = kinds_name(e.get("remark_kinds"), lang)
        size = e.get("edition_lines")
        out.append(
            t(
                "bonded.coverage.edition",
                lang,
                edition=e["edition"],
                valid=_valid(e),
                lines=f"{e['lines']:,}",
                total=f" / {size:,}" if size else "",
                origin=t(f"bonded.origin.{e.get('origin') or 'none'}", lang),
                kinds="" if kinds == "—" else sep + kinds,
            )
        )
    used = coverage.get("used") or []
    if used:
        parts = []
        for u in used:
            if u.get("edition") is None:
                parts.append(t("bonded.coverage.none", lang, orders=f"{u['orders']:,}"))
                continue
            stale = t("bonded.coverage.stale", lang, age=f"{u['age_days']:,}") if u.get("stale") else ""
            parts.append(
                t("bonded.coverage.used_one", lang, edition=u["edition"], orders=f"{u['orders']:,}", stale=stale)
            )
        out.append(t("bonded.coverage.used", lang, used=sep.join(parts)))
    return out


def _names(key: str) -> tuple[str, str]:
    return t(key, "zh"), t(key, "en")


def _amount(value: Any) -> str:
    return "—" if value is None else f"{value:,.2f}"


def bonded_sections(ref: Any, doc: dict[str, Any]) -> list[Section]:
    """Report section: the day's summary of a bonded check document ``doc``."""
    sample = bool(doc.get("sample"))
    summary = doc.get("summary") or {}
    orders = _frame(doc.get("orders"))
    usage = _frame(doc.get("usage"))
    coverage = doc.get("positive_list") or {}
    rules = doc.get("rules") or []

    counts = reason_counts(orders)
    # a handful of rows: names made in Python here, not in polars UDFs (map_elements runs Python inside
    # polars' thread pool and holds the GIL there)
    statuses, why = counts["status"].to_list(), counts["reason"].to_list()
    reasons = counts.with_columns(
        *(
            pl.Series(f"status_{lang}", [None if s is None else t(f"bonded.status.{s}", lang) for s in statuses])
            for lang in ("zh", "en")
        ),
        *(
            pl.Series(f"reason_{lang}", [None if r is None else reason_name(r, lang) for r in why])
            for lang in ("zh", "en")
        ),
    ).select(
        *(pl.col(c).cast(pl.String) for c in ("status_zh", "status_en", "reason_zh", "reason_en")),
        "orders",
        "value_cny",
    )

    taxes = tax_by_kind(orders)
    tax_rows = pl.DataFrame(
        [
            {
                "kind_zh": _names(f"bonded.report.tax.{r['kind']}")[0],
                "kind_en": _names(f"bonded.report.tax.{r['kind']}")[1],
                "amount_cny": r["amount_cny"],
                "orders": r["orders"],
                "unknown": r["unknown"],
            }
            for r in taxes
        ]
    )
    limit = None
    if usage.height and "left" in usage.columns:
        highest = (usage["used_after"] + usage["left"]).max()
        limit = float(highest) if isinstance(highest, (int, float)) and highest > 0 else None
    bands = quota_bands(usage, limit)
    band_rows = pl.DataFrame(
        [
            {
                "band_zh": t(f"bonded.report.band.{b['band']}", "zh"),
                "band_en": t(f"bonded.report.band.{b['band']}", "en"),
                "buyers": b["buyers"],
                "share": b["share"],
            }
            for b in bands
        ]
        or {"band_zh": [], "band_en": []}
    )
    refused_annual = (
        orders.filter(pl.col("reason") == "over_annual_limit")["buyer_hash"].n_unique()
        if orders.height and "buyer_hash" in orders.columns
        else 0
    )
    unverified = int(orders["warnings"].fill_null("").str.contains("list_unverified").sum()) if orders.height else 0
    lines = int(coverage.get("lines_2022") or 0)
    total = int(coverage.get("edition_2022_lines") or 0)
    complete = bool(coverage.get("complete"))
    cover_rows = pl.DataFrame(
        [
            {
                "item_zh": t("bonded.report.cover.lines", "zh"),
                "item_en": t("bonded.report.cover.lines", "en"),
                "value": f"{lines:,} / {total:,}" if total else f"{lines:,}",
            },
            {
                "item_zh": t("bonded.report.cover.share", "zh"),
                "item_en": t("bonded.report.cover.share", "en"),
                "value": "—" if not total else f"{100 * lines / total:.1f}%",
            },
            {
                "item_zh": t("bonded.report.cover.editions", "zh"),
                "item_en": t("bonded.report.cover.editions", "en"),
                "value": ", ".join(coverage.get("editions") or []) or "—",
            },
            {
                "item_zh": t("bonded.report.cover.complete", "zh"),
                "item_en": t("bonded.report.cover.complete", "en"),
                "value": t("bonded.report.yes" if complete else "bonded.report.no", "zh")
                + " / "
                + t("bonded.report.yes" if complete else "bonded.report.no", "en"),
            },
            {
                "item_zh": t("bonded.report.cover.unverified", "zh"),
                "item_en": t("bonded.report.cover.unverified", "en"),
                "value": f"{unverified:,} / {orders.height:,}",
            },
        ]
    )
    tables = [
        Table(
            name="按原因 orders by reason",
            frame=reasons,
            headers={
                "status_zh": "结果",
                "status_en": "status",
                "reason_zh": "原因",
                "reason_en": "reason",
                "orders": "订单 orders",
                "value_cny": "完税价格 dutiable value CNY",
            },
        ),
        Table(
            name="代扣税款 tax withheld",
            frame=tax_rows,
            headers={
                "kind_zh": "税种",
                "kind_en": "kind",
                "amount_cny": "金额 amount CNY",
                "orders": "涉及订单 orders paying it",
                "unknown": "税额未知的订单 orders with the amount unknown",
            },
        ),
        Table(
            name="额度使用 quota used by buyers",
            frame=band_rows,
            headers={
                "band_zh": "已用年度额度",
                "band_en": "annual quota used",
                "buyers": "订购人 buyers",
                "share": "占比 share %",
            },
        ),
        Table(
            name="正面清单 positive list coverage",
            frame=cover_rows,
            headers={"item_zh": "项目", "item_en": "item", "value": "值 value"},
        ),
        Table(
            name="正面清单分版本 positive list by edition",
            frame=edition_rows(coverage),
            headers={
                "edition": "版本 edition",
                "valid": "施行期间 in force",
                "lines": "已载入/总行数 lines loaded / all",
                "share": "比例 share",
                "origin_zh": "来源",
                "origin_en": "origin",
                "kinds_zh": "监管要求类型（行数）",
                "kinds_en": "remark kinds (lines)",
                "orders": "据此核对的订单 orders checked against it",
            },
        ),
    ]
    charts = []
    rejected = counts.filter(pl.col("status") == "rejected") if counts.height else counts
    if rejected.height:
        charts.append(
            BarChart(
                title="退单原因 reasons for rejection (orders)",
                labels=[f"{reason_name(r, 'zh')} {reason_name(r, 'en')}" for r in rejected["reason"].to_list()],
                values=[float(v) for v in rejected["orders"].to_list()],
                unit="orders",
            )
        )
    known = [r for r in taxes if r["kind"] != "total_tax" and r["amount_cny"]]
    if known:
        charts.append(
            BarChart(
                title="代扣税款 tax withheld by kind (CNY)",
                labels=[" ".join(_names(f"bonded.report.tax.{r['kind']}")) for r in known],
                values=[float(r["amount_cny"]) for r in known],
                unit="CNY",
            )
        )
    unknown_tax = next(r["unknown"] for r in taxes if r["kind"] == "total_tax")
    notes = [
        t("bonded.report.note.rules", "zh") + " " + t("bonded.report.note.rules", "en"),
        t("bonded.report.note.privacy", "zh") + " " + t("bonded.report.note.privacy", "en"),
    ]
    if rules:
        notes.append(
            "规则来源 rule sources: "
            + "; ".join(f"{r['rule_id']} ({r['source_id']}, {r['confidence']})" for r in rules)
        )
    if unknown_tax:
        notes.append(
            t("bonded.report.note.unknown_tax", "zh", n=unknown_tax)
            + " "
            + t("bonded.report.note.unknown_tax", "en", n=unknown_tax)
        )
    if sample:
        notes.insert(0, SAMPLE_NOTE)
    figures = [
        ("订单 orders", f"{summary.get('orders', orders.height):,}"),
        ("放行 accepted", f"{summary.get('accepted', 0):,}"),
        ("退单 rejected", f"{summary.get('rejected', 0):,}"),
        ("申报货值 declared value CNY", _amount(summary.get("declared_value_cny"))),
        ("代扣税款 tax withheld CNY", _amount(summary.get("tax_cny"))),
        ("订购人 buyers", f"{summary.get('buyers', usage.height):,}"),
    ]
    if sample:
        figures = [(f"【示例 SAMPLE】{k}", v) for k, v in figures]
    recs: list[tuple[str, str]] = []
    if rejected.height:
        top = rejected.row(0, named=True)
        if rejected.height == 1 or rejected["orders"][1] < top["orders"]:
            recs.append(
                (
                    t("bonded.report.rec.top", "zh", n=top["orders"], reason=reason_name(top["reason"], "zh")),
                    t("bonded.report.rec.top", "en", n=top["orders"], reason=reason_name(top["reason"], "en")),
                )
            )
        else:  # no single most frequent reason
            n, k = int(rejected["orders"].sum()), rejected.height
            recs.append((t("bonded.report.rec.spread", "zh", n=n, k=k), t("bonded.report.rec.spread", "en", n=n, k=k)))
    if refused_annual:
        recs.append(
            (
                t("bonded.report.rec.annual", "zh", n=refused_annual),
                t("bonded.report.rec.annual", "en", n=refused_annual),
            )
        )
    if not complete:
        recs.append((t("bonded.report.rec.list", "zh"), t("bonded.report.rec.list", "en")))
    day = doc.get("date")
    suffix_zh = "【示例数据】" if sample else ""
    suffix_en = " [SAMPLE DATA]" if sample else ""
    return [
        Section(
            key="bonded",
            title_zh=t("bonded.report.title", "zh") + (f"（{day}）" if day else "") + suffix_zh,
            title_en=t("bonded.report.title", "en") + (f" ({day})" if day else "") + suffix_en,
            intro=("【示例数据，虚构】" if sample else "")
            + t("bonded.report.intro", "zh")
            + (" [SAMPLE DATA, made up] " if sample else " ")
            + t("bonded.report.intro", "en"),
            figures=figures,
            charts=charts,
            tables=tables,
            notes=notes,
            recommendations=recs,
        )
    ]
