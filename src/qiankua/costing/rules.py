"""Costing rule tables and their compilation into dense lookup arrays.

The reference tables (``tax_regimes``, ``vat_rates``, ``tariffs``, ``tariff_layers``,
``excise``, ``export_rebates``, ``export_modes``, ``channel_fees``,
``logistics_rates_fallback``) arrive as polars frames (the service reads and
validates the CSVs against :data:`TABLE_SPECS`). :func:`compile_rules` resolves
them once per batch into numpy arrays indexed by small integer codes — market,
date epoch (the windows between all ``valid_from``/``valid_to`` breakpoints), HS
line, platform, category group, service — so the per-row work of a quote is a few
gathers and vectorised arithmetic, never a Python loop per row.

Every rule a quote can apply gets an entry in :attr:`CompiledRules.registry`
(table, key, source id, as-of, confidence, note), and the arrays carry the index of
the entry they came from, so each result can list the rules it rests on.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import polars as pl

from qiankua.exceptions import InvalidInputError
from qiankua.schema import RULE_TABLES
from qiankua.vocabulary import CONFIDENCE_LEVELS, FEE_GROUPS, MODES, SERVICES, SPECIFIC_UNITS

__all__ = [
    "CONF_CODES",
    "MODES",
    "SERVICES",
    "TABLE_SPECS",
    "CompiledRules",
    "CostingTables",
    "candidate_rates",
    "compile_rules",
]

_CONF = CONFIDENCE_LEVELS
CONF_CODES = {c: i for i, c in enumerate(_CONF)}
GROUPS = FEE_GROUPS
_DAY0 = dt.date(1970, 1, 1)


TABLE_SPECS = RULE_TABLES


@dataclass(frozen=True, kw_only=True)
class CostingTables:
    """The costing reference tables as typed polars frames, plus markets and provenance."""

    tables: dict[str, pl.DataFrame]
    markets: pl.DataFrame
    provenance: pl.DataFrame

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.tables[name]


def _days(value: dt.date | None, default: int) -> int:
    return default if value is None else (value - _DAY0).days


_FAR = 10**6


@dataclass(kw_only=True)
class CompiledRules:
    """Dense arrays resolved from the rule tables (see module docstring)."""

    markets: list[str]
    market_ccy: list[str]
    currencies: list[str]
    hs_codes: list[str]
    platforms: list[str]
    breakpoints: np.ndarray  # sorted epoch boundaries (days since 1970-01-01)
    registry: list[dict[str, Any]] = field(default_factory=list)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    layer_sets: list[tuple[int, ...]] = field(default_factory=list)

    def ccy(self, code: str) -> int:
        return self.currencies.index(code)

    def epoch_of(self, days: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.breakpoints, days, side="right").astype(np.int32)


def _register(
    reg: list[dict[str, Any]],
    prov: dict[str, str],
    table: str,
    key: str,
    row: dict[str, Any],
    index: dict[tuple[str, str], int],
) -> int:
    if row.get("user"):  # the user's own row (imported), shown as such
        key = "user:" + key
    if (table, key) in index:
        return index[(table, key)]
    sources = [s for s in str(row.get("source_id") or "").split(";") if s]
    reg.append(
        {
            "table": table,
            "key": key,
            "source_id": ";".join(sources),
            "as_of": max((prov.get(s, "") for s in sources), default="") or None,
            "confidence": row.get("confidence") or "unconfirmed",
            "valid_from": row.get("valid_from"),
            "valid_to": row.get("valid_to"),
            "note": row.get("notes") or "",
        }
    )
    index[(table, key)] = len(reg) - 1
    return len(reg) - 1


_CANDIDATES = re.compile(r"candidates:\s*(.*?)(?:\.\s+[A-Z(]|\.?\s*$)", re.IGNORECASE | re.DOTALL)
_CANDIDATE = re.compile(r"^(.+?)\s*=\s*(free|exempt|\d+(?:\.\d+)?)\s*(%?)$", re.IGNORECASE)


def candidate_rates(note: str) -> list[tuple[str, float]]:
    """The candidate national lines and ad valorem rates a tariff row lists in its notes as
    ``candidates: 0902.10.10=6.4%; 0902.10.90=0%`` (``Free``/``exempt`` = 0; a number without ``%``
    is a fraction), as fractions. Empty when the note lists none or any entry is not a rate:
    an empty rate with no candidates has no range to show."""
    found = _CANDIDATES.search(note or "")
    if not found:
        return []
    out = []
    for entry in (e.strip() for e in found.group(1).split(";")):
        m = _CANDIDATE.match(entry)
        if not m:
            return []
        line, value, pct = m.groups()
        rate = 0.0 if value.lower() in ("free", "exempt") else float(value) / (100 if pct else 1)
        if rate > 1 and not pct:
            return []
        out.append((line.strip(), rate))
    return out


def _prefix_matcher(rows: list[dict[str, Any]]) -> Any:
    """``match(hs)``: the rows whose ``hs_prefix`` (empty = every line) the HS line starts with, in table order
    (an index by prefix: a compile for hundreds of HS lines does not scan every row for each)."""
    by: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for i, r in enumerate(rows):
        by.setdefault(r["hs_prefix"] or "", []).append((i, r))
    cache: dict[str, list[dict[str, Any]]] = {}

    def match(hs: str) -> list[dict[str, Any]]:
        if hs not in cache:
            hits = sorted((x for k in range(len(hs) + 1) for x in by.get(hs[:k], ())), key=lambda x: x[0])
            cache[hs] = [r for _, r in hits]
        return cache[hs]

    return match


def _copy_cell(A: dict[str, np.ndarray], names: list[str], to: tuple[int, int], src: tuple[int, int]) -> None:
    """Copy the [market, hs] cell ``src`` of each array in ``names`` (all epochs) to ``to``."""
    for name in names:
        A[name][to] = A[name][src]


def compile_rules(tables: CostingTables, hs_codes: list[str]) -> CompiledRules:
    """Resolve every rule table into arrays for the given HS lines (6 digits)."""
    t = tables
    mk = t.markets
    markets = mk["iso2"].to_list()
    m_ccy = mk["currency"].to_list()
    union = dict(zip(markets, mk["customs_union"].to_list(), strict=True))
    region = dict(zip(markets, mk["region"].to_list(), strict=True))
    fta = {m: set((f or "").split(";")) - {""} for m, f in zip(markets, mk["fta"].to_list(), strict=True)}
    prov = {r["source_id"]: str(r["as_of"]) for r in t.provenance.iter_rows(named=True)}

    dated = [
        name
        for name in ("tax_regimes", "vat_rates", "tariffs", "tariff_layers", "excise", "export_rebates", "channel_fees")
    ]
    bps: set[int] = set()
    for name in dated:
        for col in ("valid_from", "valid_to"):
            bps.update(_days(v, 0) for v in t[name][col].to_list() if v is not None)
    breakpoints = np.array(sorted(bps), dtype=np.int64)
    n_e = len(breakpoints) + 1
    reps = np.array([int(breakpoints[0]) - 1, *breakpoints.tolist()], dtype=np.int64)  # a day inside each epoch
    masks: dict[int, np.ndarray] = {}

    def runs(cand: list[dict[str, Any]]) -> list[tuple[slice, list[dict[str, Any]]]]:
        """The epochs as runs over which the rows of ``cand`` in force stay the same, each with those rows (in
        ``cand``'s order): a cell is resolved once per run, not once per epoch (rules change rarely)."""
        if not cand:
            return [(slice(0, n_e), [])]
        on = []
        for r in cand:
            mask = masks.get(id(r))
            if mask is None:
                lo, hi = _days(r.get("valid_from"), -_FAR), _days(r.get("valid_to"), _FAR)
                mask = masks[id(r)] = (lo <= reps) & (reps < hi)
            on.append(mask)
        live = np.stack(on)
        bounds = [0, *(np.flatnonzero((live[:, 1:] != live[:, :-1]).any(axis=0)) + 1).tolist(), n_e]
        return [
            (slice(a, b), [r for r, here in zip(cand, live[:, a].tolist(), strict=True) if here])
            for a, b in pairwise(bounds)
        ]

    currencies = sorted(
        set(m_ccy)
        | set(t["tax_regimes"]["threshold_currency"])
        | set(t["excise"]["currency"])
        | set(t["channel_fees"]["fee_currency"])
        | set(t["logistics_rates_fallback"]["currency"])
        | set(t["tariffs"]["specific_currency"].drop_nulls())
        | {"CNY", "USD", "EUR"}
    )
    cidx = {c: i for i, c in enumerate(currencies)}
    platforms = sorted(set(t["channel_fees"]["platform"]))
    n_m, n_h, n_p = len(markets), len(hs_codes), len(platforms)
    reg: list[dict[str, Any]] = []
    index: dict[tuple[str, str], int] = {}
    A: dict[str, np.ndarray] = {}
    nan = np.nan

    def regime_key(m: str) -> str:
        return union[m] if union[m] in ("EU", "EAEU") else m

    def tariff_area(m: str) -> str:
        return union[m] if union[m] else m

    # ---- regimes [m, e, channel(0 any, 1 postal)]
    rf = [
        "duty_de_minimis",
        "vat_de_minimis",
        "lvg_ceiling",
        "flat_rate",
        "flat_floor",
        "flat_ceiling",
        "flat_rate_high",
        "flat_high_ceiling",
        "flat_high_deduction",
        "flat_min_per_kg",
        "per_item_duty",
        "handling_fee",
    ]
    for f in rf:
        A["r_" + f] = np.full((n_m, n_e, 2), nan)
    for f in ("lvg_excl", "above_platform", "cif", "flat_excess", "flat_vat", "flat_exc", "gross_up"):
        A["r_" + f] = np.zeros((n_m, n_e, 2), dtype=bool)
    A["r_ccy"] = np.zeros((n_m, n_e, 2), dtype=np.int32)
    A["r_rule"] = np.full((n_m, n_e, 2), -1, dtype=np.int32)
    A["r_conf"] = np.zeros((n_m, n_e, 2), dtype=np.int8)
    regimes = t["tax_regimes"].to_dicts()
    for mi, m in enumerate(markets):
        rows = [r for r in regimes if r["regime"] == regime_key(m)]
        for e, live in runs(rows):
            for ch, chan in enumerate(("any", "postal")):
                pick = [r for r in live if r["channel"] == chan] or [r for r in live if r["channel"] == "any"]
                if not pick:
                    continue
                r = pick[0]
                for f in rf:
                    A["r_" + f][mi, e, ch] = nan if r[f] is None else r[f]
                A["r_lvg_excl"][mi, e, ch] = bool(r["lvg_excise_excluded"])
                A["r_above_platform"][mi, e, ch] = r["above_collector"] == "platform"
                A["r_cif"][mi, e, ch] = r["valuation"] == "cif"
                A["r_flat_excess"][mi, e, ch] = bool(r["flat_on_excess"])
                A["r_flat_vat"][mi, e, ch] = bool(r["flat_covers_vat"])
                A["r_flat_exc"][mi, e, ch] = bool(r["flat_covers_excise"])
                A["r_gross_up"][mi, e, ch] = bool(r["vat_gross_up"])
                A["r_ccy"][mi, e, ch] = cidx[r["threshold_currency"]]
                A["r_rule"][mi, e, ch] = _register(reg, prov, "tax_regimes", r["regime_id"], r, index)
                A["r_conf"][mi, e, ch] = CONF_CODES[r["confidence"]]

    # ---- VAT [m, e]
    A["v_std"] = np.full((n_m, n_e), nan)
    A["v_food"] = np.full((n_m, n_e), nan)
    A["v_rule"] = np.full((n_m, n_e), -1, dtype=np.int32)
    A["v_conf"] = np.zeros((n_m, n_e), dtype=np.int8)
    vat = t["vat_rates"].to_dicts()
    for mi, m in enumerate(markets):
        rows = [r for r in vat if r["market"] == m]
        for e, live in runs(rows):
            if live:
                r = live[0]
                A["v_std"][mi, e] = r["standard_rate"]
                A["v_food"][mi, e] = nan if r["food_rate"] is None else r["food_rate"]
                A["v_rule"][mi, e] = _register(reg, prov, "vat_rates", f"{m}:{r['valid_from'] or ''}", r, index)
                A["v_conf"][mi, e] = CONF_CODES[r["confidence"]]

    # ---- tariffs [m, h, e]: MFN, best preference for modes with a certificate of origin
    A["t_mfn"] = np.full((n_m, n_h, n_e), nan)
    A["t_pref"] = np.full((n_m, n_h, n_e), nan)
    A["t_mfn_rule"] = np.full((n_m, n_h, n_e), -1, dtype=np.int32)
    A["t_pref_rule"] = np.full((n_m, n_h, n_e), -1, dtype=np.int32)
    A["t_mfn_conf"] = np.full((n_m, n_h, n_e), 2, dtype=np.int8)
    A["t_pref_conf"] = np.full((n_m, n_h, n_e), 2, dtype=np.int8)
    # specific duty of the MFN row (amount per unit of t_spec_unit, 1-based into SPECIFIC_UNITS; 0 = none) and
    # its minimum per net kg ("… but not less than X per kg"), both in t_spec_ccy
    A["t_spec"] = np.full((n_m, n_h, n_e), nan)
    A["t_spec_unit"] = np.zeros((n_m, n_h, n_e), dtype=np.int8)
    A["t_spec_ccy"] = np.zeros((n_m, n_h, n_e), dtype=np.int32)
    A["t_min_kg"] = np.full((n_m, n_h, n_e), nan)
    by_area: dict[str, list[dict[str, Any]]] = {}
    for r in t["tariffs"].to_dicts():
        by_area.setdefault(r["area"], []).append(r)
    t_names = [k for k in A if k.startswith("t_")]
    t_done: dict[tuple[Any, ...], tuple[int, int]] = {}
    for mi, m in enumerate(markets):
        match = _prefix_matcher(by_area.get(tariff_area(m), []))
        for hi, hs in enumerate(hs_codes):
            cand = match(hs)
            # the cells depend only on the area's matching rows and the market's agreements: compute each
            # distinct combination once (the EU's members, HS lines under the same prefixes) and copy it
            sig = (tariff_area(m), frozenset(fta[m]), tuple(id(r) for r in cand))
            if sig in t_done:
                _copy_cell(A, t_names, (mi, hi), t_done[sig])
                continue
            t_done[sig] = (mi, hi)
            for e, live in runs(cand):
                # the longest HS prefix first; for the same prefix the user's own row before the built-in one
                live = sorted(live, key=lambda r: (-len(r["hs_prefix"]), not r.get("user")))
                mine = {(r["agreement"], r["hs_prefix"]) for r in live if r.get("user")}
                live = [r for r in live if r.get("user") or (r["agreement"], r["hs_prefix"]) not in mine]
                mfn = [r for r in live if r["agreement"] == "MFN"]
                if mfn:
                    r = mfn[0]
                    A["t_mfn"][mi, hi, e] = nan if r["rate"] is None else r["rate"]
                    if r["specific_currency"] is not None and (
                        r["specific"] is not None or r["min_per_kg"] is not None
                    ):
                        A["t_spec_ccy"][mi, hi, e] = cidx[r["specific_currency"]]
                        if r["specific"] is not None and r["specific_unit"] is not None:
                            A["t_spec"][mi, hi, e] = r["specific"]
                            A["t_spec_unit"][mi, hi, e] = SPECIFIC_UNITS.index(r["specific_unit"]) + 1
                        if r["min_per_kg"] is not None:
                            A["t_min_kg"][mi, hi, e] = r["min_per_kg"]
                    A["t_mfn_rule"][mi, hi, e] = _register(
                        reg, prov, "tariffs", f"{r['area']}:{r['hs_prefix']}:MFN:{r['valid_from'] or ''}", r, index
                    )
                    A["t_mfn_conf"][mi, hi, e] = CONF_CODES[r["confidence"]]
                prefs = [r for r in live if r["agreement"] in fta[m] and r["rate"] is not None]
                if prefs:
                    r = min(prefs, key=lambda r: r["rate"])
                    A["t_pref"][mi, hi, e] = r["rate"]
                    A["t_pref_rule"][mi, hi, e] = _register(
                        reg,
                        prov,
                        "tariffs",
                        f"{r['area']}:{r['hs_prefix']}:{r['agreement']}:{r['valid_from'] or ''}",
                        r,
                        index,
                    )
                    A["t_pref_conf"][mi, hi, e] = CONF_CODES[r["confidence"]]

    # ---- additional layers [m, h, e]: summed rate, missing flag, layer-set id
    A["l_rate"] = np.zeros((n_m, n_h, n_e))
    A["l_missing"] = np.zeros((n_m, n_h, n_e), dtype=bool)
    A["l_set"] = np.zeros((n_m, n_h, n_e), dtype=np.int32)
    A["l_conf"] = np.zeros((n_m, n_h, n_e), dtype=np.int8)
    layer_sets: list[tuple[int, ...]] = [()]
    set_ids: dict[tuple[int, ...], int] = {(): 0}
    layers = t["tariff_layers"].to_dicts()
    l_names = [k for k in A if k.startswith("l_")]
    l_done: dict[tuple[int, ...], tuple[int, int]] = {}
    for mi, m in enumerate(markets):
        rows = [r for r in layers if r["area"] == tariff_area(m)]
        if not rows:
            continue
        match = _prefix_matcher(rows)
        for hi, hs in enumerate(hs_codes):
            cand = match(hs)
            l_sig = tuple(id(r) for r in cand)
            if l_sig in l_done:
                _copy_cell(A, l_names, (mi, hi), l_done[l_sig])
                continue
            l_done[l_sig] = (mi, hi)
            for e, live in runs(cand):
                ids = tuple(
                    _register(
                        reg,
                        prov,
                        "tariff_layers",
                        f"{r['area']}:{r['hs_prefix'] or '*'}:{r['layer']}:{r['valid_from'] or ''}",
                        r,
                        index,
                    )
                    for r in live
                )
                A["l_rate"][mi, hi, e] = sum(r["rate"] or 0.0 for r in live)
                A["l_missing"][mi, hi, e] = any(r["rate"] is None for r in live)
                A["l_conf"][mi, hi, e] = max((CONF_CODES[r["confidence"]] for r in live), default=0)
                if ids not in set_ids:
                    set_ids[ids] = len(layer_sets)
                    layer_sets.append(ids)
                A["l_set"][mi, hi, e] = set_ids[ids]

    # ---- excise [m, h, e] (spirits): per litre of pure alcohol / ad valorem, the row in force in each epoch
    A["x_lpa"] = np.full((n_m, n_h, n_e), nan)
    A["x_adv"] = np.full((n_m, n_h, n_e), nan)
    A["x_ccy"] = np.zeros((n_m, n_h, n_e), dtype=np.int32)
    A["x_rule"] = np.full((n_m, n_h, n_e), -1, dtype=np.int32)
    A["x_conf"] = np.full((n_m, n_h, n_e), 2, dtype=np.int8)
    excise = t["excise"].to_dicts()
    x_names = [k for k in A if k.startswith("x_")]
    x_done: dict[tuple[tuple[int, bool], ...], tuple[int, int]] = {}
    for mi, m in enumerate(markets):
        match = _prefix_matcher([r for r in excise if r["area"] in (m, tariff_area(m))])
        for hi, hs in enumerate(hs_codes):
            # the market's own row before its customs union's, then the longest HS prefix
            cand = sorted(
                match(hs),
                key=lambda r: (r["area"] != m, -len(r["hs_prefix"]), not r.get("user")),
            )
            x_sig = tuple((id(r), r["area"] == m) for r in cand)
            if x_sig in x_done:
                _copy_cell(A, x_names, (mi, hi), x_done[x_sig])
                continue
            x_done[x_sig] = (mi, hi)
            for e, live in runs(cand):
                if not live:
                    continue
                r = live[0]
                A["x_lpa"][mi, hi, e] = nan if r["per_lpa"] is None else r["per_lpa"]
                A["x_adv"][mi, hi, e] = nan if r["ad_valorem"] is None else r["ad_valorem"]
                A["x_ccy"][mi, hi, e] = cidx[r["currency"]]
                A["x_rule"][mi, hi, e] = _register(
                    reg, prov, "excise", f"{r['area']}:{r['hs_prefix']}:{r['valid_from'] or ''}", r, index
                )
                A["x_conf"][mi, hi, e] = CONF_CODES[r["confidence"]]

    # ---- export rebates [h]
    A["b_vat"] = np.full(n_h, nan)
    A["b_rate"] = np.full(n_h, nan)
    A["b_ct"] = np.zeros(n_h)
    A["b_ct_kg"] = np.zeros(n_h)
    A["b_rule"] = np.full(n_h, -1, dtype=np.int32)
    A["b_conf"] = np.full(n_h, 2, dtype=np.int8)
    rebates = t["export_rebates"].to_dicts()
    for hi, hs in enumerate(hs_codes):
        cand = sorted((r for r in rebates if hs.startswith(r["hs_prefix"])), key=lambda r: -len(r["hs_prefix"]))
        if cand:
            r = cand[0]
            A["b_vat"][hi], A["b_rate"][hi] = r["cn_vat_rate"], r["rebate_rate"]
            A["b_ct"][hi], A["b_ct_kg"][hi] = r["ct_rate"] or 0.0, r["ct_per_kg"] or 0.0
            A["b_rule"][hi] = _register(reg, prov, "export_rebates", r["hs_prefix"], r, index)
            A["b_conf"][hi] = CONF_CODES[r["confidence"]]

    # ---- customs modes [k]
    modes = {r["mode"]: r for r in t["export_modes"].to_dicts()}
    A["k_coo"] = np.array([bool(modes[k]["carries_origin_certificate"]) for k in MODES])
    A["k_inv"] = np.array([bool(modes[k]["invoices_default"]) for k in MODES])
    A["k_pilot"] = np.array([bool(modes[k]["pilot_zone_exemption"]) for k in MODES])
    A["k_rule"] = np.array([_register(reg, prov, "export_modes", k, modes[k], index) for k in MODES], dtype=np.int32)
    A["k_conf"] = np.array([CONF_CODES[modes[k]["confidence"]] for k in MODES], dtype=np.int8)

    # ---- channel fees [p, m, g, e]
    shape = (n_p, n_m, len(GROUPS), n_e)
    for f in ("tier_limit", "rate_below", "rate_above", "min_fee", "payment_rate", "returns_rate"):
        A["f_" + f] = np.full(shape, nan)
    A["f_portion"] = np.zeros(shape, dtype=bool)
    A["f_ccy"] = np.zeros(shape, dtype=np.int32)
    A["f_rule"] = np.full(shape, -1, dtype=np.int32)
    A["f_conf"] = np.full(shape, 2, dtype=np.int8)
    fees = t["channel_fees"].to_dicts()
    for pi, p in enumerate(platforms):
        prow = [r for r in fees if r["platform"] == p]
        for mi, m in enumerate(markets):

            def scope_ok(r: dict[str, Any], m: str = m) -> bool:
                scope = set(r["market_scope"].split(";"))
                return "*" in scope or m in scope or (union[m] or "") in scope

            mrow = [r for r in prow if scope_ok(r)]
            for gi, g in enumerate(GROUPS):
                grow = [r for r in mrow if r["category_group"] in (g, "*")]
                grow.sort(key=lambda r: (r["category_group"] == "*", r["market_scope"] == "*", not r.get("user")))
                for e, live in runs(grow):
                    if not live:
                        continue
                    r = live[0]
                    for f in ("tier_limit", "rate_below", "rate_above", "min_fee", "payment_rate", "returns_rate"):
                        A["f_" + f][pi, mi, gi, e] = nan if r[f] is None else r[f]
                    A["f_portion"][pi, mi, gi, e] = r["tier_mode"] == "portion"
                    A["f_ccy"][pi, mi, gi, e] = cidx[r["fee_currency"]]
                    key = f"{p}:{r['market_scope']}:{r['category_group']}:{r['valid_from'] or ''}"
                    A["f_rule"][pi, mi, gi, e] = _register(reg, prov, "channel_fees", key, r, index)
                    A["f_conf"][pi, mi, gi, e] = CONF_CODES[r["confidence"]]

    # ---- fallback logistics [s, m]
    n_s = len(SERVICES)
    for f in ("per_kg", "per_item", "divisor", "first_mile_per_kg"):
        A["g_" + f] = np.full((n_s, n_m), nan)
    A["g_ccy"] = np.zeros((n_s, n_m), dtype=np.int32)
    A["g_rule"] = np.full((n_s, n_m), -1, dtype=np.int32)
    A["g_conf"] = np.full((n_s, n_m), 2, dtype=np.int8)
    for r in t["logistics_rates_fallback"].to_dicts():
        si = SERVICES.index(r["service"])
        zone = r["zone"]
        for mi, m in enumerate(markets):
            hit = (
                zone == m
                or zone == union[m]
                or zone == region[m]
                or (zone == "ASEAN" and region[m] == "southeast_asia")
            )
            if hit and A["g_rule"][si, mi] < 0:
                for f in ("per_kg", "per_item", "divisor", "first_mile_per_kg"):
                    A["g_" + f][si, mi] = nan if r[f] is None else r[f]
                A["g_ccy"][si, mi] = cidx[r["currency"]]
                A["g_rule"][si, mi] = _register(
                    reg, prov, "logistics_rates_fallback", f"{r['service']}:{zone}", r, index
                )
                A["g_conf"][si, mi] = CONF_CODES[r["confidence"]]

    # NaN-free copies so the per-row arithmetic needs no nan_to_num: "<key>0" (NaN -> 0), "<key>_m1" (NaN -> -1)
    for key in [
        "b_rate",
        "b_vat",
        "f_min_fee",
        "f_payment_rate",
        "f_rate_above",
        "f_rate_below",
        "f_returns_rate",
        "f_tier_limit",
        "g_first_mile_per_kg",
        "g_per_item",
        "g_per_kg",
        "r_flat_floor",
        "r_flat_high_deduction",
        "r_flat_min_per_kg",
        "r_flat_rate",
        "r_flat_rate_high",
        "r_handling_fee",
        "r_per_item_duty",
        "x_adv",
        "x_lpa",
    ]:
        A[key + "0"] = np.where(np.isnan(A[key]), 0.0, A[key])
    for key in ["r_duty_de_minimis", "r_vat_de_minimis"]:
        A[key + "_m1"] = np.where(np.isnan(A[key]), -1.0, A[key])
    A["m_ccy"] = np.array([cidx[c] for c in m_ccy], dtype=np.int32)
    if not hs_codes:
        raise InvalidInputError("Expected at least one HS code to compile rules for.")
    return CompiledRules(
        markets=markets,
        market_ccy=m_ccy,
        currencies=currencies,
        hs_codes=hs_codes,
        platforms=platforms,
        breakpoints=breakpoints,
        registry=reg,
        arrays=A,
        layer_sets=layer_sets,
    )
