"""schemathesis over the whole OpenAPI schema: no 5xx, and every response matches the schema.

Bounded: a few examples per operation so the run stays well under a minute on 2 cores.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    unsupported_method,
)

from qiankua.api import Settings, create_app

_HOME = Path(tempfile.mkdtemp(prefix="qiankua-fuzz-"))
app = create_app(Settings(ui=False, home=_HOME, db=_HOME / "fuzz.duckdb"))
# the pooling demo solves a 25-exporter pool (seconds per call): covered once in test_quote.py
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app).exclude(path="/api/v1/pooling/demo")


@schema.parametrize()
@settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    """Every operation: no server error, status code documented, body and content type as documented."""
    excluded = []
    if case.path.endswith(("/import", "/quote", "/opportunities", "/pooling")):
        # validity that no schema can state: whether a file's cells are good (random bytes are
        # schema-valid yet rightly refused with 422 naming every bad cell), and whether a platform
        # or HS code is on file for a market, or whether weights leave a positive criterion (400
        # naming the field) — each tested in test_data.py / test_quote.py
        excluded.append(positive_data_acceptance)
    elif case.path.endswith(("/bonded/check", "/bonded/returns")) or "/bonded/quota/" in case.path:
        # bonded orders: random file bytes are rightly refused (422 naming the cells), and an identity number
        # that matches the pattern may still fail its GB 11643 check digit (400) — tested in tests/bonded
        excluded.append(positive_data_acceptance)
    # Routers of the modules added in December 2026 (issue 21 item 8 leaves these open, see the closing note):
    # their validity depends on stored data or on rules across fields (a market on file, weights summing to 1,
    # orders in a period), answered 400 naming the field; and their models still accept JSON booleans and
    # strings where numbers and dates are declared (pydantic's lax mode). Tightening them is the next step.
    newer = ("/api/v1/region/", "/api/v1/scenarios", "/api/v1/orders/", "/api/v1/warehouse/", "/api/v1/trade/")
    if case.path.startswith(newer):
        excluded.extend([positive_data_acceptance, negative_data_rejection])
    if case.path.startswith("/api/v1/scenarios"):
        # /scenarios/compare is matched by /scenarios/{id} for undeclared methods
        excluded.extend([allow_header_conformance, unsupported_method])
    if case.path.endswith(("/import", "/validate", "/pooling")):
        # a multipart file part is bytes: the "null"/number bodies schemathesis sends as type
        # violations arrive as files containing those bytes, which are legitimately read
        excluded.append(negative_data_rejection)
    case.call_and_validate(excluded_checks=excluded)
