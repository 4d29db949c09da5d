"""The annual quota, decided order by order per buyer and calendar year (a numba kernel over arrays).

Amounts are integer fen, so "exactly at the limit" is exact. An order within the single limit is taken
when the buyer's running total plus it stays within the annual limit; an order above the single limit is
taken (at full goods-rate tax) only when it holds one item and the annual total stays within the limit;
anything else goes to general trade and uses no quota. Orders that failed an earlier check use none.

Per-person quantity caps of the positive list (a cap per buyer, year and eight-digit line) are checked
in the same pass: an order that would be taken but would carry a buyer past a cap is rejected
(``over_quantity_cap``) and uses neither quota nor quantity, so the caps and the annual limit are exact
together. Orders are given in the order they are decided (time order); groups need not be contiguous.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["ANNUAL", "CAP", "CHECK", "FULL", "REASONS", "SINGLE", "WITHIN", "allocate"]

WITHIN, FULL, SINGLE, ANNUAL, CHECK, CAP = 0, 1, 2, 3, 4, 5
REASONS = (
    "within_limits",
    "single_item_full_tax",
    "over_single_limit",
    "over_annual_limit",
    "failed_checks",
    "over_quantity_cap",
)


@njit(cache=True, nogil=True)
def _allocate(  # type: ignore[no-untyped-def]
    group, value, items, eligible, single, annual, full_ok, prior, cap_ptr, cap_key, cap_qty, cap_limit, cap_prior
):
    n = value.shape[0]
    reason = np.empty(n, dtype=np.int8)
    counted = np.zeros(n, dtype=np.int64)
    used = prior.copy()
    cap_used = cap_prior.copy()
    for i in range(n):
        g = group[i]
        if not eligible[i]:
            reason[i] = CHECK
            continue
        v = value[i]
        if v > single[i] and not (items[i] == 1 and full_ok[i]):
            reason[i] = SINGLE
            continue
        if used[g] + v > annual[i]:
            reason[i] = ANNUAL
            continue
        fits = True
        for j in range(cap_ptr[i], cap_ptr[i + 1]):
            if cap_used[cap_key[j]] + cap_qty[j] > cap_limit[j] + 1e-9:
                fits = False
        if not fits:
            reason[i] = CAP
            continue
        for j in range(cap_ptr[i], cap_ptr[i + 1]):
            cap_used[cap_key[j]] += cap_qty[j]
        reason[i] = FULL if v > single[i] else WITHIN
        used[g] += v
        counted[i] = v
    return reason, counted, used, cap_used


def allocate(
    group: np.ndarray,
    value_fen: np.ndarray,
    items: np.ndarray,
    eligible: np.ndarray,
    single_fen: np.ndarray,
    annual_fen: np.ndarray,
    full_ok: np.ndarray,
    prior_fen: np.ndarray,
    caps: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decide orders given in decision order (``group``: 0..G-1, one per buyer and year;
    ``prior_fen[g]``: quota already used). ``caps``: ``(ptr, key, qty, limit, prior)`` — the capped
    lines of order ``i`` are ``ptr[i]:ptr[i+1]`` with their cap key (0..K-1, per buyer, year and line),
    quantity and cap; ``prior[k]`` is the quantity already bought. Returns (reason code, fen counted,
    used per group after); :func:`allocate_caps` also returns the quantities used per cap key."""
    reason, counted, used, _cap_used = allocate_caps(
        group, value_fen, items, eligible, single_fen, annual_fen, full_ok, prior_fen, caps
    )
    return reason, counted, used


def allocate_caps(
    group: np.ndarray,
    value_fen: np.ndarray,
    items: np.ndarray,
    eligible: np.ndarray,
    single_fen: np.ndarray,
    annual_fen: np.ndarray,
    full_ok: np.ndarray,
    prior_fen: np.ndarray,
    caps: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`allocate` that also returns the quantity used per cap key after the batch."""
    n = len(value_fen)
    if caps is None:
        caps = (
            np.zeros(n + 1, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.float64),
            np.zeros(0, dtype=np.float64),
            np.zeros(0, dtype=np.float64),
        )
    ptr, key, qty, limit, cap_prior = caps
    reason, counted, used, cap_used = _allocate(
        np.ascontiguousarray(group, dtype=np.int64),
        np.ascontiguousarray(value_fen, dtype=np.int64),
        np.ascontiguousarray(items, dtype=np.int64),
        np.ascontiguousarray(eligible, dtype=np.bool_),
        np.ascontiguousarray(single_fen, dtype=np.int64),
        np.ascontiguousarray(annual_fen, dtype=np.int64),
        np.ascontiguousarray(full_ok, dtype=np.bool_),
        np.ascontiguousarray(prior_fen, dtype=np.int64),
        np.ascontiguousarray(ptr, dtype=np.int64),
        np.ascontiguousarray(key, dtype=np.int64),
        np.ascontiguousarray(qty, dtype=np.float64),
        np.ascontiguousarray(limit, dtype=np.float64),
        np.ascontiguousarray(cap_prior, dtype=np.float64),
    )
    return reason, counted, used, cap_used
