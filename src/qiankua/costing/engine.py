"""The landed-cost and margin engine: a table of quote rows in, a table out.

:func:`quote_batch` encodes the batch into integer keys and float columns (:func:`_encode`,
no per-row Python) and runs the fused compiled kernel (:mod:`qiankua.costing.kernel`).
:func:`prepare` / :func:`gather` / :func:`evaluate` / :func:`solve_price` and
:func:`quote_batch_reference` are the vectorised numpy formulation of the same model, kept as
the readable reference the kernel is tested against (float-identical results).

Model (per unit, computed in CNY, reported in CNY and the destination currency):

* ``price`` is the buyer's tax-inclusive price in the destination currency (DDP sale).
  Without an explicit ``declared_value`` the declared (transaction) value of a 9610,
  9710 or 0110 sale is the price net of VAT; for 9810 (overseas warehouse) it is the
  product cost, since the goods enter the warehouse before they are sold.
* Low-value rules apply to 9610 parcels only, on the consignment value
  (declared value x quantity) in the regime's threshold currency; excise goods are
  kept out where the regime says so (EU IOSS, UK, AU, NZ, MY).
* A row may be one line of a larger consignment (a multi-line order shipped as one
  parcel): optional ``consignment_value`` (the whole consignment's declared value, in
  ``value_currency`` like ``declared_value``, default CNY; null = the row's own
  declared value x quantity) is then the value the duty and VAT de minimis, the
  low-value-goods ceiling and the flat rates test and charge, and the row carries its
  share by value (declared value x quantity / consignment value) of the per-consignment
  charges: a flat-rate charge and the handling fee. Its minimum per kg is taken on
  optional ``consignment_kg`` (the consignment's gross weight) when given, else on the
  row's own weight. A per-item duty (EU from 2026-07-01, per tariff line) stays the
  row's own. A row with ``consignment_value`` = its declared value (CNY) x quantity is
  quoted exactly as without it. The break-even and target prices hold a given
  consignment value fixed (the row's share moves with its price).
* VAT is either sale-side (collected by the platform or the registered seller, on the
  price: ``price x r / (1 + r)``) or border-side (``r x (customs value + duty + excise)``).
* A tariff rate or a fee that is not on file is counted as 0 AND flagged; the row's
  status becomes ``incomplete``. A market with no regime, VAT rule or FX rate for the
  date gets status ``no_rule`` with the reason — never a silent zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from qiankua.costing.rules import CompiledRules
from qiankua.exceptions import InvalidInputError, UnknownReferenceError
from qiankua.vocabulary import CATEGORY_GROUPS, MODES, SERVICES
from qiankua.vocabulary import FEE_GROUPS as GROUPS

__all__ = [
    "COLUMNS",
    "FLAGS",
    "REASONS",
    "STATUS",
    "Prepared",
    "decode_flags",
    "evaluate",
    "gather",
    "prepare",
    "quote_batch",
    "quote_batch_reference",
    "solve_price",
]

FLAGS = (
    "tariff_rate_missing",
    "layer_rate_missing",
    "excise_missing",
    "vat_food_rate_missing",
    "logistics_missing",
    "last_mile_missing",
    "fee_missing",
    "payment_fee_missing",
    "rebate_missing",
    "no_invoice_exemption",
    "fx_stale",
    "unconfirmed_rule",
    "target_at_threshold",
    "target_unreachable",
    "indonesia_mfn_list_not_checked",
)
_BIT = {f: np.int32(1 << i) for i, f in enumerate(FLAGS)}
STATUS = ("ok", "incomplete", "no_rule")
REASONS = (
    "",
    "no import regime on file for this market and date",
    "no VAT/GST rate on file for this market and date",
    "no FX rate for the destination currency on this date",
)
REQUIRED = ("market", "hs6", "mode", "service", "platform", "date", "gross_kg")
_DAY0 = dt.date(1970, 1, 1)


def _z(x: np.ndarray) -> np.ndarray:
    """NaN -> 0 (cheaper than np.nan_to_num)."""
    return np.where(x == x, x, 0.0)


def _stale_table(fx: dict[str, np.ndarray], currencies: list[str] | tuple[str, ...], span: int) -> np.ndarray:
    """[currency, day] bool: the day's rate is the newest on file and older than the day."""
    default = np.asarray(fx["_stale"], dtype=bool)
    return (
        np.stack([np.asarray(fx.get("_stale:" + c, default), dtype=bool) for c in currencies])
        if currencies
        else np.zeros((0, span), bool)
    )


def _nearest(value: str, choices: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(value, choices, n=5, cutoff=0.3)
    return ", ".join(close or choices[:8])


def _codes(frame: pl.DataFrame, column: str, choices: list[str] | tuple[str, ...], what: str) -> np.ndarray:
    s = frame[column]
    enum = pl.Enum(list(choices))
    if s.dtype != enum:
        bad = s.cast(pl.String).unique().filter(~s.cast(pl.String).unique().is_in(list(choices)))
        if bad.len():
            v = str(bad[0])
            raise UnknownReferenceError(
                f"Unknown {what} {v!r} in `{column}`. Nearest valid: {_nearest(v, list(choices))}."
            )
        s = s.cast(pl.String).cast(enum)
    return s.to_physical().to_numpy().astype(np.int32)


def _num(frame: pl.DataFrame, column: str, default: float) -> np.ndarray:
    if column not in frame.columns:
        return np.broadcast_to(np.float64(default), (frame.height,))  # a constant column costs nothing
    s = frame[column]
    if s.dtype != pl.Float64:
        s = s.cast(pl.Float64)
    if s.null_count():
        s = s.fill_null(default)
    return s.to_numpy()


def _opt(frame: pl.DataFrame, column: str) -> np.ndarray | None:
    if column not in frame.columns:
        return None
    return frame[column].cast(pl.Float64).to_numpy()  # nulls become nan


def _consignment(frame: pl.DataFrame) -> np.ndarray | None:
    """``consignment_value`` (nan = none), after checking it and ``consignment_kg``: >= 0 where given."""
    for column, what in (("consignment_value", "a value >= 0"), ("consignment_kg", "a weight >= 0")):
        if column in frame.columns:
            s = frame[column].cast(pl.Float64)
            bad = s < 0  # null or NaN = none
            if bad.any():
                row = int(bad.fill_null(False).arg_true()[0])
                raise InvalidInputError(f"Row {row + 1}: `{column}` must be {what} (or empty), not {s[row]}.")
    return _opt(frame, "consignment_value")


@dataclass(kw_only=True)
class Prepared:
    """Row codes, flat rule indices and per-row inputs, independent of the price."""

    n: int
    rows: dict[str, np.ndarray]
    flat: dict[str, tuple[np.ndarray, str]]
    fx_tab: np.ndarray


def prepare(frame: pl.DataFrame, rules: CompiledRules, fx: dict[str, np.ndarray]) -> Prepared:
    """Validate the batch, encode its keys and gather every rule parameter per row.

    ``fx`` maps currency -> array of CNY per unit by day offset from ``fx['_day0']``
    (NaN where no rate), plus ``fx['_stale']`` (bool per day) and ``fx['_stale:<CCY>']``
    (bool per day: the rate is the newest on file, older than the day; see :mod:`qiankua.fx`).
    """
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InvalidInputError(f"Expected columns {', '.join(REQUIRED)}; missing {', '.join(missing)}.")
    if "unit_cost_cny" not in frame.columns and "declared_value" not in frame.columns:
        raise InvalidInputError("Expected `unit_cost_cny` (product cost) or `declared_value` (+ `value_currency`).")
    A = rules.arrays
    n = frame.height
    m = _codes(frame, "market", rules.markets, "market (ISO alpha-2)")
    h = _codes(frame, "hs6", rules.hs_codes, "HS code")
    k = _codes(frame, "mode", MODES, "customs mode")
    s = _codes(frame, "service", SERVICES, "service")
    p = _codes(frame, "platform", rules.platforms, "platform")
    if "category" in frame.columns:
        cats = list(CATEGORY_GROUPS)
        cat_c = frame["category"].fill_null("other")
        grp_names = [CATEGORY_GROUPS[c][0] for c in cats]
        food_l = [CATEGORY_GROUPS[c][1] for c in cats]
        ci = cat_c.cast(pl.String).replace_strict(cats, list(range(len(cats))), default=-1).to_numpy()
        gi = np.where(ci >= 0, np.array([GROUPS.index(x) for x in grp_names] + [3])[ci], 3).astype(np.int32)
        food = np.where(ci >= 0, np.array([*food_l, False])[ci], False)
    else:
        gi = np.full(n, GROUPS.index("other"), dtype=np.int32)
        food = np.zeros(n, dtype=bool)
    date = frame["date"]
    if date.dtype != pl.Date:
        date = date.cast(pl.String).str.to_date("%Y-%m-%d", strict=True)
    days = date.cast(pl.Int32).to_numpy().astype(np.int64)
    e = rules.epoch_of(days)
    chan = (s == SERVICES.index("postal")).astype(np.int32)

    n_e = len(rules.breakpoints) + 1
    n_h, n_m = len(rules.hs_codes), len(rules.markets)
    row: dict[str, np.ndarray] = {"m": m, "h": h, "k": k, "s": s, "p": p, "grp": gi, "food": food}
    # flat indices into the raveled rule arrays: one index per rule family, gathers are 1-D takes;
    # tariffs, tariff layers and excise share the [market, hs, epoch] layout
    mhe = (m * n_h + h) * n_e + e
    idx = {
        "r_": (m * n_e + e) * 2 + chan,
        "v_": m * n_e + e,
        "t_": mhe,
        "l_": mhe,
        "x_": mhe,
        "b_": h,
        "k_": k,
        "f_": ((p * n_m + m) * len(GROUPS) + gi) * n_e + e,
        "g_": s * n_m + m,
    }
    row.update({"i" + key: val.astype(np.int64) for key, val in idx.items()})

    # FX: CNY per unit of each needed currency on the row's day
    day0 = int(fx["_day0"][0])
    off = days - day0
    span = len(fx["_stale"])
    if (off < 0).any() or (off >= span).any():
        raise InvalidInputError("FX table does not cover every quote date.")
    table = np.stack([fx.get(c, np.full(span, np.nan)) for c in rules.currencies])  # [ccy, day]
    row["off"] = off
    dest = A["m_ccy"][m]
    row["fx_dest"] = table[dest, off]
    row["fx_stale"] = _stale_table(fx, rules.currencies, span)[dest, off]
    if "fx_override" in frame.columns:
        ov = _num(frame, "fx_override", np.nan)
        row["fx_dest"] = np.where(np.isnan(ov), row["fx_dest"], ov)
        row["fx_stale"] = row["fx_stale"] & np.isnan(ov)

    row["cost_in"] = _num(frame, "unit_cost_cny", np.nan)
    row["kg"] = _num(frame, "gross_kg", 0.0)
    row["net_kg"] = _num(frame, "net_kg", 0.0)
    row["vol"] = _num(frame, "volume_cm3", 0.0)
    row["q"] = np.maximum(_num(frame, "quantity", 1.0), 1.0)
    row["abv"] = _num(frame, "abv_pct", 0.0)
    row["litres"] = _num(frame, "liquid_l", 0.0)
    row["alcohol"] = (row["abv"] > 0.5) | np.array([c.startswith("2208") for c in rules.hs_codes])[h]
    decl = _opt(frame, "declared_value")
    cons = _consignment(frame)
    if decl is not None or cons is not None:
        vc = frame["value_currency"].fill_null("CNY") if "value_currency" in frame.columns else None
        vci = (
            _codes(frame.with_columns(vc.alias("value_currency")), "value_currency", rules.currencies, "currency")
            if vc is not None
            else np.full(n, rules.currencies.index("CNY"), dtype=np.int32)
        )
    row["declared_cny"] = decl * table[vci, off] if decl is not None else np.full(n, np.nan)
    row["cons_cny"] = cons * table[vci, off] if cons is not None else np.full(n, np.nan)
    row["cons_kg"] = _num(frame, "consignment_kg", np.nan)
    # without a product cost, the declared value stands for it (--hs/--value quotes)
    row["cost"] = np.where(np.isnan(row["cost_in"]), np.nan_to_num(row["declared_cny"]), row["cost_in"])
    if "invoices" in frame.columns:
        row["inv_in"] = frame["invoices"].cast(pl.Int8).fill_null(-1).to_numpy()
    else:
        row["inv_in"] = np.full(n, -1, dtype=np.int8)
    row["direct"] = (p == rules.platforms.index("direct")) if "direct" in rules.platforms else np.zeros(n, bool)
    for col in ("first_mile_cny", "line_haul_cny", "last_mile_cny"):
        row[col] = _num(frame, col, np.nan)
    row["export_clearance"] = _num(frame, "export_clearance_cny", 0.0)
    for sc in ("scale_product", "scale_logistics", "scale_duty", "scale_fees"):
        row[sc] = _num(frame, sc, 1.0)
    flat = {key: (arr.ravel(), "i" + key[:2]) for key, arr in A.items() if key[:2] in idx}
    return Prepared(n=n, rows=row, flat=flat, fx_tab=table)


# rule parameters the per-row arithmetic reads (only these are gathered)
_USED = frozenset(
    {
        "b_conf",
        "b_ct",
        "b_ct_kg",
        "b_rate",
        "b_rate0",
        "b_rule",
        "b_vat0",
        "f_ccy",
        "f_conf",
        "f_min_fee0",
        "f_payment_rate",
        "f_payment_rate0",
        "f_portion",
        "f_rate_above0",
        "f_rate_below0",
        "f_returns_rate0",
        "f_rule",
        "f_tier_limit",
        "f_tier_limit0",
        "g_ccy",
        "g_conf",
        "g_divisor",
        "g_first_mile_per_kg0",
        "g_per_item0",
        "g_per_kg0",
        "g_rule",
        "k_conf",
        "k_coo",
        "k_inv",
        "k_pilot",
        "k_rule",
        "l_conf",
        "l_missing",
        "l_rate",
        "l_set",
        "r_above_platform",
        "r_ccy",
        "r_cif",
        "r_conf",
        "r_duty_de_minimis_m1",
        "r_flat_ceiling",
        "r_flat_excess",
        "r_flat_floor0",
        "r_flat_high_ceiling",
        "r_flat_high_deduction0",
        "r_flat_min_per_kg0",
        "r_flat_rate",
        "r_flat_rate0",
        "r_flat_rate_high",
        "r_flat_rate_high0",
        "r_flat_vat",
        "r_flat_exc",
        "r_gross_up",
        "r_handling_fee",
        "r_handling_fee0",
        "r_lvg_ceiling",
        "r_lvg_excl",
        "r_per_item_duty0",
        "r_rule",
        "r_vat_de_minimis_m1",
        "t_mfn",
        "t_mfn_conf",
        "t_mfn_rule",
        "t_pref",
        "t_pref_conf",
        "t_pref_rule",
        "t_spec",
        "t_spec_unit",
        "t_spec_ccy",
        "t_min_kg",
        "v_conf",
        "v_food",
        "v_rule",
        "v_std",
        "x_adv",
        "x_adv0",
        "x_ccy",
        "x_conf",
        "x_lpa",
        "x_lpa0",
        "x_rule",
    }
)


def gather(prep: Prepared, lo: int = 0, hi: int | None = None) -> dict[str, np.ndarray]:
    """Per-row arrays for rows ``lo:hi`` plus every rule parameter gathered by flat index."""
    sl = slice(lo, prep.n if hi is None else hi)
    g = {key: val[sl] for key, val in prep.rows.items()}
    for key, (arr, ix) in prep.flat.items():
        if key in _USED:
            g[key] = arr.take(g[ix])
    g["fx_tab"] = prep.fx_tab
    span = prep.fx_tab.shape[1]
    fx_flat = prep.fx_tab.ravel()
    g["fx_thr"] = fx_flat.take(g["r_ccy"] * span + g["off"])
    g["fx_g"] = fx_flat.take(g["g_ccy"] * span + g["off"])
    g["fx_x"] = fx_flat.take(g["x_ccy"] * span + g["off"])
    g["fx_s"] = fx_flat.take(g["t_spec_ccy"] * span + g["off"])
    g["fx_f"] = fx_flat.take(g["f_ccy"] * span + g["off"])
    g["invoices"] = np.where(g["inv_in"] < 0, g["k_inv"], g["inv_in"] == 1)
    return g


def evaluate(g: dict[str, np.ndarray], price: np.ndarray) -> dict[str, np.ndarray]:
    """Every cost line for the given prices (destination currency per unit, NaN = no price)."""
    n = len(price)
    fxd, fxt = g["fx_dest"], g["fx_thr"]
    has_price = ~np.isnan(price)
    P = price * fxd
    b2c = g["k"] == 0
    food_r = g["v_food"]
    r = np.where(g["food"] & ~np.isnan(food_r), food_r, g["v_std"])
    r0 = _z(r)
    cost = g["cost"] * g["scale_product"]

    # logistics (per unit, CNY): user/routing columns override the fallback table
    vol_kg = np.where(np.isnan(g["g_divisor"]), 0.0, g["vol"] / np.where(np.isnan(g["g_divisor"]), 1.0, g["g_divisor"]))
    ch_kg = np.maximum(g["kg"], vol_kg)
    g_fx = g["fx_g"]
    fb_lh = (g["g_per_kg0"] * ch_kg + g["g_per_item0"]) * g_fx
    fb_fm = g["g_first_mile_per_kg0"] * ch_kg
    has_fb = g["g_rule"] >= 0
    lh_o, fm_o, lm_o = g["line_haul_cny"], g["first_mile_cny"], g["last_mile_cny"]
    line_haul = np.where(np.isnan(lh_o), fb_lh, lh_o) * g["scale_logistics"]
    first_mile = np.where(np.isnan(fm_o), fb_fm, fm_o) * g["scale_logistics"]
    door = g["s"] <= 1  # postal / express rates are door to door
    last_mile = np.where(np.isnan(lm_o), 0.0, lm_o) * g["scale_logistics"]
    logistics_missing = np.isnan(lh_o) & ~has_fb
    last_mile_missing = np.isnan(lm_o) & ~door

    # declared and customs value
    sale_vat_base = np.where(has_price, P / (1.0 + r0), np.nan)
    derived = np.where((g["k"] != 2) & has_price, sale_vat_base, cost)
    V = np.where(np.isnan(g["declared_cny"]), derived, g["declared_cny"])
    CV = V + np.where(g["r_cif"], line_haul, 0.0)
    # consignment value (threshold currency): the row's own, or the one given; ``share``: the row's part of it
    given = ~np.isnan(g["cons_cny"])
    own = V * g["q"]
    cons = np.where(given, g["cons_cny"], own) / fxt
    with np.errstate(divide="ignore", invalid="ignore"):  # as the kernel: a consignment of 0 gives inf / NaN
        share = np.where(given & (own != g["cons_cny"]), own / np.where(given, g["cons_cny"], 1.0), 1.0)
    excl = g["alcohol"] & g["r_lvg_excl"]
    low = b2c & ~np.isnan(g["r_lvg_ceiling"]) & (cons <= g["r_lvg_ceiling"]) & ~excl
    duty_free = b2c & (cons <= g["r_duty_de_minimis_m1"]) & ~excl

    # tariff: preference only where the mode carries a certificate of origin
    use_pref = g["k_coo"] & ~np.isnan(g["t_pref"]) & (np.isnan(g["t_mfn"]) | (g["t_pref"] < g["t_mfn"]))
    t_rate = np.where(use_pref, g["t_pref"], g["t_mfn"])
    # the MFN row's specific part (per net kg, litre, litre of pure alcohol or item) and its minimum per kg
    litres = np.where(g["litres"] > 0, g["litres"], g["net_kg"] / 0.93)
    net_kg = np.where(g["net_kg"] > 0, g["net_kg"], g["kg"])
    unit = g["t_spec_unit"]
    qty = np.select([unit == 1, unit == 2, unit == 3, unit == 4], [net_kg, litres, litres * g["abv"] / 100.0, 1.0], 0.0)
    specific = np.where(use_pref, 0.0, _z(g["t_spec"]) * qty * g["fx_s"])
    floor_kg = np.where(use_pref, 0.0, _z(g["t_min_kg"]) * net_kg * g["fx_s"])
    tariff_missing = np.isnan(t_rate) & (use_pref | np.isnan(g["t_spec"]))
    duty_tariff = np.maximum(_z(t_rate) * CV + specific, floor_kg) + g["l_rate"] * CV

    fr = g["r_flat_rate"]
    floor = g["r_flat_floor0"]
    ceil = np.where(np.isnan(g["r_flat_ceiling"]), np.inf, g["r_flat_ceiling"])
    flat_low = b2c & ~np.isnan(fr) & (cons > floor) & (cons <= ceil) & ~duty_free
    hi_ceil = np.where(np.isnan(g["r_flat_high_ceiling"]), -np.inf, g["r_flat_high_ceiling"])
    flat_high = b2c & ~np.isnan(g["r_flat_rate_high"]) & (cons > ceil) & (cons <= hi_ceil)
    base_thr = np.where(g["r_flat_excess"], cons - floor, cons)
    flat_cons = np.where(
        flat_low, g["r_flat_rate0"] * base_thr, g["r_flat_rate_high0"] * cons - g["r_flat_high_deduction0"]
    )
    # the minimum per kg on the consignment's weight when given (the row's share of it), else on the row's own
    flat_cons = np.where(
        np.isnan(g["cons_kg"]),
        np.maximum(flat_cons * share, g["r_flat_min_per_kg0"] * g["kg"] * g["q"]),
        np.maximum(flat_cons, g["r_flat_min_per_kg0"] * g["cons_kg"]) * share,
    )
    flat = flat_low | flat_high
    flat_duty = np.maximum(flat_cons, 0.0) * fxt / g["q"]
    per_item = g["r_per_item_duty0"] * fxt / g["q"]
    duty = np.where(duty_free, per_item, np.where(flat, flat_duty, duty_tariff)) * g["scale_duty"]
    tariff_used = ~duty_free & ~flat
    no_regime = g["r_rule"] < 0
    duty = np.where(no_regime & b2c, duty_tariff, duty)

    # excise (spirits)
    x_fx = g["fx_x"]
    taxed = g["alcohol"] & ~(flat & g["r_flat_exc"])  # a flat regime may stand in for excise
    excise = np.where(taxed, g["x_lpa0"] * litres * g["abv"] / 100.0 * x_fx + g["x_adv0"] * (CV + duty), 0.0)
    excise_missing = taxed & np.isnan(g["x_lpa"]) & np.isnan(g["x_adv"])

    # VAT / GST and who collects it: 0 border, 1 platform, 2 seller
    sale_side = low | (g["k"] == 2)
    direct = g["direct"]
    collector = np.where(sale_side, np.where(low & ~direct, 1, 2), np.where(g["r_above_platform"], 1, 0))
    vat_sale = np.where(has_price, P * r0 / (1.0 + r0), V * r0)
    vat_free = b2c & (cons <= g["r_vat_de_minimis_m1"]) & ~excl
    base = CV + duty + excise
    vat_border = np.where(g["r_gross_up"], base * r0 / np.maximum(1.0 - r0, 1e-9), base * r0)
    vat_border = np.where(vat_free | (flat & g["r_flat_vat"]), 0.0, vat_border)
    vat = np.where(sale_side, vat_sale, vat_border)
    handling = np.where(
        b2c & ~np.isnan(g["r_handling_fee"]) & (duty + vat_border > 0) & ~sale_side,
        g["r_handling_fee0"] * fxt / g["q"] * share,
        0.0,
    )

    # China export side
    exempt = b2c & ~g["invoices"] & g["k_pilot"]
    cost_ex = cost / (1.0 + g["b_vat0"])
    rebate = np.where(
        exempt | np.isnan(g["b_rate"]),
        0.0,
        cost_ex * (g["b_rate0"] + np.where(g["alcohol"], g["b_ct"], 0.0))
        + np.where(g["alcohol"], g["b_ct_kg"] * g["net_kg"], 0.0),
    )
    rebate_missing = ~exempt & np.isnan(g["b_rate"])

    # channel fees on the price
    f_fx = g["fx_f"]
    pf = np.where(has_price, P / f_fx, 0.0)
    lim = g["f_tier_limit"]
    below, above = g["f_rate_below0"], g["f_rate_above0"]
    whole = np.where(np.isnan(lim) | (pf <= lim), below, above) * pf
    portion = np.where(
        np.isnan(lim),
        below * pf,
        below * np.minimum(pf, g["f_tier_limit0"]) + above * np.maximum(pf - g["f_tier_limit0"], 0.0),
    )
    comm = np.where(g["f_portion"], portion, whole)
    comm = np.where(has_price & (pf > 0), np.maximum(comm, g["f_min_fee0"]), 0.0) * f_fx * g["scale_fees"]
    pay = np.where(has_price, g["f_payment_rate0"] * P, 0.0) * g["scale_fees"]
    ret = np.where(has_price, g["f_returns_rate0"] * P, 0.0)
    fee_missing = g["f_rule"] < 0
    pay_missing = ~fee_missing & np.isnan(g["f_payment_rate"])

    landed = cost + first_mile + line_haul + last_mile + g["export_clearance"] + duty + vat + excise + handling
    total = landed + comm + pay + ret - rebate
    profit = np.where(has_price, P - total, np.nan)
    margin = np.where(has_price & (P > 0), profit / np.where(P > 0, P, 1.0), np.nan)

    flags = np.zeros(n, dtype=np.int32)
    for name, cond in (
        ("tariff_rate_missing", tariff_missing & tariff_used),
        ("layer_rate_missing", g["l_missing"] & tariff_used),
        ("excise_missing", excise_missing),
        ("logistics_missing", logistics_missing),
        ("last_mile_missing", last_mile_missing),
        ("fee_missing", fee_missing & has_price),
        ("payment_fee_missing", pay_missing & has_price),
        ("rebate_missing", rebate_missing),
        ("no_invoice_exemption", exempt),
        ("fx_stale", g["fx_stale"]),
        ("vat_food_rate_missing", g["food"] & np.isnan(food_r) & ~np.isnan(g["v_std"]) & (r0 > 0)),
        ("indonesia_mfn_list_not_checked", flat_low & (g["r_flat_rate"] == 0.075)),
    ):
        flags |= np.where(cond, _BIT[name], 0).astype(np.int32)
    conf = g["r_conf"]
    for part in (
        g["v_conf"],
        np.where(tariff_used, np.where(use_pref, g["t_pref_conf"], g["t_mfn_conf"]), 0),
        np.where(tariff_used, g["l_conf"], 0),
        np.where(g["alcohol"], g["x_conf"], 0),
        np.where(has_price, g["f_conf"], 0),
        g["b_conf"],
        g["k_conf"],
        np.where(np.isnan(lh_o), g["g_conf"], 0),
    ):
        conf = np.maximum(conf, part)
    conf = np.where(tariff_missing & tariff_used | excise_missing | logistics_missing, 2, conf).astype(np.int8)
    flags |= np.where(conf == 2, _BIT["unconfirmed_rule"], 0).astype(np.int32)
    reason = np.where(no_regime, 1, np.where(np.isnan(g["v_std"]), 2, np.where(np.isnan(fxd), 3, 0))).astype(np.int8)
    incomplete_bits = sum(
        int(_BIT[f])
        for f in (
            "tariff_rate_missing",
            "layer_rate_missing",
            "excise_missing",
            "logistics_missing",
            "last_mile_missing",
            "fee_missing",
            "payment_fee_missing",
            "rebate_missing",
        )
    )
    status = np.where(reason > 0, 2, np.where((flags & incomplete_bits) != 0, 1, 0)).astype(np.int8)
    return {
        "status": status,
        "reason": reason,
        "collector": collector.astype(np.int8),
        "fx_dest": fxd,
        "declared_value": V,
        "customs_value": CV,
        "product_cost": cost,
        "first_mile": first_mile,
        "line_haul": line_haul,
        "last_mile": last_mile,
        "export_clearance": g["export_clearance"],
        "duty": duty,
        "import_vat": vat,
        "excise": excise,
        "handling": handling,
        "commission": comm,
        "payment_fee": pay,
        "returns": ret,
        "export_rebate": rebate,
        "landed_cost": landed,
        "total_cost": total,
        "price": P,
        "profit": profit,
        "margin": margin,
        "flags": flags,
        "confidence": conf,
        "vat_rate": r0,
        "chargeable_kg": ch_kg,
        "low_value": low,
        "flat": flat,
        "duty_free": duty_free,
        "use_pref": use_pref,
    }


def solve_price(g: dict[str, np.ndarray], target: np.ndarray, *, iters: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Price (destination currency) at which margin = target, by vectorised bracketing.

    The cost is piecewise in the price (thresholds, fee tiers, sale-side VAT), so no
    closed form is used: ``f(P) = profit(P) - target x P`` is bracketed (``f(lo) < 0 < f(hi)``,
    ``hi`` doubled until positive) and bisected until the bracket is a few ulps wide.
    Returns the price and flags (``target_unreachable`` when no bracket exists,
    ``target_at_threshold`` when the bracket closes on a jump of the cost, e.g. a de
    minimis threshold, rather than on a root: the price returned is then the lowest
    price above the jump and its margin is at least the target).
    """
    n = len(target)
    fxd = g["fx_dest"]

    def f(price: np.ndarray) -> np.ndarray:
        out = evaluate(g, price)
        gap: np.ndarray = (out["profit"] - target * out["price"]) / fxd
        return gap

    lo = np.zeros(n)
    hi = np.maximum(np.nan_to_num(evaluate(g, np.full(n, np.nan))["landed_cost"] / fxd), 1.0) * 2
    fhi = f(hi)
    for _ in range(64):
        need = ~(fhi > 0) & np.isfinite(fhi)
        if not need.any():
            break
        lo = np.where(need, hi, lo)
        hi = np.where(need, hi * 2, hi)
        fhi = f(hi)
    unreachable = ~(fhi > 0) | (target >= 1)
    for _ in range(iters):
        mid = (lo + hi) / 2
        pos = f(mid) > 0
        hi = np.where(pos, mid, hi)
        lo = np.where(pos, lo, mid)
        if np.all((hi - lo) <= 4e-16 * np.maximum(hi, 1.0)):
            break
    fhi = f(hi)
    flags = np.where(unreachable, _BIT["target_unreachable"], 0).astype(np.int32)
    flags |= np.where(~unreachable & (np.abs(fhi) > 0.005), _BIT["target_at_threshold"], 0).astype(np.int32)
    return np.where(unreachable, np.nan, hi), flags


_OUT_FLOAT = (
    "fx_dest",
    "declared_value",
    "customs_value",
    "chargeable_kg",
    "product_cost",
    "first_mile",
    "line_haul",
    "last_mile",
    "export_clearance",
    "duty",
    "import_vat",
    "excise",
    "handling",
    "commission",
    "payment_fee",
    "returns",
    "export_rebate",
    "landed_cost",
    "total_cost",
    "price",
    "profit",
    "margin",
    "vat_rate",
)
_OUT_SMALL = {
    "status": np.int8,
    "reason": np.int8,
    "collector": np.int8,
    "confidence": np.int8,
    "flags": np.int32,
    "duty_basis": np.int8,
}
_OUT_RULES = (
    "regime_rule",
    "vat_rule",
    "tariff_rule",
    "layer_set",
    "excise_rule",
    "rebate_rule",
    "mode_rule",
    "fee_rule",
    "logistics_rule",
)
CHUNK = 1 << 15


def _run_chunk(
    prep: Prepared,
    lo: int,
    hi: int,
    price: np.ndarray,
    target: np.ndarray | None,
    solve: bool,
    res: dict[str, np.ndarray],
) -> None:
    g = gather(prep, lo, hi)
    out = evaluate(g, price[lo:hi])
    for key in _OUT_FLOAT:
        res[key][lo:hi] = out[key]
    for key in ("status", "reason", "collector", "confidence"):
        res[key][lo:hi] = out[key]
    flags = out["flags"]
    res["duty_basis"][lo:hi] = np.where(out["duty_free"], 1, np.where(out["flat"], 2, 0))
    res["regime_rule"][lo:hi] = g["r_rule"]
    res["vat_rule"][lo:hi] = g["v_rule"]
    tariff_used = ~out["duty_free"] & ~out["flat"]
    res["tariff_rule"][lo:hi] = np.where(tariff_used, np.where(out["use_pref"], g["t_pref_rule"], g["t_mfn_rule"]), -1)
    res["layer_set"][lo:hi] = np.where(tariff_used, g["l_set"], 0)
    res["excise_rule"][lo:hi] = np.where(g["alcohol"], g["x_rule"], -1)
    res["rebate_rule"][lo:hi] = g["b_rule"]
    res["mode_rule"][lo:hi] = g["k_rule"]
    res["fee_rule"][lo:hi] = g["f_rule"]
    res["logistics_rule"][lo:hi] = np.where(np.isnan(g["line_haul_cny"]), g["g_rule"], -1)
    if solve:
        be, _ = solve_price(g, np.zeros(hi - lo))
        res["break_even_price"][lo:hi] = be
        if target is not None:
            t = target[lo:hi]
            has_t = ~np.isnan(t)
            tp, f2 = solve_price(g, np.nan_to_num(t))
            res["target_price"][lo:hi] = np.where(has_t, tp, np.nan)
            flags = flags | np.where(has_t, f2, 0).astype(np.int32)
    res["flags"][lo:hi] = flags


def _category_codes(frame: pl.DataFrame, cats: list[str]) -> np.ndarray:
    """Category -> index into ``cats``; missing or unknown categories -> ``len(cats)`` (no fee group, not food)."""
    s = frame["category"]
    if isinstance(s.dtype, pl.Enum):
        lut = np.array(
            [cats.index(c) if c in cats else len(cats) for c in s.dtype.categories.to_list()] + [len(cats)],
            dtype=np.int32,
        )
        phys = s.to_physical().fill_null(len(lut) - 1).to_numpy()
        codes: np.ndarray = lut[phys]
        return codes
    s = s.cast(pl.String).cast(pl.Enum(cats), strict=False)
    return s.to_physical().cast(pl.Int32).fill_null(len(cats)).to_numpy()


def _encode(
    frame: pl.DataFrame, rules: CompiledRules, fx: dict[str, np.ndarray]
) -> tuple[list[np.ndarray], list[np.ndarray], dict[str, Any], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate the batch and turn it into the kernel's integer codes and float columns (no per-row Python).

    Constant inputs (a column that is absent and has a default) are passed as length-1 arrays.
    """
    from qiankua.costing import kernel

    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InvalidInputError(f"Expected columns {', '.join(REQUIRED)}; missing {', '.join(missing)}.")
    if "unit_cost_cny" not in frame.columns and "declared_value" not in frame.columns:
        raise InvalidInputError("Expected `unit_cost_cny` (product cost) or `declared_value` (+ `value_currency`).")
    tabs = kernel.pack_tables(rules)
    n = frame.height
    cats = tabs["categories"]
    m = _codes(frame, "market", rules.markets, "market (ISO alpha-2)")
    h = _codes(frame, "hs6", rules.hs_codes, "HS code")
    k = _codes(frame, "mode", MODES, "customs mode")
    s = _codes(frame, "service", SERVICES, "service")
    p = _codes(frame, "platform", rules.platforms, "platform")
    cat = _category_codes(frame, cats) if "category" in frame.columns else np.array([len(cats)], np.int32)
    inv = (
        frame["invoices"].cast(pl.Int8).fill_null(-1).to_numpy()
        if "invoices" in frame.columns
        else np.array([-1], np.int32)
    )
    date = frame["date"]
    if date.dtype != pl.Date:
        date = date.cast(pl.String).str.to_date("%Y-%m-%d", strict=True)
    days = date.cast(pl.Int32).to_numpy()
    day0 = int(fx["_day0"][0])
    span = len(fx["_stale"])
    if n and (int(days.min()) < day0 or int(days.max()) >= day0 + span):
        raise InvalidInputError("FX table does not cover every quote date.")
    cons = _consignment(frame)
    if "declared_value" in frame.columns or cons is not None:
        decl = _num(frame, "declared_value", np.nan) if "declared_value" in frame.columns else np.array([np.nan])
        vcc = (
            _codes(
                frame.with_columns(frame["value_currency"].fill_null("CNY")),
                "value_currency",
                rules.currencies,
                "currency",
            )
            if "value_currency" in frame.columns
            else np.array([rules.currencies.index("CNY")], np.int32)
        )
    else:
        decl, vcc = np.array([np.nan]), np.array([rules.currencies.index("CNY")], np.int32)
    ints: list[np.ndarray] = [m, h, k, s, p, cat, inv, days, vcc]

    def num(column: str, default: float) -> np.ndarray:
        return _num(frame, column, default) if column in frame.columns else np.array([default])

    def opt(column: str) -> np.ndarray:
        return _num(frame, column, np.nan) if column in frame.columns else np.array([np.nan])

    floats: list[np.ndarray] = [
        num("unit_cost_cny", np.nan),
        num("gross_kg", 0.0),
        num("net_kg", 0.0),
        num("volume_cm3", 0.0),
        num("quantity", 1.0),
        num("abv_pct", 0.0),
        num("liquid_l", 0.0),
        decl,
        num("line_haul_cny", np.nan),
        num("first_mile_cny", np.nan),
        num("last_mile_cny", np.nan),
        num("export_clearance_cny", 0.0),
        num("scale_product", 1.0),
        num("scale_logistics", 1.0),
        num("scale_duty", 1.0),
        num("scale_fees", 1.0),
        opt("fx_override"),
        num("price", np.nan),
        opt("target_margin"),
        opt("consignment_value"),
        opt("consignment_kg"),
    ]
    table = np.stack([fx.get(c, np.full(span, np.nan)) for c in rules.currencies])  # [ccy, day]
    epoch = rules.epoch_of(np.arange(day0, day0 + span, dtype=np.int64)).astype(np.int64)
    direct = rules.platforms.index("direct") if "direct" in rules.platforms else -1
    dims = np.array(
        [len(rules.breakpoints) + 1, len(rules.hs_codes), len(rules.markets), tabs["n_groups"], direct, day0],
        dtype=np.int64,
    )
    return ints, floats, tabs, table, _stale_table(fx, rules.currencies, span).astype(np.int8), epoch, dims


#: every result column of :func:`quote_batch`, in order (``row_id`` first when given; the solve columns only
#: with ``solve=True`` / ``target_margin``)
COLUMNS = (
    *_OUT_FLOAT,
    *_OUT_SMALL,
    *_OUT_RULES,
    "break_even_price",
    "target_price",
    "landed_cost_dest",
    "duty_dest",
    "import_vat_dest",
    "excise_dest",
    "profit_dest",
    "currency",
)


SMALL_BATCH = 2048


def _kernel_ready() -> bool:
    import sys

    mod = sys.modules.get("qiankua.costing.kernel")
    return bool(mod is not None and mod.READY)


def quote_batch(
    frame: pl.DataFrame,
    rules: CompiledRules,
    fx: dict[str, np.ndarray],
    *,
    solve: bool = False,
    threads: int = 2,
    columns: list[str] | tuple[str, ...] | None = None,
    engine: str = "auto",
) -> pl.DataFrame:
    """Quote every row of ``frame`` (see :data:`REQUIRED` and the module docstring).

    Returns one row per input row with every cost line in CNY, the main ones also in
    the destination currency (``*_dest``), status, reason, who collects VAT (0 border,
    1 platform, 2 seller), confidence (0 confirmed, 1 likely, 2 unconfirmed), flags
    (bitmask over :data:`FLAGS`) and the ids of the rules applied (index into
    ``rules.registry``). With ``solve=True`` or a ``target_margin`` column also
    ``break_even_price`` and ``target_price`` in the destination currency.

    ``columns`` limits the result to those columns (any of :data:`COLUMNS`, plus ``row_id``);
    the default is all of them. Every row is still fully quoted (the flags and status rest on
    every line); only the writing of unrequested columns is skipped.

    ``engine``: ``"kernel"`` runs the fused compiled kernel (:mod:`qiankua.costing.kernel`) in
    chunks on ``threads`` threads; ``"numpy"`` the vectorised reference
    (:func:`quote_batch_reference`); ``"auto"`` (default) the kernel, except for a batch of fewer
    than :data:`SMALL_BATCH` rows in a process that has not loaded the kernel yet: a one-off CLI
    quote would otherwise wait for numba's import and cache load (1-4 s) to save a millisecond.
    Both give the same figures (float-identical; the solved prices agree to ~1e-12 relative).
    """
    if engine not in ("auto", "kernel", "numpy"):
        raise InvalidInputError(f"Expected engine 'auto', 'kernel' or 'numpy', not {engine!r}.")
    if columns is not None:
        unknown = [c for c in columns if c not in COLUMNS and c != "row_id"]
        if unknown:
            raise InvalidInputError(
                f"Unknown result column {unknown[0]!r}. Nearest valid: {_nearest(unknown[0], list(COLUMNS))}."
            )
    if engine == "numpy" or (engine == "auto" and frame.height < SMALL_BATCH and not _kernel_ready()):
        result = quote_batch_reference(frame, rules, fx, solve=solve, threads=threads)
        return result if columns is None else result.select([c for c in result.columns if c in columns])
    from qiankua.costing import kernel

    ints, floats, tabs, table, stale, epoch, dims = _encode(frame, rules, fx)
    has_target = "target_margin" in frame.columns
    solve = solve or has_target
    order = [c for c in COLUMNS if solve or c not in ("break_even_price", "target_price")]
    if solve and not has_target:
        order.remove("target_price")
    if columns is not None:
        order = [c for c in order if c in columns]
    want = set(order)
    out = kernel.run(frame.height, ints, floats, tabs, table, stale, epoch, dims, want, solve=solve, threads=threads)
    series = [pl.Series(name, out[name]) for name in order if name != "currency"]
    if "currency" in want:
        ccy = pl.Series("currency", rules.market_ccy, dtype=pl.Enum(sorted(set(rules.market_ccy))))
        series.append(ccy.gather(ints[0]))
    result = pl.DataFrame(series)
    if "row_id" in frame.columns and (columns is None or "row_id" in columns):
        result = result.insert_column(0, frame["row_id"])
    return result


def quote_batch_reference(
    frame: pl.DataFrame, rules: CompiledRules, fx: dict[str, np.ndarray], *, solve: bool = False, threads: int = 2
) -> pl.DataFrame:
    """The vectorised numpy path (reference for the fused kernel; same output as :func:`quote_batch`).

    Quote every row of ``frame`` (see :data:`REQUIRED` and the module docstring).

    Returns one row per input row with every cost line in CNY, the main ones also in
    the destination currency (``*_dest``), status, reason, who collects VAT (0 border,
    1 platform, 2 seller), confidence (0 confirmed, 1 likely, 2 unconfirmed), flags
    (bitmask over :data:`FLAGS`) and the ids of the rules applied (index into
    ``rules.registry``). With ``solve=True`` or a ``target_margin`` column also
    ``break_even_price`` and ``target_price`` in the destination currency.

    Rows are processed in cache-sized chunks on ``threads`` threads (numpy releases the GIL).
    """
    prep = prepare(frame, rules, fx)
    n = prep.n
    price = _num(frame, "price", np.nan)
    target = _opt(frame, "target_margin")
    solve = solve or target is not None
    res: dict[str, np.ndarray] = {key: np.empty(n) for key in _OUT_FLOAT}
    res.update({key: np.empty(n, dtype=dt_) for key, dt_ in _OUT_SMALL.items()})
    res.update({key: np.empty(n, dtype=np.int32) for key in _OUT_RULES})
    if solve:
        res["break_even_price"] = np.empty(n)
        if target is not None:
            res["target_price"] = np.empty(n)
    bounds = [(lo, min(lo + CHUNK, n)) for lo in range(0, n, CHUNK)]
    if threads > 1 and len(bounds) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda b: _run_chunk(prep, b[0], b[1], price, target, solve, res), bounds))
    else:
        for lo, hi in bounds:
            _run_chunk(prep, lo, hi, price, target, solve, res)
    fxd = res["fx_dest"]
    for key in ("landed_cost", "duty", "import_vat", "excise", "profit"):
        res[key + "_dest"] = res[key] / fxd
    result = pl.DataFrame(res)
    if "row_id" in frame.columns:
        result = result.with_columns(frame["row_id"]).select("row_id", *res)
    ccy = pl.Series("currency", rules.market_ccy, dtype=pl.Enum(sorted(set(rules.market_ccy))))
    return result.with_columns(currency=ccy.gather(prep.rows["m"]))


def decode_flags(bits: int) -> list[str]:
    """Names of the flags set in a ``flags`` bitmask."""
    return [f for f in FLAGS if bits & int(_BIT[f])]
