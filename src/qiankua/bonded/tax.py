"""Composite tax of a 1210 order, vectorised (numpy), with the single-order convenience on top.

Within the limits duty is 0 and VAT and consumption tax are levied at 70% of the statutory amount on
the dutiable price (transaction price incl. freight and insurance): tax = price x [(CT + VAT) / (1 - CT)]
x 70%. A single indivisible item above the single limit with room in the annual limit pays full duty,
VAT and CT at goods rates (Cai Guan Shui [2018] No.49 art.2). Components are rounded to the fen, half up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = ["TaxParts", "composite_rate", "round_fen", "tax_parts"]


def round_fen(x: np.ndarray) -> np.ndarray:
    """Round CNY amounts to 0.01, half up (NaN stays NaN)."""
    out: np.ndarray = np.floor(np.asarray(x, dtype=np.float64) * 100.0 + 0.5 + 1e-7) / 100.0
    return out


def composite_rate(vat_rate: float, ct_rate: float, factor: float = 0.7) -> float:
    """[(CT + VAT) / (1 - CT)] x factor."""
    return (ct_rate + vat_rate) / (1.0 - ct_rate) * factor


@dataclass(frozen=True, slots=True)
class TaxParts:
    duty: np.ndarray
    vat: np.ndarray
    consumption_tax: np.ndarray

    @property
    def total(self) -> np.ndarray:
        out: np.ndarray = self.duty + self.vat + self.consumption_tax
        return out


def tax_parts(
    value: np.ndarray,
    vat_rate: np.ndarray,
    ct_rate: np.ndarray,
    duty_rate: np.ndarray,
    factor: np.ndarray,
) -> TaxParts:
    """Duty, VAT and CT of each line: ``duty = value x duty_rate``; CT on (value + duty) / (1 - CT rate);
    VAT on value + duty + CT; VAT and CT times ``factor`` (0.7 within the limits, 1 at goods rates).
    Unknown rates (NaN) give NaN amounts, never 0."""
    arrays = [np.asarray(a, dtype=np.float64) for a in (value, vat_rate, ct_rate, duty_rate, factor)]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    flat = [np.ascontiguousarray(np.broadcast_to(a, shape)).reshape(-1) for a in arrays]
    duty, vat, ct = _tax_kernel(*flat)
    return TaxParts(duty=duty.reshape(shape), vat=vat.reshape(shape), consumption_tax=ct.reshape(shape))


@njit(cache=True, nogil=True)
def _tax_kernel(  # type: ignore[no-untyped-def]
    value, vat_rate, ct_rate, duty_rate, factor
):
    """:func:`tax_parts` in one pass: the same operations in the same order as the numpy expression
    (``duty = v*d; base = v+duty; ct = base/(1-c)*c; vat = (base+ct)*r``; each times the factor and
    rounded half up to the fen as :func:`round_fen`), so the results are the same to the bit."""
    n = value.shape[0]
    duty = np.empty(n)
    vat = np.empty(n)
    ct = np.empty(n)
    for i in range(n):
        d = value[i] * duty_rate[i]
        base = value[i] + d
        c = base / (1.0 - ct_rate[i]) * ct_rate[i]
        v = (base + c) * vat_rate[i]
        f = factor[i]
        duty[i] = np.floor(d * 100.0 + 0.5 + 1e-7) / 100.0
        vat[i] = np.floor(v * f * 100.0 + 0.5 + 1e-7) / 100.0
        ct[i] = np.floor(c * f * 100.0 + 0.5 + 1e-7) / 100.0
    return duty, vat, ct
