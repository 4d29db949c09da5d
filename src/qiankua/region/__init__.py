"""Regional evaluation: indicator panels, entropy weights and TOPSIS, coupling coordination, obstacle degrees.

Measures the study's "big-data-strong, CBEC-weak" paradox for provinces and counties: a digital-foundations
subsystem and a CBEC/trade subsystem, their coupling coordination degree and band, what holds a unit back.
Pure engine: Polars tables and numpy arrays in and out (:mod:`qiankua.region.methods`,
:mod:`qiankua.region.evaluate`).
"""

from qiankua.region.evaluate import Band, Evaluation, Indicator, Options, band_of, evaluate
from qiankua.region.methods import coordination, coupling_corrected, coupling_traditional

__all__ = [
    "Band",
    "Evaluation",
    "Indicator",
    "Options",
    "band_of",
    "coordination",
    "coupling_corrected",
    "coupling_traditional",
    "evaluate",
]
