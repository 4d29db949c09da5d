from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qiankua.domain import Carton, Confidence, Money, Product, currency_digits, worst_confidence
from qiankua.exceptions import CurrencyMismatchError, InvalidInputError

amounts = st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False, places=6)


def test_money_refuses_mixed_currency_arithmetic():
    """Adding CNY to USD is an error, not a silent sum."""
    with pytest.raises(CurrencyMismatchError):
        Money(1, "CNY") + Money(1, "USD")
    with pytest.raises(CurrencyMismatchError):
        _ = Money(1, "CNY") < Money(2, "EUR")


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("10.005", "CNY", Decimal("10.01")),  # half-up to fen
        ("1234.5", "JPY", Decimal("1235")),  # yen has no minor unit
        ("1.0005", "KWD", Decimal("1.001")),  # dinar has three
        (0.1, "USD", Decimal("0.10")),  # floats enter through their shortest repr
    ],
)
def test_money_rounds_per_currency(amount, currency, expected):
    assert Money(amount, currency).rounded().amount == expected


def test_currency_digits_follow_cldr():
    assert (currency_digits("CNY"), currency_digits("JPY"), currency_digits("KRW")) == (2, 0, 0)


@pytest.mark.parametrize("bad", ["RMB", "usd", "", "XXXX"])
def test_money_rejects_unknown_currency(bad):
    with pytest.raises(InvalidInputError, match="ISO 4217"):
        Money(1, bad)


def test_convert_needs_positive_rate():
    assert Money(100, "EUR").convert("CNY", "7.8").amount == Decimal("780.0")
    with pytest.raises(InvalidInputError):
        Money(100, "EUR").convert("CNY", 0)


@given(amounts, amounts)
def test_money_addition_commutes_and_rounding_is_idempotent(a, b):
    x, y = Money(a, "CNY"), Money(b, "CNY")
    assert x + y == y + x
    assert (x + y).rounded().rounded() == (x + y).rounded()
    assert abs((x.rounded() - x).amount) <= Decimal("0.005")


def test_worst_confidence_picks_least_sure():
    assert worst_confidence("confirmed", "unconfirmed", "likely") is Confidence.UNCONFIRMED
    assert worst_confidence(Confidence.CONFIRMED) is Confidence.CONFIRMED


def test_chargeable_weight_uses_the_service_divisor():
    """A 60x40x40 cm carton of 8 kg weighs 16 kg by volume at divisor 6000."""
    carton = Carton(length_cm=60, width_cm=40, height_cm=40, gross_kg=8)
    assert carton.chargeable_kg(6000) == pytest.approx(16.0)
    assert carton.chargeable_kg(5000) == pytest.approx(19.2)
    assert Carton(length_cm=10, width_cm=10, height_cm=10, gross_kg=3).chargeable_kg(6000) == 3


def _product(**kw):
    base = dict(
        id="p",
        name_en="p",
        name_zh="p",
        category="tea",
        hs6="090210",
        origin_adcode="522701",
        unit="tin",
        unit_value=Money(10, "CNY"),
        unit_gross_kg=0.3,
    )
    base.update(kw)
    return Product(**base)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hs6", "9021", "6-digit `hs6`"),  # too short
        ("origin_adcode", "52270", "origin_adcode"),  # not 6 digits
        ("unit_gross_kg", 0, "unit_gross_kg"),  # weightless goods
        ("abv_pct", 120, "abv_pct"),  # impossible strength
        ("cn_hs10", "0902", "cn_hs10"),
    ],
)
def test_product_validates_on_construction(field, value, message):
    with pytest.raises(InvalidInputError, match=message):
        _product(**{field: value})


def test_alcohol_flag():
    assert _product(abv_pct=53).is_alcohol
    assert not _product().is_alcohol
