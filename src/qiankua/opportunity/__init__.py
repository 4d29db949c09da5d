"""Product x market opportunities: export potential in USD (the headline, ITC EPI), the multi-criteria second
view, market-entry requirements (method: docs/methods/opportunity.en.md).

Pure modules (no ibis, no database): :mod:`.potential` (the headline table), :mod:`.mcda` (entropy and
CRITIC weights, the weight cap, percent rank, TOPSIS, Dirichlet stability, coupling degree, RCA),
:mod:`.requirements`, :mod:`.defaults`, :mod:`.scoring`, :mod:`.retail` (typical retail prices for the
margin criterion). :mod:`.indicators` (trade indicators) and
:mod:`.ranking` (the same capped-weight TOPSIS ranking over a whole pair table) hold Ibis expressions
(DuckDB or PySpark backend); they are not imported here.
"""

from qiankua.opportunity.mcda import coupling_coordination, entropy_weights, rca, topk_stability, topsis
from qiankua.opportunity.scoring import CRITERIA, Ranking, explain, parse_weights, rank_pairs

__all__ = [
    "CRITERIA",
    "Ranking",
    "coupling_coordination",
    "entropy_weights",
    "explain",
    "parse_weights",
    "rank_pairs",
    "rca",
    "topk_stability",
    "topsis",
]
