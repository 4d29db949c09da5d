"""House rules that a test can check: engines and records never import storage or edge libraries."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PURE = [
    "qiankua.domain",
    "qiankua.schema",
    "qiankua.exceptions",
    "qiankua.reference",
    "qiankua.i18n",
    "qiankua.pooling",
    "qiankua.costing",
    "qiankua.opportunity",
    "qiankua.routing",
    "qiankua.routing.tables",
    "qiankua.region",
    "qiankua.orders",
    "qiankua.bonded",
    "qiankua.warehouse",
]
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
    code = (
        "import sys, qiankua.opportunity.indicators; "
        "print(','.join(m for m in ('duckdb', 'fastapi', 'nicegui', 'typer') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"qiankua.opportunity.indicators imports {loaded}"


# ---------------------------------------------------------------------------- import graph

SRC = Path(__file__).resolve().parents[1] / "src" / "qiankua"

# A cycle that cannot be removed at once gets a named entry here: the packages it may lie in, e.g.
# {"issue-14 api <-> web (create_app mounts web; web.engine_pages imports qiankua.api)": ("qiankua.api", "qiankua.web")}
# (the last such entry, removed when that cycle went). An entry whose cycle is gone fails
# test_known_cycles_are_still_there, so an allowance cannot outlive its cycle. Expected state: empty.
KNOWN_CYCLES: dict[str, tuple[str, ...]] = {}


def _modules(root: Path = SRC) -> dict[str, Path]:
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the qiankua modules it imports anywhere (module level, in functions, under ``if``).

    ``import a.b.c`` and ``from a.b import c`` also run the ``__init__`` of every package on the
    way (a, a.b), so those count as edges too, except the importer's own enclosing packages, which
    are already being imported when it runs.
    """
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        own = set(_parents(name))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                targets = [module] + [f"{module}.{a.name}" for a in node.names]
            else:
                continue
            for target in targets:
                for dep in [*_parents(target), target]:
                    if dep in modules and dep != name and dep not in own:
                        graph[name].add(dep)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _describe(component: list[str], graph: dict[str, set[str]]) -> str:
    inside = set(component)
    return "; ".join(f"{m} -> {', '.join(sorted(graph[m] & inside))}" for m in component)


def _known(component: list[str]) -> str | None:
    def within(module: str, roots: tuple[str, ...]) -> bool:
        return any(module == r or module.startswith(r + ".") for r in roots)

    return next((name for name, roots in KNOWN_CYCLES.items() if all(within(m, roots) for m in component)), None)


def _package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The same edges between top-level parts of qiankua (``qiankua.services``, ``qiankua.report`` …)."""

    def top(m: str) -> str:
        return ".".join(m.split(".")[:2])

    out: dict[str, set[str]] = {}
    for a, deps in graph.items():
        out.setdefault(top(a), set())
        out[top(a)] |= {top(b) for b in deps if top(b) != top(a)}
    return out


def test_the_import_graph_finds_a_function_level_cycle(tmp_path):
    """The graph sees imports inside functions and package __init__ edges: a planted cycle is found."""
    pkg = tmp_path / "qiankua"
    (pkg / "a").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a" / "__init__.py").write_text("from qiankua.a.x import f\n")
    (pkg / "a" / "x.py").write_text("def f():\n    from qiankua.b import g\n    return g\n")
    (pkg / "b.py").write_text("def g():\n    import qiankua.a.x\n")
    (pkg / "c.py").write_text("from .b import g\n")
    graph = import_graph(_modules(pkg))
    assert graph["qiankua.b"] == {"qiankua.a", "qiankua.a.x"}
    assert graph["qiankua.c"] == {"qiankua.b"}
    assert cycles(graph) == [["qiankua.a", "qiankua.a.x", "qiankua.b"]]


def test_no_import_cycles():
    """No module of qiankua imports, directly or through others, a module that imports it back."""
    graph = import_graph(_modules())
    unexpected = [_describe(c, graph) for c in cycles(graph) if _known(c) is None]
    assert not unexpected, "import cycles:\n" + "\n".join(unexpected)


def test_no_package_cycles():
    """Between the parts of qiankua (services, report, store …) imports go one way only."""
    graph = _package_graph(import_graph(_modules()))
    unexpected = [_describe(c, graph) for c in cycles(graph) if _known(c) is None]
    assert not unexpected, "package cycles:\n" + "\n".join(unexpected)


def test_known_cycles_are_still_there():
    """An allow-list entry whose cycle is gone must be deleted, so the allowance cannot outlive the cycle."""
    found = {_known(c) for c in cycles(import_graph(_modules()))}
    stale = sorted(set(KNOWN_CYCLES) - found)
    assert not stale, f"no cycle left for these KNOWN_CYCLES entries, delete them: {stale}"


def test_use_cases_hold_no_report_layout():
    """Report sections are built in qiankua.report; only the demo use case, which writes the report, imports it."""
    graph = import_graph(_modules())
    services = {m for m in graph if m.startswith("qiankua.services.")}
    importers = sorted(
        m for m in services if any(d == "qiankua.report" or d.startswith("qiankua.report.") for d in graph[m])
    )
    assert importers == ["qiankua.services.demo"]
    defining = sorted(m for m in services if "def demo_sections(" in _modules()[m].read_text(encoding="utf-8"))
    assert defining == [], f"use-case modules defining report sections: {defining}"
    assert not any(d.startswith("qiankua.services") for m in graph if m.startswith("qiankua.report") for d in graph[m])


# ---------------------------------------------------------------------------- settings

# modules that still read os.environ themselves (owned by others in issue 14); the lead removes each
# entry when that module reads qiankua.settings instead
ENVIRON_PENDING: set[str] = set()


def _reads_environ(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
            and node.attr in ("environ", "getenv")
        ):
            return True
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and any(a.name in ("environ", "getenv") for a in node.names)
        ):
            return True
    return False


def test_environment_is_read_in_settings_only():
    """Paths and environment variables come from qiankua.settings, not from os.environ around the code."""
    readers = {m for m, path in _modules().items() if _reads_environ(path)}
    assert readers - ENVIRON_PENDING == {"qiankua.settings"}
    gone = ENVIRON_PENDING - readers
    assert not gone, f"no longer read os.environ, drop them from ENVIRON_PENDING: {gone}"


def test_no_python_udfs_inside_polars():
    """``map_elements`` / ``map_batches`` with a Python function run on Polars' thread pool and take the GIL
    there: a server thread that held the GIL while waiting for Polars deadlocked (issue 21). Per-row Python
    runs outside Polars (a list comprehension over ``.rows()``), or the work is a Polars expression."""
    import re

    found = [
        f"{path.relative_to(SRC)}:{n}"
        for path in SRC.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.(map_elements|map_batches|map_rows)\(", line)
    ]
    assert not found, found
