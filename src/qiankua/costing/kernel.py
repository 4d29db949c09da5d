"""The fused landed-cost kernel: one compiled pass per quote row (numba).

Why hand-written: the vectorised numpy version (:func:`qiankua.costing.engine.evaluate`,
kept as the reference the tests compare against) makes ~250 full-array passes and 76
rule-parameter gathers per chunk, so it is bound by memory traffic at ~1-2M quotes/s on
two cores. Here each row reads its rule parameters straight from small row-major rule
tables (one table per rule family: regime, VAT, tariff+layers, excise, rebate, mode,
channel fee, fallback logistics; booleans and ids stored as exact float64), does the
arithmetic in registers and writes only the requested result columns. The row formulas
mirror ``evaluate`` expression by expression (same operation order, numpy's NaN
semantics for ``maximum``/``minimum``, no fast-math), so the results are float-identical.

The target-margin / break-even solve re-runs the same row formulas inside a per-row
bracketing + bisection loop (see :func:`qiankua.costing.engine.solve_price` for the method);
the formulas are written once, in :func:`_range`, and that function is compiled twice: with
``solve=None`` (quotes only, the solver pruned at compile time) and ``solve=True``.

Compiled with ``cache=True`` (the first call on a machine compiles both variants, ~15-30 s;
later processes load the cache in well under a second plus the numba import),
``error_model="numpy"`` (x/0 gives inf/NaN as in the numpy reference, no exception) and
``nogil=True``: :func:`run` splits the rows into chunks over a small thread pool (two
threads by default, one per core here). That is safe to call from several threads at once
(the API batcher), unlike numba's ``parallel=True`` with its default workqueue layer; the
work split is the same as a ``prange`` over two cores.
"""

from __future__ import annotations

import math
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numba import njit

__all__ = ["OUT_FLOAT", "OUT_INT8", "OUT_INT32", "pack_tables", "release_buffers", "run"]

# ---- rule-table columns (one float64 table per family, row = flat rule index)
# regime [(m * n_e + e) * 2 + postal]
(
    R_DDM,
    R_VDM,
    R_LVG,
    R_FR,
    R_FR0,
    R_FLOOR0,
    R_CEIL,
    R_FRH,
    R_FRH0,
    R_HCEIL,
    R_HDED0,
    R_MINKG0,
    R_ITEM0,
    R_HF,
    R_HF0,
    R_LVGX,
    R_ABOVE,
    R_CIF,
    R_EXCESS,
    R_FVAT,
    R_GROSS,
    R_CCY,
    R_RULE,
    R_CONF,
    R_FEXC,
) = range(25)
_R_KEYS = (
    "r_duty_de_minimis_m1",
    "r_vat_de_minimis_m1",
    "r_lvg_ceiling",
    "r_flat_rate",
    "r_flat_rate0",
    "r_flat_floor0",
    "r_flat_ceiling",
    "r_flat_rate_high",
    "r_flat_rate_high0",
    "r_flat_high_ceiling",
    "r_flat_high_deduction0",
    "r_flat_min_per_kg0",
    "r_per_item_duty0",
    "r_handling_fee",
    "r_handling_fee0",
    "r_lvg_excl",
    "r_above_platform",
    "r_cif",
    "r_flat_excess",
    "r_flat_vat",
    "r_gross_up",
    "r_ccy",
    "r_rule",
    "r_conf",
    "r_flat_exc",
)
# VAT [m * n_e + e]
V_STD, V_FOOD, V_RULE, V_CONF = range(4)
_V_KEYS = ("v_std", "v_food", "v_rule", "v_conf")
# tariff + layers [(m * n_h + h) * n_e + e]
T_MFN, T_PREF, T_MRULE, T_PRULE, T_MCONF, T_PCONF, L_RATE, L_MISS, L_SET, L_CONF, T_SPEC, T_SUNIT, T_SCCY, T_MINKG = (
    range(14)
)
_T_KEYS = (
    "t_mfn",
    "t_pref",
    "t_mfn_rule",
    "t_pref_rule",
    "t_mfn_conf",
    "t_pref_conf",
    "l_rate",
    "l_missing",
    "l_set",
    "l_conf",
    "t_spec",
    "t_spec_unit",
    "t_spec_ccy",
    "t_min_kg",
)
# excise [m * n_h + h]
X_LPA, X_LPA0, X_ADV, X_ADV0, X_CCY, X_RULE, X_CONF = range(7)
_X_KEYS = ("x_lpa", "x_lpa0", "x_adv", "x_adv0", "x_ccy", "x_rule", "x_conf")
# export rebate [h] (+ whether the HS line is a spirit, 2208)
B_VAT0, B_RATE, B_RATE0, B_CT, B_CTKG, B_RULE, B_CONF, B_ALC = range(8)
_B_KEYS = ("b_vat0", "b_rate", "b_rate0", "b_ct", "b_ct_kg", "b_rule", "b_conf")
# customs mode [k]
K_COO, K_INV, K_PILOT, K_RULE, K_CONF = range(5)
_K_KEYS = ("k_coo", "k_inv", "k_pilot", "k_rule", "k_conf")
# channel fee [((p * n_m + m) * n_g + g) * n_e + e]
F_LIM, F_LIM0, F_BELOW0, F_ABOVE0, F_MIN0, F_PAY, F_PAY0, F_RET0, F_PORTION, F_CCY, F_RULE, F_CONF = range(12)
_F_KEYS = (
    "f_tier_limit",
    "f_tier_limit0",
    "f_rate_below0",
    "f_rate_above0",
    "f_min_fee0",
    "f_payment_rate",
    "f_payment_rate0",
    "f_returns_rate0",
    "f_portion",
    "f_ccy",
    "f_rule",
    "f_conf",
)
# fallback logistics [s * n_m + m]
G_DIV, G_KG0, G_ITEM0, G_FM0, G_CCY, G_RULE, G_CONF = range(7)
_G_KEYS = ("g_divisor", "g_per_kg0", "g_per_item0", "g_first_mile_per_kg0", "g_ccy", "g_rule", "g_conf")
# dims vector
D_NE, D_NH, D_NM, D_NG, D_DIRECT, D_DAY0 = range(6)

# ---- per-row inputs: a tuple of int32 arrays and a tuple of float64 arrays (length n, or 1 = constant)
I_M, I_H, I_K, I_S, I_P, I_CAT, I_INV, I_DAY, I_VCCY = range(9)
N_IN_INT = 9
(
    IN_COST,
    IN_KG,
    IN_NETKG,
    IN_VOL,
    IN_Q,
    IN_ABV,
    IN_LITRES,
    IN_DECL,
    IN_LH,
    IN_FM,
    IN_LM,
    IN_CLR,
    IN_SPROD,
    IN_SLOG,
    IN_SDUTY,
    IN_SFEES,
    IN_FXOV,
    IN_PRICE,
    IN_TARGET,
    IN_CONS,
    IN_CONS_KG,
) = range(21)
N_IN_FLOAT = 21

# ---- outputs (slot arrays map each to a row of the output block, -1 = not requested)
OUT_FLOAT = (
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
    "break_even_price",
    "target_price",
    "landed_cost_dest",
    "duty_dest",
    "import_vat_dest",
    "excise_dest",
    "profit_dest",
)
OUT_INT8 = ("status", "reason", "collector", "confidence", "duty_basis")
OUT_INT32 = (
    "flags",
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
(
    O_FXD,
    O_DECL,
    O_CV,
    O_CHKG,
    O_COST,
    O_FM,
    O_LH,
    O_LM,
    O_CLR,
    O_DUTY,
    O_VAT,
    O_EXC,
    O_HAND,
    O_COMM,
    O_PAY,
    O_RET,
    O_REB,
    O_LANDED,
    O_TOTAL,
    O_PRICE,
    O_PROFIT,
    O_MARGIN,
    O_VRATE,
    O_BE,
    O_TP,
    O_LANDED_D,
    O_DUTY_D,
    O_VAT_D,
    O_EXC_D,
    O_PROFIT_D,
) = range(30)
O_STATUS, O_REASON, O_COLL, O_CONF, O_BASIS = range(5)
(O_FLAGS, O_RREG, O_RVAT, O_RTAR, O_RLAY, O_REXC, O_RREB, O_RMODE, O_RFEE, O_RLOG) = range(10)

# flag bits (same order as engine.FLAGS; tests/costing/test_kernel.py checks it)
FLAG_ORDER = (
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
(
    _B_TARIFF,
    _B_LAYER,
    _B_EXC,
    _B_FOOD,
    _B_LOG,
    _B_LM,
    _B_FEE,
    _B_PAY,
    _B_REB,
    _B_EXEMPT,
    _B_STALE,
    _B_UNCONF,
    _B_THRESH,
    _B_UNREACH,
    _B_IDN,
) = (1 << i for i in range(15))
_INCOMPLETE = _B_TARIFF | _B_LAYER | _B_EXC | _B_LOG | _B_LM | _B_FEE | _B_PAY | _B_REB
_BIG = np.finfo(np.float64).max


def _table(A: dict[str, np.ndarray], keys: tuple[str, ...], extra: list[np.ndarray] | None = None) -> np.ndarray:
    cols = [A[k].ravel().astype(np.float64) for k in keys] + (extra or [])
    return np.ascontiguousarray(np.stack(cols, axis=1))


def pack_tables(rules: Any) -> dict[str, Any]:
    """Row-major float64 rule tables for the kernel (built once per compiled rule set, then cached on it)."""
    cached: dict[str, Any] | None = getattr(rules, "_kernel_tables", None)
    if cached is not None:
        return cached
    A = rules.arrays
    alc = np.array([c.startswith("2208") for c in rules.hs_codes], dtype=np.float64)
    from qiankua.vocabulary import CATEGORY_GROUPS
    from qiankua.vocabulary import FEE_GROUPS as GROUPS

    cats = list(CATEGORY_GROUPS)
    packed = {
        "R": _table(A, _R_KEYS),
        "V": _table(A, _V_KEYS),
        "T": _table(A, _T_KEYS),
        "X": _table(A, _X_KEYS),
        "B": _table(A, _B_KEYS, [alc]),
        "K": _table(A, _K_KEYS),
        "F": _table(A, _F_KEYS),
        "G": _table(A, _G_KEYS),
        "m_ccy": np.ascontiguousarray(A["m_ccy"], dtype=np.int32),
        # category code -> fee group, is food; the last entry stands for a missing / unknown category
        "cat_grp": np.array([GROUPS.index(CATEGORY_GROUPS[c][0]) for c in cats] + [GROUPS.index("other")], np.int32),
        "cat_food": np.array([CATEGORY_GROUPS[c][1] for c in cats] + [False], dtype=np.int32),
        "categories": cats,
        "n_groups": len(GROUPS),
    }
    rules._kernel_tables = packed
    return packed


# ------------------------------------------------------------------------------------------- kernel


@njit(cache=True, inline="always")
def _at(a, i):
    return a[i] if a.shape[0] > 1 else a[0]


@njit(cache=True, inline="always")
def _mx(a, b):
    if a != a or b != b:
        return a + b
    return a if a >= b else b


@njit(cache=True, inline="always")
def _mn(a, b):
    if a != a or b != b:
        return a + b
    return a if a <= b else b


@njit(cache=True, inline="always")
def _nan_to_num(x):
    if x != x:
        return 0.0
    if x > _BIG:
        return _BIG
    if x < -_BIG:
        return -_BIG
    return x


@njit(cache=True, nogil=True, error_model="numpy")
def _range(
    lo,
    hi,
    a_m,
    a_h,
    a_k,
    a_s,
    a_p,
    a_cat,
    a_inv,
    a_day,
    a_vccy,
    f_cost,
    f_kg,
    f_netkg,
    f_vol,
    f_q,
    f_abv,
    f_litres,
    f_decl,
    f_lh,
    f_fm,
    f_lm,
    f_clr,
    f_sprod,
    f_slog,
    f_sduty,
    f_sfees,
    f_fxov,
    f_price,
    f_target,
    f_cons,
    f_cons_kg,
    R,
    V,
    T,
    X,
    B,
    K,
    F,
    G,
    m_ccy,
    fx,
    stale,
    epoch,
    cat_grp,
    cat_food,
    dims,
    sf,
    s8,
    s32,
    of,
    o8,
    o32,
    solve,
    iters,
):
    """Quote rows lo:hi into the output blocks (row ``sX[j]`` of block ``oX`` holds column j, -1 = skip).

    One function, no per-row calls: passing ~45 arrays to a helper per row costs as many atomic
    reference-count updates, which two threads then fight over. The row formulas are written once
    (the top of the ``while`` loop, evaluated at ``price``); with ``solve`` a small state machine
    re-runs them for the break-even and target-margin bracketing (see engine.solve_price):
    state 1 = cost at no price (to start the bracket), 2 = doubling ``hi``, 3 = bisection, 4 = final.
    """
    n_e, n_h, n_m, n_g = dims[D_NE], dims[D_NH], dims[D_NM], dims[D_NG]
    for i in range(lo, hi):
        price = _at(f_price, i)
        state = 0
        target = 0.0
        second = False  # solving for the target margin (after the break-even price)
        fxd0 = np.nan
        s_lo = 0.0
        s_hi = 0.0
        s_n = 0
        unreachable = False
        flags0 = 0
        be = np.nan
        tp = np.nan
        while True:
            m = _at(a_m, i)
            h = _at(a_h, i)
            k = _at(a_k, i)
            s = _at(a_s, i)
            p = _at(a_p, i)
            cat = _at(a_cat, i)
            off = _at(a_day, i) - dims[D_DAY0]
            e = epoch[off]
            grp = cat_grp[cat]
            food = cat_food[cat] != 0
            ri = (m * n_e + e) * 2 + (1 if s == 0 else 0)
            vi = m * n_e + e
            ti = (m * n_h + h) * n_e + e
            xi = ti  # excise has the [market, hs, epoch] layout of the tariffs
            fi = ((p * n_m + m) * n_g + grp) * n_e + e
            gi = s * n_m + m

            fxd = fx[m_ccy[m], off]
            ov = _at(f_fxov, i)
            if ov == ov:
                fxd = ov
            fxt = fx[np.int64(R[ri, R_CCY]), off]
            has_price = price == price
            P = price * fxd
            b2c = k == 0
            food_r = V[vi, V_FOOD]
            v_std = V[vi, V_STD]
            r = food_r if (food and food_r == food_r) else v_std
            r0 = r if r == r else 0.0
            cost_in = _at(f_cost, i)
            vccy = _at(a_vccy, i)
            decl = _at(f_decl, i) * fx[vccy, off]
            if cost_in != cost_in:
                cost_in = _nan_to_num(decl)
            cost = cost_in * _at(f_sprod, i)

            # logistics
            div = G[gi, G_DIV]
            vol_kg = 0.0 if div != div else _at(f_vol, i) / div
            kg = _at(f_kg, i)
            ch_kg = _mx(kg, vol_kg)
            g_fx = fx[np.int64(G[gi, G_CCY]), off]
            has_fb = G[gi, G_RULE] >= 0
            s_log = _at(f_slog, i)
            lh_o = _at(f_lh, i)
            fm_o = _at(f_fm, i)
            lm_o = _at(f_lm, i)
            line_haul = ((G[gi, G_KG0] * ch_kg + G[gi, G_ITEM0]) * g_fx if lh_o != lh_o else lh_o) * s_log
            first_mile = (G[gi, G_FM0] * ch_kg if fm_o != fm_o else fm_o) * s_log
            last_mile = (0.0 if lm_o != lm_o else lm_o) * s_log
            logistics_missing = lh_o != lh_o and not has_fb
            last_mile_missing = lm_o != lm_o and not s <= 1

            # declared and customs value
            q = _mx(_at(f_q, i), 1.0)
            if decl == decl:
                V_ = decl
            elif k != 2 and has_price:
                V_ = P / (1.0 + r0)
            else:
                V_ = cost
            CV = V_ + (line_haul if R[ri, R_CIF] != 0.0 else 0.0)
            # the consignment: the row's own value, or the one given; ``share`` = the row's part of it
            cons_in = _at(f_cons, i)
            share = 1.0
            if cons_in == cons_in:
                cons_cny = cons_in * fx[vccy, off]
                own = V_ * q
                if own != cons_cny:  # (a consignment of the row alone, worth 0, shares nothing out)
                    share = own / cons_cny
                cons = cons_cny / fxt
            else:
                cons = V_ * q / fxt
            abv = _at(f_abv, i)
            alcohol = abv > 0.5 or B[h, B_ALC] != 0.0
            excl = alcohol and R[ri, R_LVGX] != 0.0
            lvg = R[ri, R_LVG]
            low = b2c and lvg == lvg and cons <= lvg and not excl
            duty_free = b2c and cons <= R[ri, R_DDM] and not excl

            # tariff
            t_mfn = T[ti, T_MFN]
            t_pref = T[ti, T_PREF]
            use_pref = K[k, K_COO] != 0.0 and t_pref == t_pref and (t_mfn != t_mfn or t_pref < t_mfn)
            t_rate = t_pref if use_pref else t_mfn
            t_spec = T[ti, T_SPEC]
            ad_rate = 0.0 if t_rate != t_rate else t_rate
            duty_tariff = ad_rate * CV
            lit = _at(f_litres, i)
            net = _at(f_netkg, i)
            litres = lit if lit > 0 else net / 0.93
            net_kg = net if net > 0 else kg
            if not use_pref:  # the MFN row's specific part and its minimum per kg, in its own currency
                s_fx = fx[np.int64(T[ti, T_SCCY]), off]
                if t_spec == t_spec:
                    unit = T[ti, T_SUNIT]
                    qty = (
                        net_kg
                        if unit == 1
                        else litres
                        if unit == 2
                        else litres * abv / 100.0
                        if unit == 3
                        else 1.0
                        if unit == 4
                        else 0.0
                    )
                    duty_tariff += t_spec * qty * s_fx
                min_kg = T[ti, T_MINKG]
                if min_kg == min_kg:
                    duty_tariff = _mx(duty_tariff, min_kg * net_kg * s_fx)
            tariff_missing = t_rate != t_rate and (use_pref or t_spec != t_spec)
            duty_tariff += T[ti, L_RATE] * CV

            fr = R[ri, R_FR]
            floor = R[ri, R_FLOOR0]
            ceil = R[ri, R_CEIL]
            if ceil != ceil:
                ceil = np.inf
            flat_low = b2c and fr == fr and cons > floor and cons <= ceil and not duty_free
            hi_ceil = R[ri, R_HCEIL]
            if hi_ceil != hi_ceil:
                hi_ceil = -np.inf
            frh = R[ri, R_FRH]
            flat_high = b2c and frh == frh and cons > ceil and cons <= hi_ceil
            flat = flat_low or flat_high
            s_duty = _at(f_sduty, i)
            if duty_free:
                duty = R[ri, R_ITEM0] * fxt / q * s_duty
            elif flat:
                if flat_low:
                    base_thr = cons - floor if R[ri, R_EXCESS] != 0.0 else cons
                    flat_cons = R[ri, R_FR0] * base_thr
                else:
                    flat_cons = R[ri, R_FRH0] * cons - R[ri, R_HDED0]
                cons_kg = _at(f_cons_kg, i)
                if cons_kg == cons_kg:  # the minimum on the consignment's weight, the row's share of it
                    flat_cons = _mx(flat_cons, R[ri, R_MINKG0] * cons_kg) * share
                else:  # the row's share, at least the minimum on the row's own weight
                    flat_cons = _mx(flat_cons * share, R[ri, R_MINKG0] * kg * q)
                duty = _mx(flat_cons, 0.0) * fxt / q * s_duty
            else:
                duty = duty_tariff * s_duty
            tariff_used = not duty_free and not flat
            no_regime = R[ri, R_RULE] < 0
            if no_regime and b2c:
                duty = duty_tariff

            # excise
            excise_missing = False
            excise = 0.0
            if alcohol and not (flat and R[ri, R_FEXC] != 0.0):  # a flat regime may stand in for excise
                x_fx = fx[np.int64(X[xi, X_CCY]), off]
                excise = X[xi, X_LPA0] * litres * abv / 100.0 * x_fx + X[xi, X_ADV0] * (CV + duty)
                excise_missing = X[xi, X_LPA] != X[xi, X_LPA] and X[xi, X_ADV] != X[xi, X_ADV]

            # VAT / GST and who collects it
            sale_side = low or k == 2
            direct = p == dims[D_DIRECT]
            if sale_side:
                collector = 1 if (low and not direct) else 2
            else:
                collector = 1 if R[ri, R_ABOVE] != 0.0 else 0
            vat_free = b2c and cons <= R[ri, R_VDM] and not excl
            base = CV + duty + excise
            if vat_free or (flat and R[ri, R_FVAT] != 0.0):
                vat_border = 0.0
            elif R[ri, R_GROSS] != 0.0:
                vat_border = base * r0 / _mx(1.0 - r0, 1e-9)
            else:
                vat_border = base * r0
            if sale_side:
                vat = P * r0 / (1.0 + r0) if has_price else V_ * r0
            else:
                vat = vat_border
            hf = R[ri, R_HF]
            handling = 0.0
            if b2c and hf == hf and (duty + vat_border > 0) and not sale_side:
                handling = R[ri, R_HF0] * fxt / q * share

            # China export side
            inv_in = _at(a_inv, i)
            invoices = K[k, K_INV] != 0.0 if inv_in < 0 else inv_in == 1
            exempt = b2c and not invoices and K[k, K_PILOT] != 0.0
            b_rate = B[h, B_RATE]
            rebate_missing = not exempt and b_rate != b_rate
            if exempt or b_rate != b_rate:
                rebate = 0.0
            else:
                cost_ex = cost / (1.0 + B[h, B_VAT0])
                if alcohol:
                    rebate = cost_ex * (B[h, B_RATE0] + B[h, B_CT]) + B[h, B_CTKG] * _at(f_netkg, i)
                else:
                    rebate = cost_ex * (B[h, B_RATE0] + 0.0) + 0.0

            # channel fees
            f_fx = fx[np.int64(F[fi, F_CCY]), off]
            s_fees = _at(f_sfees, i)
            comm = 0.0
            pay = 0.0
            ret = 0.0
            if has_price:
                pf = P / f_fx
                if pf > 0:
                    lim = F[fi, F_LIM]
                    below = F[fi, F_BELOW0]
                    above = F[fi, F_ABOVE0]
                    if F[fi, F_PORTION] != 0.0:
                        if lim != lim:
                            c = below * pf
                        else:
                            lim0 = F[fi, F_LIM0]
                            c = below * _mn(pf, lim0) + above * _mx(pf - lim0, 0.0)
                    else:
                        c = (below if (lim != lim or pf <= lim) else above) * pf
                    comm = _mx(c, F[fi, F_MIN0]) * f_fx * s_fees
                else:
                    comm = 0.0 * f_fx * s_fees
                pay = F[fi, F_PAY0] * P * s_fees
                ret = F[fi, F_RET0] * P
            else:
                comm = 0.0 * f_fx * s_fees
                pay = 0.0 * s_fees
            fee_missing = F[fi, F_RULE] < 0
            pay_missing = not fee_missing and F[fi, F_PAY] != F[fi, F_PAY]

            clearance = _at(f_clr, i)
            landed = cost + first_mile + line_haul + last_mile + clearance + duty + vat + excise + handling
            total = landed + comm + pay + ret - rebate
            profit = P - total if has_price else np.nan
            margin = profit / P if (has_price and P > 0) else np.nan

            flags = 0
            if tariff_missing and tariff_used:
                flags |= _B_TARIFF
            if T[ti, L_MISS] != 0.0 and tariff_used:
                flags |= _B_LAYER
            if excise_missing:
                flags |= _B_EXC
            if logistics_missing:
                flags |= _B_LOG
            if last_mile_missing:
                flags |= _B_LM
            if fee_missing and has_price:
                flags |= _B_FEE
            if pay_missing and has_price:
                flags |= _B_PAY
            if rebate_missing:
                flags |= _B_REB
            if exempt:
                flags |= _B_EXEMPT
            if stale[m_ccy[m], off] != 0 and ov != ov:
                flags |= _B_STALE
            if food and food_r != food_r and v_std == v_std and r0 > 0:
                flags |= _B_FOOD
            if flat_low and fr == 0.075:
                flags |= _B_IDN
            conf = R[ri, R_CONF]
            conf = max(conf, V[vi, V_CONF])
            if tariff_used:
                conf = max(conf, T[ti, T_PCONF] if use_pref else T[ti, T_MCONF])
                conf = max(conf, T[ti, L_CONF])
            if alcohol:
                conf = max(conf, X[xi, X_CONF])
            if has_price:
                conf = max(conf, F[fi, F_CONF])
            conf = max(conf, B[h, B_CONF])
            conf = max(conf, K[k, K_CONF])
            if lh_o != lh_o:
                conf = max(conf, G[gi, G_CONF])
            if (tariff_missing and tariff_used) or excise_missing or logistics_missing:
                conf = 2.0
            if conf == 2.0:
                flags |= _B_UNCONF
            if no_regime:
                reason = 1
            elif v_std != v_std:
                reason = 2
            elif fxd != fxd:
                reason = 3
            else:
                reason = 0
            status = 2 if reason > 0 else (1 if (flags & _INCOMPLETE) != 0 else 0)
            basis = 1 if duty_free else (2 if flat else 0)
            t_rule = (T[ti, T_PRULE] if use_pref else T[ti, T_MRULE]) if tariff_used else -1.0
            l_set = T[ti, L_SET] if tariff_used else 0.0
            x_rule = X[xi, X_RULE] if alcohol else -1.0
            g_rule = G[gi, G_RULE] if lh_o != lh_o else -1.0
            if state == 0:
                flags0 = flags
                fxd0 = fxd
                # floats
                if sf[O_FXD] >= 0:
                    of[sf[O_FXD], i] = fxd
                if sf[O_DECL] >= 0:
                    of[sf[O_DECL], i] = V_
                if sf[O_CV] >= 0:
                    of[sf[O_CV], i] = CV
                if sf[O_CHKG] >= 0:
                    of[sf[O_CHKG], i] = ch_kg
                if sf[O_COST] >= 0:
                    of[sf[O_COST], i] = cost
                if sf[O_FM] >= 0:
                    of[sf[O_FM], i] = first_mile
                if sf[O_LH] >= 0:
                    of[sf[O_LH], i] = line_haul
                if sf[O_LM] >= 0:
                    of[sf[O_LM], i] = last_mile
                if sf[O_CLR] >= 0:
                    of[sf[O_CLR], i] = clearance
                if sf[O_DUTY] >= 0:
                    of[sf[O_DUTY], i] = duty
                if sf[O_VAT] >= 0:
                    of[sf[O_VAT], i] = vat
                if sf[O_EXC] >= 0:
                    of[sf[O_EXC], i] = excise
                if sf[O_HAND] >= 0:
                    of[sf[O_HAND], i] = handling
                if sf[O_COMM] >= 0:
                    of[sf[O_COMM], i] = comm
                if sf[O_PAY] >= 0:
                    of[sf[O_PAY], i] = pay
                if sf[O_RET] >= 0:
                    of[sf[O_RET], i] = ret
                if sf[O_REB] >= 0:
                    of[sf[O_REB], i] = rebate
                if sf[O_LANDED] >= 0:
                    of[sf[O_LANDED], i] = landed
                if sf[O_TOTAL] >= 0:
                    of[sf[O_TOTAL], i] = total
                if sf[O_PRICE] >= 0:
                    of[sf[O_PRICE], i] = P
                if sf[O_PROFIT] >= 0:
                    of[sf[O_PROFIT], i] = profit
                if sf[O_MARGIN] >= 0:
                    of[sf[O_MARGIN], i] = margin
                if sf[O_VRATE] >= 0:
                    of[sf[O_VRATE], i] = r0
                if sf[O_BE] >= 0:
                    of[sf[O_BE], i] = be
                if sf[O_TP] >= 0:
                    of[sf[O_TP], i] = tp
                if sf[O_LANDED_D] >= 0:
                    of[sf[O_LANDED_D], i] = landed / fxd
                if sf[O_DUTY_D] >= 0:
                    of[sf[O_DUTY_D], i] = duty / fxd
                if sf[O_VAT_D] >= 0:
                    of[sf[O_VAT_D], i] = vat / fxd
                if sf[O_EXC_D] >= 0:
                    of[sf[O_EXC_D], i] = excise / fxd
                if sf[O_PROFIT_D] >= 0:
                    of[sf[O_PROFIT_D], i] = profit / fxd
                # small ints
                if s8[O_STATUS] >= 0:
                    o8[s8[O_STATUS], i] = status
                if s8[O_REASON] >= 0:
                    o8[s8[O_REASON], i] = reason
                if s8[O_COLL] >= 0:
                    o8[s8[O_COLL], i] = collector
                if s8[O_CONF] >= 0:
                    o8[s8[O_CONF], i] = np.int64(conf)
                if s8[O_BASIS] >= 0:
                    o8[s8[O_BASIS], i] = basis
                # int32: flags and rule ids
                if s32[O_FLAGS] >= 0:
                    o32[s32[O_FLAGS], i] = flags
                if s32[O_RREG] >= 0:
                    o32[s32[O_RREG], i] = np.int64(R[ri, R_RULE])
                if s32[O_RVAT] >= 0:
                    o32[s32[O_RVAT], i] = np.int64(V[vi, V_RULE])
                if s32[O_RTAR] >= 0:
                    o32[s32[O_RTAR], i] = np.int64(t_rule)
                if s32[O_RLAY] >= 0:
                    o32[s32[O_RLAY], i] = np.int64(l_set)
                if s32[O_REXC] >= 0:
                    o32[s32[O_REXC], i] = np.int64(x_rule)
                if s32[O_RREB] >= 0:
                    o32[s32[O_RREB], i] = np.int64(B[h, B_RULE])
                if s32[O_RMODE] >= 0:
                    o32[s32[O_RMODE], i] = np.int64(K[k, K_RULE])
                if s32[O_RFEE] >= 0:
                    o32[s32[O_RFEE], i] = np.int64(F[fi, F_RULE])
                if s32[O_RLOG] >= 0:
                    o32[s32[O_RLOG], i] = np.int64(g_rule)

                if solve is None:  # a compile-time constant: the quote-only specialisation has no solver
                    break
                state = 1
                price = np.nan
                continue
            f = (profit - target * P) / fxd0
            if state == 1:
                x = _nan_to_num(landed / fxd0)
                s_lo = 0.0
                s_hi = _mx(x, 1.0) * 2
                s_n = 0
                state = 2
                price = s_hi
                continue
            if state == 2:
                if f > 0 or not math.isfinite(f) or s_n >= 64:
                    unreachable = not (f > 0) or target >= 1
                    s_n = 0
                    state = 3
                else:
                    s_lo = s_hi
                    s_hi = s_hi * 2
                    s_n += 1
                    price = s_hi
                    continue
            if state == 3:
                if s_n > 0:  # f is at the last midpoint
                    if f > 0:
                        s_hi = price
                    else:
                        s_lo = price
                if s_n < iters and (s_hi - s_lo) > 4e-16 * _mx(s_hi, 1.0):
                    s_n += 1
                    price = (s_lo + s_hi) / 2
                    continue
                state = 4
                price = s_hi
                continue
            # state 4: f at the solved price
            res = np.nan if unreachable else s_hi
            fl = _B_UNREACH if unreachable else (_B_THRESH if abs(f) > 0.005 else 0)
            if not second:
                be = res
                t = _at(f_target, i)
                if t == t:
                    second = True
                    target = t
                    state = 1
                    price = np.nan
                    continue
                break
            tp = res
            flags0 |= fl
            break
        if solve is not None:
            if sf[O_BE] >= 0:
                of[sf[O_BE], i] = be
            if sf[O_TP] >= 0:
                of[sf[O_TP], i] = tp
            if s32[O_FLAGS] >= 0:
                o32[s32[O_FLAGS], i] = flags0


# ------------------------------------------------------------------------------------------- driver

#: set once a call has run in this process (the compiled code is loaded; small batches may use it too)
READY = False
_POOLS: dict[int, ThreadPoolExecutor] = {}
_POOL_LOCK = threading.Lock()
CHUNK = 1 << 16
SOLVE_CHUNK = 1 << 10


def _pool(threads: int) -> ThreadPoolExecutor:
    """A shared pool of ``threads`` workers (shared by concurrent callers, so the cores are not oversubscribed)."""
    with _POOL_LOCK:
        if threads not in _POOLS:
            _POOLS[threads] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="qiankua-costing")
        return _POOLS[threads]


# Output blocks of big batches are kept for reuse once no result refers to them any more (polars
# holds a reference to every numpy array it wraps without copying): a fresh 1M-row result is ~290 MB
# whose first touch (page faults + zeroing) costs about as much as writing it. Bounded: at most
# _KEEP blocks and _KEEP_BYTES in all, only for batches of at least _KEEP_MIN rows;
# release_buffers() drops them.
_BLOCKS: list[np.ndarray] = []
_KEEP = 6
_KEEP_BYTES = 1 << 30
_KEEP_MIN = 1 << 17


def _block(shape: tuple[int, int], dtype: type) -> np.ndarray:
    if shape[1] < _KEEP_MIN:
        return np.empty(shape, dtype=dtype)
    want = np.dtype(dtype)
    with _POOL_LOCK:
        for b in _BLOCKS:
            # 3 references = the list, the loop variable, getrefcount's argument: nobody else holds it
            if b.shape == shape and b.dtype == want and sys.getrefcount(b) == 3:
                return b
        fresh: np.ndarray = np.empty(shape, dtype=dtype)
        if fresh.nbytes <= _KEEP_BYTES:
            _BLOCKS.append(fresh)
            while len(_BLOCKS) > _KEEP or sum(b.nbytes for b in _BLOCKS) > _KEEP_BYTES:
                _BLOCKS.pop(0)
        return fresh


def release_buffers() -> None:
    """Forget the kept output blocks (results still using them are not affected)."""
    with _POOL_LOCK:
        _BLOCKS.clear()


def _ro(a: np.ndarray, dtype: type) -> np.ndarray:
    """A read-only C-contiguous view (one compiled signature whatever the source of the array)."""
    a = np.ascontiguousarray(a, dtype=dtype)
    if a.ndim == 0:
        a = a.reshape(1)
    v = a.view()
    v.flags.writeable = False
    return v


def run(
    n: int,
    ints: list[np.ndarray],
    floats: list[np.ndarray],
    tabs: dict[str, Any],
    fx: np.ndarray,
    stale: np.ndarray,
    epoch: np.ndarray,
    dims: np.ndarray,
    want: set[str],
    *,
    solve: bool = False,
    threads: int = 2,
    iters: int = 100,
) -> dict[str, np.ndarray]:
    """Quote ``n`` rows; returns the requested output columns (names from OUT_FLOAT / OUT_INT8 / OUT_INT32)."""
    ii = tuple(_ro(a, np.int32) for a in ints)
    ff = tuple(_ro(a, np.float64) for a in floats)
    assert len(ii) == N_IN_INT and len(ff) == N_IN_FLOAT
    blocks = {}
    slots = {}
    for names, dtype in ((OUT_FLOAT, np.float64), (OUT_INT8, np.int8), (OUT_INT32, np.int32)):
        slot = np.full(len(names), -1, dtype=np.int64)
        picked = [j for j, name in enumerate(names) if name in want]
        slot[picked] = np.arange(len(picked))
        blocks[dtype] = _block((max(len(picked), 1), n), dtype)
        slots[dtype] = slot
    args = (
        *ii,
        *ff,
        tabs["R"],
        tabs["V"],
        tabs["T"],
        tabs["X"],
        tabs["B"],
        tabs["K"],
        tabs["F"],
        tabs["G"],
        tabs["m_ccy"],
        _ro(fx, np.float64),
        _ro(stale, np.int8),
        _ro(epoch, np.int64),
        tabs["cat_grp"],
        tabs["cat_food"],
        _ro(dims, np.int64),
        slots[np.float64],
        slots[np.int8],
        slots[np.int32],
        blocks[np.float64],
        blocks[np.int8],
        blocks[np.int32],
        True if solve else None,
        iters,
    )
    step = SOLVE_CHUNK if solve else CHUNK
    bounds = [(lo, min(lo + step, n)) for lo in range(0, n, step)]
    if threads > 1 and len(bounds) > 1:
        list(_pool(threads).map(lambda b: _range(b[0], b[1], *args), bounds))
    else:
        for lo, hi in bounds:
            _range(lo, hi, *args)
    global READY
    READY = True
    out: dict[str, np.ndarray] = {}
    for names, dtype in ((OUT_FLOAT, np.float64), (OUT_INT8, np.int8), (OUT_INT32, np.int32)):
        for j, name in enumerate(names):
            if slots[dtype][j] >= 0:
                out[name] = blocks[dtype][slots[dtype][j]]
    return out
