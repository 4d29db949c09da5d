"""The request builders shared by the CLI, the API and the web: bad numbers and weights are refused there."""

from __future__ import annotations

import pytest

from qiankua.exceptions import InvalidInputError
from qiankua.reference import load_reference
from qiankua.services.requests import opportunities_request, quote_request, route_request

TEA_DE = {"market": "DE", "product_id": "duyun-maojian-250g", "date": "2026-08-01"}
HS_FR = {"market": "FR", "hs6": "090210", "declared_value": 12.0, "date": "2026-08-01"}
ROUTE = {"origin": "522701", "market": "DE", "weight_kg": 10.0}


@pytest.fixture(scope="module")
def ref():
    return load_reference()


@pytest.mark.parametrize(
    ("fields", "option"),
    [
        (dict(TEA_DE, price=-5), "price"),  # the case: a negative list price was priced
        (dict(TEA_DE, price=0), "price"),  # a zero price gives no margin to solve for
        (dict(TEA_DE, price="abc"), "price"),  # not a number (a web form's text)
        (dict(TEA_DE, price=float("nan")), "price"),
        (dict(TEA_DE, price=float("inf")), "price"),
        (dict(TEA_DE, gross_kg=-0.4), "gross_kg"),  # a negative weight
        (dict(TEA_DE, gross_kg=0), "gross_kg"),
        (dict(TEA_DE, quantity=0), "quantity"),  # fewer than one unit
        (dict(TEA_DE, quantity=-3), "quantity"),
        (dict(TEA_DE, quantity=1.5), "quantity"),  # half a unit
        (dict(TEA_DE, quantity=True), "quantity"),  # a boolean is not a count
        (dict(HS_FR, declared_value=-12.0), "declared_value"),  # a negative declared value
        (dict(HS_FR, declared_value=0), "declared_value"),
    ],
)
def test_quote_request_refuses_non_positive_numbers(ref, fields, option):
    """Every non-positive price, weight, quantity or declared value is refused, naming its field."""
    with pytest.raises(InvalidInputError, match=f"`{option}`"):
        quote_request(fields, ref)


def test_quote_request_keeps_good_numbers(ref):
    """Positive values pass unchanged; a whole float quantity (a web number field) becomes an int."""
    request, _ = quote_request(dict(TEA_DE, price=40, gross_kg=0.3, quantity=2.0), ref)
    assert request["price"] == 40 and request["gross_kg"] == 0.3
    assert request["quantity"] == 2 and isinstance(request["quantity"], int)


@pytest.mark.parametrize(
    ("fields", "option"),
    [
        (dict(ROUTE, weight_kg=-1.0), "weight_kg"),
        (dict(ROUTE, weight_kg=0), "weight_kg"),
        (dict(ROUTE, volume_m3=-0.1), "volume_m3"),
        (dict(ROUTE, pieces=0), "pieces"),
    ],
)
def test_route_request_refuses_non_positive_numbers(ref, fields, option):
    with pytest.raises(InvalidInputError, match=f"`{option}`"):
        route_request(fields, ref)


@pytest.mark.parametrize(
    "weights",
    [
        "culture=0.3,colour=0.2",  # unknown name in the CLI form
        {"culture": 0.3, "colour": 0.2},  # the same in the API form
        "culture=-1",  # negative
        {"culture": -1.0},
        {"culture": "heavy"},  # not a number
        "culture",  # no value
    ],
)
def test_opportunities_request_refuses_bad_weights(weights):
    """Weights are checked once, in the same function, whichever edge sent them."""
    with pytest.raises(InvalidInputError):
        opportunities_request({"weights": weights})


def test_opportunities_request_parses_both_weight_forms():
    """``None`` entries (criteria the API form left empty) are left out, not set to zero."""
    assert opportunities_request({"weights": "culture=0.3, tariff=0.2"})["weights"] == {"culture": 0.3, "tariff": 0.2}
    assert opportunities_request({"weights": {"culture": 0.3, "growth": None}})["weights"] == {"culture": 0.3}
    assert opportunities_request({})["weights"] is None


def test_unknown_weight_lists_the_criteria():
    with pytest.raises(InvalidInputError, match="expected one of demand, growth"):
        opportunities_request({"weights": "colour=1"})
