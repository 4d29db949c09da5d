"""Shared fixtures: the real built-in reference data and a fresh DuckDB file per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from qiankua.reference import ReferenceData, load_reference
from qiankua.store import Store

# "ci" (the default) is derandomised: the same examples on every run, so a clean clone's CI passes or fails
# as the same commit did here. "explore" draws new examples each run (HYPOTHESIS_PROFILE=explore) to hunt.
settings.register_profile(
    "ci",
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def ref() -> ReferenceData:
    """The real built-in reference tables, validated."""
    return load_reference()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty store in a fresh DuckDB file."""
    with Store(tmp_path / "test.duckdb") as s:
        yield s
