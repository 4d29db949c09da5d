"""LCL / FCL / air decision for a destination group, from a table of line-haul options.

Options come in CNY, all-in from the depot hub (the service adds pre-carriage and converts
currencies). FCL needs the number of containers: at full fidelity from the loader
(:func:`qiankua.pooling.loading.pack`), at fast fidelity from volume and weight with the fill
rate the loader achieved on the whole pool. FCL may be mixed with LCL for the last, part-full
container.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from qiankua.domain import worst_confidence
from qiankua.pooling.loading import BoxType, LoadingResult, pack
from qiankua.pooling.records import LineHaulOption, LoadUnit

__all__ = ["Decision", "air_cost", "decide", "fast_cost", "lcl_cost"]


@dataclass(frozen=True, kw_only=True)
class Decision:
    market: str
    group: str  # "sea" or "air"
    mode: str  # e.g. "LCL", "FCL 40HC x2", "FCL 40GP x1 + LCL", "air"
    cost_cny: float
    containers: int = 0
    load_unit: str | None = None
    lower_bound: int = 0
    loading: LoadingResult | None = None
    confidence: str = "unconfirmed"
    source_ids: tuple[str, ...] = ()
    alternatives: dict[str, float] = field(default_factory=dict)
    kg: float = 0.0
    m3: float = 0.0
    feasible: bool = True


def lcl_cost(opt: LineHaulOption, kg: float, m3: float) -> float:
    return opt.per_wm * max(kg / 1000.0, m3, opt.min_wm)


def air_cost(opt: LineHaulOption, kg: float, m3: float) -> float:
    return opt.per_kg * max(kg, m3 * 1e6 / opt.divisor)


def decide(
    market: str,
    group: str,
    boxes: Sequence[BoxType],
    options: Sequence[LineHaulOption],
    units: dict[str, LoadUnit],
    *,
    fidelity: str = "full",
    fill: dict[str, float] | None = None,
    support_fraction: float = 1.0,
    loads_cache: dict[tuple[object, ...], LoadingResult] | None = None,
    show_loading: bool = False,
) -> Decision:
    """Cheapest way to ship ``boxes`` (one destination group) among ``options`` for ``market``.

    ``group == "air"`` restricts the choice to air options when there are any. FCL loading is
    skipped when its volume/weight lower bound already costs more than the best option so far.
    ``show_loading`` also loads LCL cargo onto pallets and air cargo onto ULDs (for drawing).
    """
    kg = sum(b.kg * b.count for b in boxes)
    m3 = sum(b.volume * b.count for b in boxes) / 1e6
    mine = [o for o in options if o.market == market]
    if group == "air" and any(o.mode == "air" for o in mine):
        mine = [o for o in mine if o.mode == "air"]
    lcl = min((o for o in mine if o.mode == "LCL"), key=lambda o: o.per_wm, default=None)
    best: Decision | None = None
    alternatives: dict[str, float] = {}

    def consider(d: Decision) -> None:
        nonlocal best
        alternatives[d.mode] = round(d.cost_cny, 2)
        if best is None or d.cost_cny < best.cost_cny - 1e-9:
            best = d

    for o in sorted(mine, key=lambda o: o.mode == "FCL"):  # LCL and air first: they bound FCL
        conf = o.confidence
        if o.mode == "LCL":
            consider(
                Decision(
                    market=market,
                    group=group,
                    mode="LCL",
                    cost_cny=lcl_cost(o, kg, m3),
                    confidence=conf,
                    source_ids=(o.source_id,),
                    kg=kg,
                    m3=m3,
                )
            )
        elif o.mode == "air":
            consider(
                Decision(
                    market=market,
                    group=group,
                    mode="air",
                    cost_cny=air_cost(o, kg, m3),
                    confidence=conf,
                    source_ids=(o.source_id,),
                    kg=kg,
                    m3=m3,
                )
            )
        elif o.mode == "FCL" and o.load_unit in units:
            unit = units[o.load_unit]
            loading: LoadingResult | None = None
            bound = max(math.ceil(m3 / unit.m3 - 1e-9), math.ceil(kg / unit.max_kg - 1e-9), 1)
            floor_cost = o.per_container if bound == 1 else (bound - 1) * o.per_container
            if best is not None and floor_cost >= best.cost_cny:
                alternatives[f"FCL {o.load_unit}"] = round(bound * o.per_container, 2)  # at least
                continue
            if fidelity == "full":
                key = (o.load_unit, support_fraction, tuple(sorted((b.key, b.count) for b in boxes)))
                loading = loads_cache.get(key) if loads_cache is not None else None
                if loading is None:
                    loading = pack(boxes, unit, support_fraction=support_fraction)
                    if loads_cache is not None:
                        loads_cache[key] = loading
                if loading.unplaced:
                    continue  # a carton that does not fit this unit: FCL in it is not an option
                n = loading.units_used
                lb = loading.lower_bound
                last = loading.unit_contents(n - 1) if n else {}
                by_key = {b.key: b for b in boxes}
                last_kg = sum(by_key[k].kg * c for k, c in last.items())
                last_m3 = sum(by_key[k].volume * c for k, c in last.items()) / 1e6
            else:
                f = (fill or {}).get(o.load_unit, 1.0)
                cap_m3 = unit.m3 * f
                n = max(math.ceil(m3 / cap_m3 - 1e-9), math.ceil(kg / unit.max_kg - 1e-9), 1 if m3 > 0 else 0)
                lb = max(math.ceil(m3 / unit.m3 - 1e-9), math.ceil(kg / unit.max_kg - 1e-9))
                last_m3 = max(m3 - (n - 1) * cap_m3, 0.0)
                last_kg = kg * (last_m3 / m3) if m3 > 0 else 0.0
            if n == 0:
                continue
            consider(
                Decision(
                    market=market,
                    group=group,
                    mode=f"FCL {o.load_unit} x{n}",
                    cost_cny=n * o.per_container,
                    containers=n,
                    load_unit=o.load_unit,
                    lower_bound=lb,
                    loading=loading,
                    confidence=conf,
                    source_ids=(o.source_id,),
                    kg=kg,
                    m3=m3,
                )
            )
            if lcl is not None and n >= 1:
                mixed = (n - 1) * o.per_container + lcl_cost(lcl, last_kg, last_m3)
                consider(
                    Decision(
                        market=market,
                        group=group,
                        mode=f"FCL {o.load_unit} x{n - 1} + LCL" if n > 1 else "LCL",
                        cost_cny=mixed,
                        containers=n - 1,
                        load_unit=o.load_unit if n > 1 else None,
                        lower_bound=lb,
                        loading=loading if n > 1 else None,
                        confidence=worst_confidence(conf, lcl.confidence).value,
                        source_ids=(o.source_id, lcl.source_id),
                        kg=kg,
                        m3=m3,
                    )
                )
    if best is None:
        return Decision(market=market, group=group, mode="none", cost_cny=math.inf, feasible=False, kg=kg, m3=m3)
    chosen: Decision = best
    if show_loading and chosen.loading is None:
        # LCL cargo is palletised at the CFS and air cargo built up on ULDs: show how it loads (cost unchanged)
        kind = "uld" if chosen.mode == "air" else "pallet"
        shown = next((u for u in units.values() if u.kind == kind), None)
        if shown is not None:
            loading = pack(boxes, shown, support_fraction=support_fraction)
            return replace(
                chosen,
                alternatives=alternatives,
                loading=loading,
                load_unit=shown.unit_id,
                lower_bound=loading.lower_bound,
            )
    return replace(chosen, alternatives=alternatives)


def fast_cost(
    group: str,
    kg: float,
    m3: float,
    options: Sequence[LineHaulOption],
    units: dict[str, LoadUnit],
    fill: dict[str, float],
) -> float:
    """The fast-fidelity cost of :func:`decide` (same choices, containers from volume x fill), as a number.

    ``options`` are the market's options. Used for coalition costs, where it runs thousands of times.
    """
    if kg <= 0 and m3 <= 0:
        return 0.0
    mine = list(options)
    if group == "air" and any(o.mode == "air" for o in mine):
        mine = [o for o in mine if o.mode == "air"]
    lcl = min((o for o in mine if o.mode == "LCL"), key=lambda o: o.per_wm, default=None)
    best = math.inf
    for o in mine:
        if o.mode == "LCL":
            best = min(best, lcl_cost(o, kg, m3))
        elif o.mode == "air":
            best = min(best, air_cost(o, kg, m3))
        elif o.load_unit in units:
            unit = units[o.load_unit]
            cap = unit.m3 * fill.get(o.load_unit, 1.0)
            n = max(math.ceil(m3 / cap - 1e-9), math.ceil(kg / unit.max_kg - 1e-9), 1)
            best = min(best, n * o.per_container)
            if lcl is not None:
                last_m3 = max(m3 - (n - 1) * cap, 0.0)
                last_kg = kg * (last_m3 / m3) if m3 > 0 else 0.0
                best = min(best, (n - 1) * o.per_container + lcl_cost(lcl, last_kg, last_m3))
    return best
