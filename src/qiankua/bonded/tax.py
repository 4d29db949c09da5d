"""Composite tax of a 1210 order, vectorised (numpy), with the single-order convenience on top.

Within the limits duty is 0 and VAT and consumption tax are levied at 70% of the statutory amount on
the dutiable price (transaction price incl. freight and insurance): tax = price x [(CT + VAT) / (1 - CT)]
x 70%. A single indivisible item above the single limit with room in the annual limit pays full duty,
VAT and CT at goods rates (Cai Guan Shui [2018] No.49 art.2). Components are rounded to the fen, half up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
    value = np.asarray(value, dtype=np.float64)
    duty = value * np.asarray(duty_rate, dtype=np.float64)
    base = value + duty
    ct = np.asarray(ct_rate, dtype=np.float64)
    ct_full = base / (1.0 - ct) * ct
    vat_full = (base + ct_full) * np.asarray(vat_rate, dtype=np.float64)
    f = np.asarray(factor, dtype=np.float64)
    return TaxParts(duty=round_fen(duty), vat=round_fen(vat_full * f), consumption_tax=round_fen(ct_full * f))
