"""Typed records shared by every qiankua module.

Values are frozen dataclasses (``slots=True, kw_only=True``), validated on
construction and changed with :func:`dataclasses.replace`. pydantic lives only
at the edges (imported rows, the REST API).

Money carries its currency: adding or comparing amounts in two currencies raises
:class:`~qiankua.exceptions.CurrencyMismatchError`; converting is an explicit step
with a dated rate (:meth:`Money.convert`). Amounts are ``Decimal`` and are rounded
per currency (CNY 2 places, JPY 0, KWD 3 …, from CLDR through babel) with
:meth:`Money.rounded`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cache
from typing import Self

from qiankua.exceptions import CurrencyMismatchError, InvalidInputError
from qiankua.vocabulary import CONFIDENCE_LEVELS, FREIGHT_MODES

__all__ = [
    "CONFIDENCE_LEVELS",
    "Carton",
    "Confidence",
    "Division",
    "Hub",
    "Market",
    "Money",
    "Product",
    "Service",
    "Shipment",
    "currency_digits",
    "is_known_currency",
    "worst_confidence",
]


class Confidence(StrEnum):
    """How sure we are of a figure: ``confirmed`` (primary source or several agree),
    ``likely`` (one credible secondary source), ``unconfirmed`` (estimate or unclear)."""

    CONFIRMED = "confirmed"
    LIKELY = "likely"
    UNCONFIRMED = "unconfirmed"


if tuple(c.value for c in Confidence) != CONFIDENCE_LEVELS:  # pragma: no cover - a vocabulary edit missed here
    raise ImportError("domain.Confidence and vocabulary.CONFIDENCE_LEVELS disagree")
_CONFIDENCE_ORDER = {c: i for i, c in enumerate(Confidence)}


def worst_confidence(*levels: Confidence | str) -> Confidence:
    """The least sure of several confidence flags (a result is as sure as its weakest input)."""
    if not levels:
        raise InvalidInputError("Expected at least one confidence level.")
    return max((Confidence(level) for level in levels), key=_CONFIDENCE_ORDER.__getitem__)


# --------------------------------------------------------------------------- money


@cache
def is_known_currency(code: str) -> bool:
    """True when ``code`` is an active ISO 4217 currency (pycountry's table)."""
    import pycountry

    return bool(re.fullmatch(r"[A-Z]{3}", code)) and pycountry.currencies.get(alpha_3=code) is not None


@cache
def currency_digits(code: str) -> int:
    """Minor-unit digits of a currency per CLDR (CNY 2, JPY 0, KRW 0, KWD 3)."""
    from babel.numbers import get_currency_precision

    return int(get_currency_precision(code))


def _to_decimal(value: Decimal | int | float | str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # str() keeps the shortest repr, so 0.1 becomes Decimal("0.1"), not its binary expansion
        return Decimal(str(value))
    return Decimal(value)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency. ``Money(12.5, "CNY")``; no arithmetic across currencies."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        try:
            amount = _to_decimal(self.amount)
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise InvalidInputError(f"Expected a number for `amount`, got {self.amount!r}.") from exc
        if not amount.is_finite():
            raise InvalidInputError(f"Expected a finite `amount`, got {self.amount!r}.")
        if not is_known_currency(self.currency):
            raise InvalidInputError(f"Expected an ISO 4217 currency code for `currency`, got {self.currency!r}.")
        object.__setattr__(self, "amount", amount)

    @classmethod
    def zero(cls, currency: str) -> Self:
        return cls(Decimal(0), currency)

    def _check(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise InvalidInputError(f"Expected Money, got {type(other).__name__}.")
        if other.currency != self.currency:
            raise CurrencyMismatchError(f"Cannot combine {self.currency} and {other.currency}; convert one first.")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._check(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._check(other).amount, self.currency)

    def __mul__(self, factor: Decimal | int | float) -> Money:
        if isinstance(factor, Money):
            raise InvalidInputError("Money can be multiplied by a number only.")
        return Money(self.amount * _to_decimal(factor), self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: Decimal | int | float) -> Money:
        return Money(self.amount / _to_decimal(divisor), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._check(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._check(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._check(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._check(other).amount

    def rounded(self) -> Money:
        """Rounded half-up to the currency's minor unit (CNY 0.01, JPY 1)."""
        quantum = Decimal(1).scaleb(-currency_digits(self.currency))
        return Money(self.amount.quantize(quantum, rounding=ROUND_HALF_UP), self.currency)

    def convert(self, to: str, rate: Decimal | float | str) -> Money:
        """Convert with an explicit rate: units of ``to`` per one unit of this currency."""
        rate_d = _to_decimal(rate)
        if rate_d <= 0:
            raise InvalidInputError(f"Expected a positive FX rate, got {rate!r}.")
        return Money(self.amount * rate_d, to)

    def __str__(self) -> str:
        return f"{self.rounded().amount:,} {self.currency}"


# --------------------------------------------------------------------------- places

_ADCODE = re.compile(r"\d{6}")
_ISO2 = re.compile(r"[A-Z]{2}")
_HS6 = re.compile(r"\d{6}")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidInputError(message)


def _check_lon_lat(lon: float, lat: float, what: str) -> None:
    _require(-180.0 <= lon <= 180.0, f"Expected `lon` in [-180, 180] for {what}, got {lon}.")
    _require(-90.0 <= lat <= 90.0, f"Expected `lat` in [-90, 90] for {what}, got {lat}.")


@dataclass(frozen=True, slots=True, kw_only=True)
class Division:
    """A Chinese administrative division (province, prefecture or county) by GB/T 2260 adcode."""

    adcode: str
    name_zh: str
    name_en: str
    level: str
    parent_adcode: str | None
    lon: float
    lat: float
    confidence: Confidence = Confidence.CONFIRMED

    LEVELS = ("province", "prefecture", "county")

    def __post_init__(self) -> None:
        _require(bool(_ADCODE.fullmatch(self.adcode)), f"Expected a 6-digit `adcode`, got {self.adcode!r}.")
        _require(self.level in self.LEVELS, f"Expected `level` in {self.LEVELS}, got {self.level!r}.")
        _check_lon_lat(self.lon, self.lat, self.adcode)

    @property
    def is_county(self) -> bool:
        return self.level == "county"


@dataclass(frozen=True, slots=True, kw_only=True)
class Market:
    """A destination country (customs territory) with its currency and trade agreements."""

    iso2: str
    iso3: str
    name_en: str
    name_zh: str
    currency: str
    region: str
    customs_union: str | None = None
    fta: tuple[str, ...] = ()
    population_m: float | None = None
    unctad_b2c_rank: int | None = None
    unctad_b2c_value: float | None = None
    internet_users_pct: float | None = None
    confidence: Confidence = Confidence.CONFIRMED

    def __post_init__(self) -> None:
        _require(bool(_ISO2.fullmatch(self.iso2)), f"Expected an ISO 3166 alpha-2 `iso2`, got {self.iso2!r}.")
        _require(
            is_known_currency(self.currency),
            f"Expected an ISO 4217 `currency` for {self.iso2}, got {self.currency!r}.",
        )

    def has_agreement(self, name: str) -> bool:
        return name in self.fta


@dataclass(frozen=True, slots=True, kw_only=True)
class Hub:
    """A logistics node: Guizhou hub, Chinese gateway, border crossing or foreign gateway."""

    hub_id: str
    name_en: str
    name_zh: str
    type: str
    country: str
    lon: float
    lat: float
    adcode: str | None = None
    confidence: Confidence = Confidence.UNCONFIRMED

    def __post_init__(self) -> None:
        _require(bool(self.hub_id), "Expected a non-empty `hub_id`.")
        _check_lon_lat(self.lon, self.lat, self.hub_id)


# --------------------------------------------------------------------------- goods


@dataclass(frozen=True, slots=True, kw_only=True)
class Carton:
    """One outer carton: dimensions in cm, gross weight in kg."""

    length_cm: float
    width_cm: float
    height_cm: float
    gross_kg: float
    stackable: bool = True
    this_side_up: bool = False

    def __post_init__(self) -> None:
        for name in ("length_cm", "width_cm", "height_cm", "gross_kg"):
            value = getattr(self, name)
            _require(value > 0, f"Expected a positive `{name}`, got {value}.")

    @property
    def volume_m3(self) -> float:
        return self.length_cm * self.width_cm * self.height_cm / 1_000_000

    def chargeable_kg(self, divisor: float) -> float:
        """max(gross kg, L x W x H cm3 / divisor) — the divisor is set by the service."""
        _require(divisor > 0, f"Expected a positive volumetric `divisor`, got {divisor}.")
        return max(self.gross_kg, self.length_cm * self.width_cm * self.height_cm / divisor)


@dataclass(frozen=True, slots=True, kw_only=True)
class Product:
    """A product an exporter sells, with what customs, carriers and buyers need to know."""

    id: str
    name_en: str
    name_zh: str
    category: str
    hs6: str
    origin_adcode: str
    unit: str
    unit_value: Money
    unit_gross_kg: float
    cn_hs10: str | None = None
    unit_net_kg: float | None = None
    units_per_carton: int | None = None
    carton: Carton | None = None
    shelf_life_days: int | None = None
    liquid: bool = False
    abv_pct: float | None = None
    fresh: bool = False
    cold_chain: bool = False
    max_transit_days: int | None = None
    fragile: bool = False
    battery: bool = False
    ich_level: str | None = None
    ich_name: str | None = None
    gi_name: str | None = None
    value_confidence: Confidence = Confidence.UNCONFIRMED
    weight_confidence: Confidence = Confidence.UNCONFIRMED

    def __post_init__(self) -> None:
        _require(bool(self.id), "Expected a non-empty product `id`.")
        _require(bool(_HS6.fullmatch(self.hs6)), f"Expected a 6-digit `hs6` for {self.id}, got {self.hs6!r}.")
        _require(
            self.cn_hs10 is None or bool(re.fullmatch(r"\d{10}", self.cn_hs10)),
            f"Expected a 10-digit `cn_hs10` for {self.id}, got {self.cn_hs10!r}.",
        )
        _require(
            bool(_ADCODE.fullmatch(self.origin_adcode)),
            f"Expected a 6-digit `origin_adcode` for {self.id}, got {self.origin_adcode!r}.",
        )
        _require(self.unit_gross_kg > 0, f"Expected a positive `unit_gross_kg` for {self.id}.")
        _require(self.unit_value.amount >= 0, f"Expected a non-negative `unit_value` for {self.id}.")
        _require(
            self.abv_pct is None or 0 <= self.abv_pct <= 100,
            f"Expected `abv_pct` in [0, 100] for {self.id}, got {self.abv_pct}.",
        )

    @property
    def is_alcohol(self) -> bool:
        return bool(self.abv_pct and self.abv_pct > 0.5)

    @property
    def hs4(self) -> str:
        return self.hs6[:4]


# --------------------------------------------------------------------------- logistics


@dataclass(frozen=True, slots=True, kw_only=True)
class Service:
    """A transport service offering between two nodes with its tariff shape.

    Rates are in ``currency``; any of the per-unit prices may be absent. ``divisor``
    is the volumetric divisor (cm3 per kg) used for chargeable weight.
    """

    service_id: str
    mode: str
    origin: str
    destination: str
    currency: str
    per_kg: Decimal | None = None
    per_item: Decimal | None = None
    per_shipment: Decimal | None = None
    per_m3: Decimal | None = None
    per_container: Decimal | None = None
    min_charge: Decimal | None = None
    divisor: float | None = None
    transit_days: float | None = None
    max_kg_per_item: float | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    confidence: Confidence = Confidence.UNCONFIRMED

    MODES = FREIGHT_MODES

    def __post_init__(self) -> None:
        _require(self.mode in self.MODES, f"Expected `mode` in {self.MODES}, got {self.mode!r}.")
        _require(is_known_currency(self.currency), f"Expected an ISO 4217 `currency`, got {self.currency!r}.")
        _require(
            self.valid_to is None or self.valid_from is None or self.valid_from < self.valid_to,
            f"Expected `valid_from` < `valid_to` for service {self.service_id}.",
        )

    def in_force(self, on: dt.date) -> bool:
        """valid_from inclusive, valid_to exclusive, open ends allowed."""
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on < self.valid_to)


@dataclass(frozen=True, slots=True, kw_only=True)
class Shipment:
    """One exporter's consignment: cartons of one kind ready at an origin for a market."""

    shipment_id: str
    exporter: str
    origin_adcode: str
    destination: str
    carton: Carton
    cartons: int
    product_id: str | None = None
    ready_from: dt.datetime | None = None
    ready_to: dt.datetime | None = None
    service_preference: str | None = None
    value: Money | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _require(self.cartons > 0, f"Expected a positive carton count for {self.shipment_id}.")
        _require(
            bool(_ISO2.fullmatch(self.destination)),
            f"Expected an ISO alpha-2 `destination` for {self.shipment_id}, got {self.destination!r}.",
        )
        _require(
            self.ready_from is None or self.ready_to is None or self.ready_from <= self.ready_to,
            f"Expected `ready_from` <= `ready_to` for {self.shipment_id}.",
        )

    @property
    def gross_kg(self) -> float:
        return self.carton.gross_kg * self.cartons

    @property
    def volume_m3(self) -> float:
        return self.carton.volume_m3 * self.cartons
