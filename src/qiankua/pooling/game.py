"""The pooled bill as a cooperative cost game: Shapley value, alternatives, core check, cents.

Coalitions are bit masks over players ``0..n-1``. ``cost(mask)`` is the cost of serving the
coalition alone (``cost(0) == 0``). Exact Shapley enumerates all ``2**n`` coalitions (use up
to about 12 players); beyond that :func:`shapley_monte_carlo` samples permutations
(Castro, Gomez and Tejada 2009) and reports a normal-approximation confidence interval.
The core check solves the least-core LP with HiGHS (``highspy``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from functools import cache
from typing import Any

import numpy as np

from qiankua.exceptions import InvalidInputError

__all__ = [
    "CachedGame",
    "CoreReport",
    "core_check",
    "proportional",
    "round_to_cents",
    "shapley_exact",
    "shapley_monte_carlo",
]

CostFn = Callable[[int], float]


class CachedGame:
    """Wraps a coalition cost function with a cache; counts the distinct evaluations."""

    def __init__(self, n: int, cost: CostFn, fixed: dict[int, float] | None = None) -> None:
        self.n = n
        self._cost = cost
        self.cache: dict[int, float] = {0: 0.0}
        if fixed:
            self.cache.update(fixed)

    def __call__(self, mask: int) -> float:
        value = self.cache.get(mask)
        if value is None:
            value = float(self._cost(mask))
            self.cache[mask] = value
        return value

    @property
    def grand(self) -> int:
        return (1 << self.n) - 1


def _popcount(masks: np.ndarray) -> np.ndarray:
    counts = np.zeros(masks.shape, dtype=np.int64)
    m = masks.copy()
    while m.any():
        counts += m & 1
        m >>= 1
    return counts


def shapley_exact(n: int, cost: CostFn, *, max_players: int = 16) -> list[float]:
    """Exact Shapley value by enumerating every coalition (``2**n`` cost evaluations)."""
    if n < 1:
        return []
    if n > max_players:
        raise InvalidInputError(f"exact Shapley enumerates 2**n coalitions; n={n} exceeds {max_players}")
    masks = np.arange(1 << n, dtype=np.int64)
    values = np.array([cost(int(m)) for m in masks], dtype=float)
    sizes = _popcount(masks)
    fact = [math.factorial(k) for k in range(n + 1)]
    weight_by_size = np.array([fact[s] * fact[n - s - 1] / fact[n] if s < n else 0.0 for s in range(n + 1)])
    phi = []
    for i in range(n):
        bit = 1 << i
        without = masks[(masks & bit) == 0]
        w = weight_by_size[sizes[without]]
        phi.append(float(np.sum(w * (values[without | bit] - values[without]))))
    return phi


def shapley_monte_carlo(
    n: int,
    cost: CostFn,
    *,
    permutations: int = 200,
    seed: int = 0,
    z: float = 1.96,
) -> tuple[list[float], list[float]]:
    """Permutation-sampling estimate and the half-width of its ``z`` confidence interval.

    Every sampled permutation's marginal costs add up to ``cost(grand)``, so the estimate
    is efficient exactly (up to float rounding).
    """
    if n < 1:
        return [], []
    rng = np.random.default_rng(seed)
    sums = np.zeros(n)
    sq = np.zeros(n)
    for _ in range(permutations):
        order = rng.permutation(n)
        mask, before = 0, 0.0
        for i in order:
            mask |= 1 << int(i)
            after = cost(mask)
            d = after - before
            sums[i] += d
            sq[i] += d * d
            before = after
    mean = sums / permutations
    var = np.maximum(sq / permutations - mean**2, 0.0) * permutations / max(permutations - 1, 1)
    half = z * np.sqrt(var / permutations)
    return mean.tolist(), half.tolist()


def proportional(weights: Sequence[float], total: float) -> list[float]:
    """Split ``total`` in proportion to ``weights`` (equal split when all weights are zero)."""
    s = float(sum(weights))
    if s <= 0:
        return [total / len(weights)] * len(weights) if weights else []
    return [total * w / s for w in weights]


def round_to_cents(values: Sequence[float], total: float | Decimal) -> list[Decimal]:
    """Round to cents so the parts sum to ``total`` (rounded to cents) exactly: largest remainder.

    Each part is floored to the cent; the cents still missing go to the parts with the largest
    remainders (ties to the lower index).
    """
    if not values:
        return []
    cent = Decimal("0.01")
    target = Decimal(str(total)).quantize(cent)
    raw = [Decimal(repr(float(v))) for v in values]
    shift = target - sum(raw)
    raw = [r + shift / len(raw) for r in raw]  # spread float drift so the remainders stay meaningful
    floors = [r.quantize(cent, rounding=ROUND_FLOOR) for r in raw]
    missing = int(((target - sum(floors)) / cent).to_integral_value())
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    out = list(floors)
    if missing >= 0:
        for k in range(missing):
            out[order[k % len(out)]] += cent
    else:
        for k in range(-missing):
            out[order[::-1][k % len(out)]] -= cent
    return out


@dataclass(frozen=True, kw_only=True)
class CoreReport:
    """Whether an allocation is in the core of the cost game (over the coalitions checked)."""

    in_core: bool
    exhaustive: bool
    coalitions_checked: int
    worst_coalition: tuple[int, ...]
    worst_excess: float  # allocation(S) - cost(S) for the worst S; > 0 means S objects
    least_core_epsilon: float | None  # <= 0 means the core (over the coalitions checked) is not empty
    tolerance: float
    least_core_allocation: tuple[float, ...] = ()  # a split in the least core (in the core when epsilon <= 0)

    def to_dict(self, names: Sequence[str] | None = None) -> dict[str, object]:
        who = [names[i] for i in self.worst_coalition] if names else list(self.worst_coalition)
        return {
            "in_core": self.in_core,
            "exhaustive": self.exhaustive,
            "coalitions_checked": self.coalitions_checked,
            "objecting_coalition": who if not self.in_core else [],
            "objection_cny": round(max(self.worst_excess, 0.0), 2),
            "worst_coalition": who,
            "worst_excess_cny": round(self.worst_excess, 2),
            "least_core_epsilon_cny": None if self.least_core_epsilon is None else round(self.least_core_epsilon, 2),
            "core_empty": None if self.least_core_epsilon is None else self.least_core_epsilon > self.tolerance,
            "least_core_allocation_cny": [round(v, 2) for v in self.least_core_allocation],
        }


def _members(mask: int, n: int) -> tuple[int, ...]:
    return tuple(i for i in range(n) if mask >> i & 1)


def core_check(
    allocation: Sequence[float],
    costs: dict[int, float],
    n: int,
    *,
    tolerance: float = 0.005,
    solve_lp: bool = True,
) -> CoreReport:
    """Check ``allocation`` against every coalition in ``costs`` (mask -> cost).

    The split is in the core when no coalition S pays more than it would alone:
    ``sum(x_i, i in S) <= cost(S)`` for every S in ``costs`` (within ``tolerance`` CNY).
    ``exhaustive`` is true when ``costs`` holds every non-empty coalition. The least-core LP
    ``min e  s.t.  x(S) - e <= c(S), x(N) = c(N)`` tells whether *any* core split exists.
    """
    grand = (1 << n) - 1
    if grand not in costs:
        raise InvalidInputError("core_check needs the grand coalition's cost")
    x = np.asarray(allocation, dtype=float)
    masks = [m for m in costs if m not in (0, grand)]
    worst_mask, worst = grand, float(x.sum() - costs[grand])
    for m in masks:
        excess = float(sum(x[i] for i in _members(m, n)) - costs[m])
        if excess > worst + 1e-12 or worst_mask == grand:
            worst_mask, worst = m, excess
    eps: float | None = None
    lc: tuple[float, ...] = ()
    if solve_lp and n >= 1:
        eps, lc = least_core(costs, n)
    return CoreReport(
        in_core=worst <= tolerance,
        exhaustive=len(masks) + 1 >= (1 << n) - 1,
        coalitions_checked=len(masks) + 1,
        worst_coalition=_members(worst_mask, n),
        worst_excess=worst,
        least_core_epsilon=eps,
        tolerance=tolerance,
        least_core_allocation=lc,
    )


def least_core_epsilon(costs: dict[int, float], n: int) -> float:
    """Optimal value of the least-core LP over the coalitions in ``costs`` (HiGHS via highspy)."""
    return least_core(costs, n)[0]


def least_core(costs: dict[int, float], n: int) -> tuple[float, tuple[float, ...]]:
    """``(epsilon, allocation)`` solving ``min e s.t. x(S) - e <= c(S), x(N) = c(N)`` with HiGHS (highspy)."""
    import highspy

    grand = (1 << n) - 1
    masks = [m for m in costs if m not in (0, grand)]
    if not masks:
        return 0.0, tuple(costs[grand] / n for _ in range(n))
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_ = n + 1
    lp.num_row_ = len(masks) + 1
    lp.col_cost_ = np.array([0.0] * n + [1.0])
    lp.col_lower_ = np.full(n + 1, -inf)
    lp.col_upper_ = np.full(n + 1, inf)
    lower: list[float] = []
    upper: list[float] = []
    starts: list[int] = []
    index: list[int] = []
    value: list[float] = []
    for m in masks:
        starts.append(len(index))
        members = _members(m, n)
        index.extend([*members, n])
        value.extend([1.0] * len(members) + [-1.0])
        lower.append(-inf)
        upper.append(costs[m])
    starts.append(len(index))
    index.extend(range(n))
    value.extend([1.0] * n)
    lower.append(costs[grand])
    upper.append(costs[grand])
    starts.append(len(index))
    lp.row_lower_ = np.array(lower)
    lp.row_upper_ = np.array(upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value)
    h = _quiet_highs(highspy)
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise InvalidInputError(f"least-core LP failed: {h.modelStatusToString(h.getModelStatus())}")
    x = list(h.getSolution().col_value)
    return float(x[-1]), tuple(float(v) for v in x[:n])


def _quiet_highs(highspy: Any) -> Any:
    """A Highs object with its console output off (``output_flag`` false) from the start.

    ``highspy.Highs()`` registers its callback in ``__init__`` through ``enableCallbacks``, and
    HiGHS writes its banner on fd 1 at that point unless ``output_flag`` is already false, so the
    subclass turns the option off first. ``--json`` must print exactly one document, and an
    engine does not touch process state (file descriptors, ``sys.stdout``).
    """
    h = _quiet_highs_class(highspy)()
    h.setOptionValue("output_flag", False)  # also if a later highspy stops calling enableCallbacks in __init__
    return h


@cache
def _quiet_highs_class(highspy: Any) -> Any:
    """``highspy.Highs`` whose ``enableCallbacks`` (called by its ``__init__``) first sets ``output_flag``."""

    class QuietHighs(highspy.Highs):  # type: ignore[misc]
        def enableCallbacks(self) -> None:  # overrides highspy's camelCase method
            self.setOptionValue("output_flag", False)
            super().enableCallbacks()

    return QuietHighs


def brute_force_in_core(allocation: Sequence[float], cost: CostFn, n: int, tolerance: float = 0.005) -> bool:
    """Reference check used by tests: every coalition, no LP."""
    return all(sum(allocation[i] for i in _members(m, n)) <= cost(m) + tolerance for m in range(1, 1 << n))


def coalition_masks(groups: Iterable[Iterable[int]]) -> list[int]:
    return [sum(1 << i for i in g) for g in groups]
