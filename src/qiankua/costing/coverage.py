"""Which figures a quote needs are on file: market x HS line x figure, sourced (with its confidence),
missing, or not applicable, on a date. Read from the compiled rules, so it is exactly what the
engine would use (and flag) for a quote on that day.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from qiankua.costing.rules import CompiledRules
from qiankua.exceptions import UnknownReferenceError
from qiankua.vocabulary import CONFIDENCE_LEVELS, SERVICES

__all__ = ["FIGURES", "STATES", "coverage"]

# figure -> (zh, en)
FIGURES: dict[str, tuple[str, str]] = {
    "regime": ("低值进口制度", "low-value regime"),
    "vat": ("增值税/GST 标准税率", "VAT/GST standard rate"),
    "vat_food": ("食品优惠增值税率", "reduced food VAT rate"),
    "tariff_mfn": ("最惠国关税", "MFN tariff"),
    "tariff_pref": ("协定优惠关税", "preferential tariff"),
    "excise": ("消费税（烈酒）", "excise (spirits)"),
    "postal": ("邮政小包运价", "postal rate"),
    "express": ("国际快递运价", "express rate"),
}
STATES = ("sourced", "missing", "not_applicable")
_DAY0 = dt.date(1970, 1, 1)


def coverage(
    rules: CompiledRules,
    *,
    markets: list[str],
    hs_food: dict[str, bool],
    on: dt.date,
    fta: dict[str, bool] | None = None,
) -> pl.DataFrame:
    """One row per market x HS line x figure: ``state`` (sourced / missing / not_applicable),
    ``confidence`` of the row that supplies it (null unless sourced) and its ``rule`` key.

    ``hs_food``: HS line -> whether a product on it is food (the reduced VAT rate applies);
    ``fta``: market -> whether China has a trade agreement with it (a preference can exist).
    """
    unknown = [m for m in markets if m not in rules.markets]
    if unknown:
        raise UnknownReferenceError(f"Unknown market {unknown[0]!r}; expected ISO codes such as US, DE, JP.")
    A = rules.arrays
    e = int(rules.epoch_of(np.array([(on - _DAY0).days]))[0])
    reg = rules.registry
    rows: list[tuple[str, str, str, str, str | None, str | None]] = []

    def add(m: str, h: str, figure: str, rule: int, present: bool | None, conf: int) -> None:
        if present is None:
            rows.append((m, h, figure, "not_applicable", None, None))
        elif present:
            rows.append((m, h, figure, "sourced", CONFIDENCE_LEVELS[conf], reg[rule]["key"] if rule >= 0 else None))
        else:
            rows.append((m, h, figure, "missing", None, reg[rule]["key"] if rule >= 0 else None))

    for m in markets:
        mi = rules.markets.index(m)
        for h, food in hs_food.items():
            if h not in rules.hs_codes:
                continue
            hi = rules.hs_codes.index(h)
            r_rule = int(A["r_rule"][mi, e, 0])
            add(m, h, "regime", r_rule, r_rule >= 0, int(A["r_conf"][mi, e, 0]))
            v_rule = int(A["v_rule"][mi, e])
            add(m, h, "vat", v_rule, not np.isnan(A["v_std"][mi, e]), int(A["v_conf"][mi, e]))
            taxed = food and A["v_std"][mi, e] != 0  # no VAT at all (e.g. the US): no food rate to look for
            add(
                m, h, "vat_food", v_rule, (not np.isnan(A["v_food"][mi, e])) if taxed else None, int(A["v_conf"][mi, e])
            )
            t_rule = int(A["t_mfn_rule"][mi, hi, e])
            has_mfn = not np.isnan(A["t_mfn"][mi, hi, e]) or not np.isnan(A["t_spec"][mi, hi, e])
            add(m, h, "tariff_mfn", t_rule, has_mfn, int(A["t_mfn_conf"][mi, hi, e]))
            p_rule = int(A["t_pref_rule"][mi, hi, e])
            add(
                m,
                h,
                "tariff_pref",
                p_rule,
                (p_rule >= 0) if (fta or {}).get(m, False) else None,
                int(A["t_pref_conf"][mi, hi, e]),
            )
            x_rule = int(A["x_rule"][mi, hi, e])
            spirits = h.startswith("2208")
            add(
                m,
                h,
                "excise",
                x_rule,
                (not (np.isnan(A["x_lpa"][mi, hi, e]) and np.isnan(A["x_adv"][mi, hi, e]))) if spirits else None,
                int(A["x_conf"][mi, hi, e]),
            )
            for service in ("postal", "express"):
                si = SERVICES.index(service)
                g_rule = int(A["g_rule"][si, mi])
                add(m, h, service, g_rule, g_rule >= 0, int(A["g_conf"][si, mi]))
    return pl.DataFrame(
        rows,
        schema={
            "market": pl.String,
            "hs6": pl.String,
            "figure": pl.String,
            "state": pl.String,
            "confidence": pl.String,
            "rule": pl.String,
        },
        orient="row",
    )
