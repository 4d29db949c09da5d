"""Warehouse fee cards: Amazon FBA fulfilment fee by size tier, billable weight, price band and date;
monthly storage; formal-entry fees (US MPF/HMF); a 3PL schedule. Tables in, numbers with flags out.

The tables are ``warehouse_fba_tiers``, ``warehouse_fba_fees`` and ``warehouse_fees`` (reference data,
or a user's own rows with the same columns) as polars frames of text, read by the service. A lookup
takes a date and returns the row in force; when no row is in force the newest earlier row is used
and the result carries a ``stale:<what>`` flag; when there is none at all the figure is ``None``
(a gap, never zero) and the flag ``missing:<what>`` says so.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import polars as pl

__all__ = ["FbaFee", "entry_fees", "fba_fee", "in_force", "storage_rate", "threepl_rates"]

IN_PER_CM = 1 / 2.54
LB_PER_KG = 2.2046226218
FT3_PER_M3 = 35.3146667
# US FBA price bands of the 2026 card (USD): low < 10, mid 10-50, high > 50
US_BANDS = ((10.0, "low"), (50.0, "mid"))


def _f(value: object) -> float | None:
    if value is None or value == "":
        return None
    return float(str(value))


def in_force(frame: pl.DataFrame, on: dt.date, what: str) -> tuple[pl.DataFrame, list[str]]:
    """Rows valid on ``on`` (``valid_from <= on < valid_to``; blank bounds are open); else the rows of
    the newest earlier ``valid_from`` with a ``stale:`` flag; else nothing with ``missing:``."""
    if frame.height == 0:
        return frame, [f"missing:{what}"]
    day = on.isoformat()
    vf = pl.col("valid_from").fill_null("")
    vt = pl.col("valid_to").fill_null("")
    now = frame.filter((vf <= day) & ((vt == "") | (vt > day)))
    if now.height:
        return now, []
    past = frame.filter(vf <= day)
    if past.height:
        newest = past["valid_from"].fill_null("").max()
        return past.filter(pl.col("valid_from").fill_null("") == newest), [f"stale:{what}"]
    return frame.clear(), [f"missing:{what}"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FbaFee:
    """An FBA fulfilment fee per unit with how it was found."""

    market: str
    size_tier: str | None
    billable_weight: float | None
    weight_unit: str
    band: str | None
    season: str | None
    base_fee: float | None
    surcharge_rate: float
    fee: float | None
    currency: str | None
    confidence: str
    flags: tuple[str, ...]


def _tier(tiers: pl.DataFrame, dims_cm: tuple[float, float, float], weight_kg: float) -> dict[str, str] | None:
    for row in tiers.sort(pl.col("rank").cast(pl.Int64)).iter_rows(named=True):
        scale = IN_PER_CM if row["dim_unit"] == "in" else 1.0
        w = weight_kg * (LB_PER_KG if row["weight_unit"] == "lb" else 1.0)
        long_, med, short = sorted((d * scale for d in dims_cm), reverse=True)
        girth = _f(row["max_length_girth"])
        if (
            long_ <= float(row["max_longest"])
            and med <= float(row["max_median"])
            and short <= float(row["max_shortest"])
            and w <= float(row["max_weight"])
            and (girth is None or long_ + 2 * (med + short) <= girth)
        ):
            return dict(row)
    return None


def fba_fee(
    cards: pl.DataFrame,
    tiers: pl.DataFrame,
    fees: pl.DataFrame,
    *,
    market: str,
    dims_cm: tuple[float, float, float],
    weight_kg: float,
    price: float | None,
    on: dt.date,
) -> FbaFee:
    """The fulfilment fee of one unit (``dims_cm`` of the unit's package, ``weight_kg`` its weight,
    ``price`` in the card's currency for the price band; unknown price -> the middle band, flagged)."""
    flags: list[str] = []
    mtiers = tiers.filter(pl.col("market") == market)
    tier = _tier(mtiers, dims_cm, weight_kg) if mtiers.height else None
    if tier is None:
        flag = "missing:fba_tier" if mtiers.height else "missing:fba_card"
        return FbaFee(market=market, size_tier=None, billable_weight=None, weight_unit="", band=None, season=None,
                      base_fee=None, surcharge_rate=0.0, fee=None, currency=None, confidence="unconfirmed",
                      flags=(flag,))  # fmt: skip
    scale = IN_PER_CM if tier["dim_unit"] == "in" else 1.0
    wunit = tier["weight_unit"]
    w = weight_kg * (LB_PER_KG if wunit == "lb" else 1.0)
    side_min = _f(tier["dim_min_side"]) or 0.0
    long_, med, short = sorted((d * scale for d in dims_cm), reverse=True)
    dim = long_ * max(med, side_min) * max(short, side_min) / float(tier["dim_divisor"])
    billable = max(w, dim) if tier["billable"] == "max_unit_dim" else w
    rows = cards.filter((pl.col("market") == market) & (pl.col("size_tier") == tier["size_tier"]))
    rows, f = in_force(rows.filter(pl.col("season") == "peak"), on, "fba_peak_card")
    season = "peak"
    if f or not rows.height:  # the peak card applies only while in force
        rows, f = in_force(
            cards.filter(
                (pl.col("market") == market)
                & (pl.col("size_tier") == tier["size_tier"])
                & (pl.col("season") == "nonpeak")
            ),
            on,
            "fba_card",
        )
        season = "nonpeak"
        flags += f
    bands = set(rows["band"].to_list()) if rows.height else set()
    band = "any"
    if bands != {"any"}:
        if price is None or not math.isfinite(price):
            band, flags = "mid", [*flags, "assumed:price_band"]
        else:
            band = next((name for edge, name in US_BANDS if price < edge or (name == "mid" and price <= edge)), "high")
    rows = rows.filter(pl.col("band") == band)
    base = None
    unit_w = billable * (16 if wunit == "lb" else 1000)  # oz or g, as the cards' weight rows
    for row in rows.sort(pl.col("max_weight").cast(pl.Float64)).iter_rows(named=True):
        limit = float(row["max_weight"]) if row["max_weight"] else math.inf
        if row["per_step"]:
            if billable <= limit + 1e-9:
                over = max(0.0, billable - float(row["above"]))
                steps = math.ceil(over / float(row["step"]) - 1e-9)
                base = float(row["fee"]) + steps * float(row["per_step"])
                break
        elif row["weight_unit"] in ("oz", "g") and unit_w <= limit + 1e-9:
            base = float(row["fee"])
            break
    if base is None:
        flags.append("missing:fba_weight_row")
    currency = rows["currency"][0] if rows.height else None
    conf = "likely"
    if rows.height and "unconfirmed" in rows["confidence"].to_list():
        conf = "unconfirmed"
    sur = 0.0
    srows, sflags = in_force(
        fees.filter((pl.col("market") == market) & (pl.col("kind") == "fuel_surcharge")), on, "fuel_surcharge"
    )
    if srows.height and not sflags:
        sur = float(srows["rate"][0])
    fee = None if base is None else round(base * (1 + sur), 2)
    return FbaFee(
        market=market,
        size_tier=tier["size_tier"],
        billable_weight=billable,
        weight_unit=wunit,
        band=band,
        season=season,
        base_fee=base,
        surcharge_rate=sur,
        fee=fee,
        currency=currency,
        confidence=conf,
        flags=tuple(flags),
    )


def storage_rate(
    fees: pl.DataFrame, *, market: str, warehouse: str, on: dt.date, size_class: str = "standard"
) -> tuple[float | None, str | None, list[str]]:
    """Monthly storage per m3 in force on ``on`` (the calendar month picks off-peak or Q4 rates;
    a per-day 3PL rate is its first age band x 30.4 days, flagged)."""
    rows = fees.filter(
        (pl.col("market") == market) & (pl.col("warehouse") == warehouse) & (pl.col("kind") == "storage")
    )
    rows, flags = in_force(rows, on, f"{warehouse}_storage")
    if not rows.height:
        return None, None, flags
    if warehouse == "fba":
        m = on.month
        rows = rows.filter(
            (pl.col("size_class") == size_class)
            & (pl.col("month_from").cast(pl.Int64) <= m)
            & (pl.col("month_to").cast(pl.Int64) >= m)
        )
        if not rows.height:
            return None, None, [*flags, f"missing:{warehouse}_storage"]
        return float(rows["amount"][0]) * FT3_PER_M3, rows["currency"][0], flags
    first = rows.sort(pl.col("age_from_days").cast(pl.Int64)).row(0, named=True)
    flags.append(f"estimate:{warehouse}_storage_first_band_for_all_ages")
    return float(first["amount"]) * 365.0 / 12, first["currency"], flags


def entry_fees(fees: pl.DataFrame, *, market: str, mode: str, on: dt.date) -> tuple[list[dict[str, Any]], list[str]]:
    """Per-entry fees of a formal import entry in force on ``on`` for a main-leg ``mode`` (sea, air, rail)."""
    rows = fees.filter((pl.col("market") == market) & (pl.col("kind") == "entry_fee"))
    out: list[dict[str, Any]] = []
    flags: list[str] = []
    for fee_id in rows["fee_id"].to_list():
        one, f = in_force(rows.filter(pl.col("fee_id") == fee_id), on, fee_id)
        flags += f
        if not one.height:
            continue
        r = one.row(0, named=True)
        if r["modes"] and mode not in str(r["modes"]).split(";"):
            continue
        out.append(
            {
                "name": fee_id,
                "rate": _f(r["rate"]) or 0.0,
                "minimum": _f(r["minimum"]),
                "maximum": _f(r["maximum"]),
                "currency": r["currency"],
                "confidence": r["confidence"],
            }
        )
    return out, flags


def threepl_rates(fees: pl.DataFrame, *, market: str, weight_kg: float, on: dt.date) -> dict[str, object]:
    """Receiving per carton, pick-pack per unit (by weight) and last mile of the built-in 3PL schedule."""
    rows = fees.filter((pl.col("market") == market) & (pl.col("warehouse") == "3pl"))
    flags: list[str] = []
    recv = rows.filter(pl.col("kind") == "receiving")
    pick = rows.filter(pl.col("kind") == "pick_pack")
    lb = weight_kg * LB_PER_KG
    pick_fee = None
    for r in pick.sort(pl.col("weight_to_lb").cast(pl.Float64)).iter_rows(named=True):
        if lb <= float(r["weight_to_lb"]):
            pick_fee = float(r["amount"])
            break
    if pick_fee is None:
        flags.append("missing:3pl_pick_pack")
    last = rows.filter(pl.col("kind") == "last_mile")
    if not last.height:
        flags.append("missing:3pl_last_mile")
    return {
        "receiving_per_carton": float(recv["amount"][0]) if recv.height else None,
        "pick_pack": pick_fee,
        "last_mile": float(last["amount"][0]) if last.height else None,
        "currency": rows["currency"][0] if rows.height else None,
        "flags": flags,
        "on": on,
    }
