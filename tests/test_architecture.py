"""House rules that a test can check: engines and records never import storage or edge libraries."""

import subprocess
import sys

import pytest

PURE = ["qiankua.domain", "qiankua.schema", "qiankua.exceptions", "qiankua.reference", "qiankua.i18n", "qiankua.pooling", "qiankua.costing", "qiankua.opportunity", "qiankua.routing", "qiankua.routing.tables"]
EDGE = ["duckdb", "fastapi", "nicegui", "typer", "ibis"]


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_do_not_pull_in_edges(module):
    code = f"import sys, {module}; print(','.join(m for m in {EDGE!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"{module} imports {loaded}"


def test_importing_the_cli_opens_no_database(tmp_path):
    code = "import qiankua.cli"
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True)
    assert not list(tmp_path.iterdir())


def test_opportunity_indicators_import_no_database():
    """The Ibis indicator module may import ibis (backend-agnostic expressions), never duckdb or UI libraries."""
    code = ("import sys, qiankua.opportunity.indicators; "
            "print(','.join(m for m in ('duckdb', 'fastapi', 'nicegui', 'typer') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"qiankua.opportunity.indicators imports {loaded}"
