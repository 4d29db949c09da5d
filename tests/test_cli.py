"""The CLI end to end (in-process): JSON output, exit codes, help on every command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from qiankua.cli import app

runner = CliRunner()

COMMANDS = [
    [],
    ["data"],
    ["data", "validate"],
    ["data", "import"],
    ["data", "template"],
    ["data", "export"],
    ["data", "list"],
    ["data", "fetch"],
    ["catalog"],
    ["markets"],
    ["demo"],
    ["serve"],
    ["quote"],
    ["route"],
    ["opportunities"],
    ["pool"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "root")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_command_has_help(command, lang, monkeypatch):
    result = runner.invoke(app, [*command, "--help"], env={"QIANKUA_LANG": lang})
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def invoke_json(*args: str) -> tuple[int, dict]:
    result = runner.invoke(app, list(args))
    return result.exit_code, json.loads(result.stdout)


def test_validate_json_reports_counts():
    code, doc = invoke_json("data", "validate", "--json")
    assert code == 0
    assert doc["ok"] is True
    assert doc["tables"]["products"] >= 30 and doc["tables"]["markets"] >= 40
    assert doc["county_level_divisions"] == 88


def test_bad_import_exits_2_lists_cells_and_writes_nothing(tmp_path: Path):
    db = tmp_path / "q.duckdb"
    bad = tmp_path / "products.csv"
    bad.write_text(
        "产品编号,英文名称,中文名称,品类,HS编码(6位),产地县级代码,销售单位,单位货值(元),单位毛重(kg)\n"
        "my-tea,My tea,我的茶,tea,090210,522701,tin,88,0.3\n"
        "bad-1,Bad,坏,spaceship,090210,522701,tin,88,0.3\n"
        "bad-2,Bad,坏,tea,090210,522701,tin,-5,0.3\n"
        "bad-3,Bad,坏,tea,090210,522701,tin,88,heavy\n",
        encoding="utf-8",
    )
    code, doc = invoke_json("--db", str(db), "data", "import", str(bad), "--table", "products", "--json")
    assert code == 2 and doc["ok"] is False
    assert [(i["row"], i["column"]) for i in doc["issues"]] == [
        (3, "category"),
        (4, "unit_value_cny"),
        (5, "unit_gross_kg"),
    ]
    code, listing = invoke_json("--db", str(db), "data", "list", "--json")
    assert code == 0
    assert {t["table"]: t["rows"] for t in listing["tables"] if t["schema"] == "user"}["products"] == 0


def test_good_import_then_export(tmp_path: Path):
    db = tmp_path / "q.duckdb"
    good = tmp_path / "p.csv"
    good.write_text(
        "id,name_en,name_zh,category,hs6,origin_adcode,unit,unit_value_cny,unit_gross_kg,notes\n"
        "my-tea,My tea,我的茶,tea,090210,522701,tin,88,0.3,=1+1\n",
        encoding="utf-8",
    )
    code, doc = invoke_json("--db", str(db), "data", "import", str(good), "--table", "products", "--json")
    assert code == 0 and doc["rows_written"] == 1
    out = tmp_path / "export.xlsx"
    code, doc = invoke_json("--db", str(db), "data", "export", "--table", "products", "--out", str(out), "--json")
    assert code == 0 and doc["rows"] == 1
    ws = load_workbook(out).active
    notes_col = [c.value for c in ws[1]].index("notes") + 1
    assert ws.cell(row=2, column=notes_col).value == "'=1+1"


def test_template_and_reference_export(tmp_path: Path):
    code, doc = invoke_json(
        "data", "template", "shipments", "--format", "csv", "--out", str(tmp_path / "t.csv"), "--json"
    )
    assert code == 0 and Path(doc["path"]).read_text(encoding="utf-8-sig").startswith("货物编号 / shipment_id")
    code, doc = invoke_json(
        "data", "export", "--table", "divisions", "--ref", "--format", "csv", "--out", str(tmp_path / "d.csv"), "--json"
    )
    assert code == 0 and doc["rows"] == 98


def test_unknown_table_is_bad_input(tmp_path: Path):
    result = runner.invoke(app, ["data", "export", "--table", "orders", "--json"])
    assert result.exit_code == 2
    assert "freight_quotes" in json.loads(result.stdout)["message"]


def test_catalog_and_markets_json():
    code, doc = invoke_json("catalog", "--category", "tea", "--json")
    assert code == 0 and doc["products"] and {p["category"] for p in doc["products"]} == {"tea"}
    code, doc = invoke_json("markets", "--region", "southeast_asia", "--json")
    assert code == 0 and {"VN", "TH", "MY", "SG"} <= {m["iso2"] for m in doc["markets"]}


def test_demo_writes_both_reports(tmp_path: Path):
    db = tmp_path / "demo.duckdb"
    code, doc = invoke_json("--db", str(db), "demo", "--out", str(tmp_path / "out"), "--json")
    assert code == 0, doc
    html = Path(doc["html"]).read_text(encoding="utf-8")
    assert "<script src=" not in html and "http://" not in html.split("<main>")[0]  # no external assets
    assert "产品目录" in html and "Product catalogue" in html and "未证实" in html
    wb = load_workbook(doc["xlsx"])
    assert {"products", "markets", "sources"} <= set(wb.sheetnames)
    assert doc["tables"]["divisions"] == 98
    recs = doc["recommendations"]  # DESIGN.md set-up contract: the demo prints the top recommendations
    assert 1 <= len(recs) <= 5
    # product line x market pairs: the export-potential headline first, then the weighted-score view (issue 16)
    assert all(" -> " in r["en"] and " → " in r["zh"] for r in recs)
    assert all("potential" in r["en"] for r in recs)


def test_serve_says_what_it_will_serve():
    code, doc = invoke_json("serve", "--json")
    assert code == 0 and doc["port"] == 8080 and "/api/v1" in doc["message"]


# ---------------------------------------------------------------------------- import cycles at the edges

_EDGES = (
    "qiankua.cli",
    "qiankua.commands",
    "qiankua.api",
    "qiankua.web",
    "qiankua.jsonio",
    "qiankua.plugins",
    "qiankua.vocabulary",
    "qiankua.services.quoting",
    "qiankua.services.requests",
    "qiankua.services.engines_view",
    "qiankua.services.routes_view",
    "qiankua.services.registry",
)


def _import_graph() -> dict[str, set[str]]:
    """Module -> the qiankua modules it imports anywhere in its body (function-level imports count), plus
    the modules found by name: ``engine_modules("<package>")`` and ``qiankua.services.<engine>`` lookups."""
    import ast
    import re

    from qiankua.plugins import ENGINES

    root = Path(__file__).resolve().parents[1] / "src"
    files = {}
    for f in (root / "qiankua").rglob("*.py"):
        parts = list(f.relative_to(root).with_suffix("").parts)
        files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = f

    def resolve(name: str) -> str | None:
        while name and name not in files:
            name = name.rsplit(".", 1)[0] if "." in name else ""
        return name or None

    graph: dict[str, set[str]] = {m: set() for m in files}
    for module, f in files.items():
        text = f.read_text(encoding="utf-8")
        package = module if f.name == "__init__.py" else module.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(text)):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                subs = [f"{base}.{a.name}" for a in node.names]
                names = [n for n in subs if n in files] or [base]
                if any(n not in files for n in subs):
                    names.append(base)
            for name in names:
                target = resolve(name) if name.startswith("qiankua") else None
                if target and target != module:
                    graph[module].add(target)
        plugged = re.findall(r'engine_modules\("(\w+)"', text)
        if 'f"qiankua.services.{engine}"' in text:
            plugged.append("services")
        for package_name in plugged:
            graph[module] |= {f"qiankua.{package_name}.{e}" for e in ENGINES} & set(files)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_through_the_edges():
    """cli, commands, api, web and the edge services import each other one way only (function-level
    imports and plugins found by name count)."""
    graph = _import_graph()
    assert "qiankua.commands.costing" in graph["qiankua.cli"]  # the plugin edge is seen
    mine = [c for c in _cycles(graph) if any(m.startswith(_EDGES) for m in c)]
    assert mine == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


MY_PRODUCTS = (
    "产品编号,英文名称,中文名称,品类,HS编码(6位),产地县级代码,销售单位,单位货值(元),单位毛重(kg)\n"
    "my-tea-1,My tea,我的茶,tea,090210,522701,tin,120,0.4\n"
    "duyun-maojian-250g,Duyun Maojian (mine),都匀毛尖(我的),tea,090210,522701,tin,60,0.3\n"
)


@pytest.fixture
def my_db(tmp_path: Path) -> Path:
    """A database holding two imported products: a new id and one that reuses a built-in id."""
    db = tmp_path / "mine.duckdb"
    source = tmp_path / "products.csv"
    source.write_text(MY_PRODUCTS, encoding="utf-8")
    code, doc = invoke_json("--db", str(db), "data", "import", str(source), "--table", "products", "--json")
    assert code == 0 and doc["ok"] is True, doc
    return db


def test_imported_product_is_quoted_routed_and_ranked(my_db: Path):
    """Issue 20: an imported product id works in quote, route and opportunities (was "Unknown product id")."""
    code, doc = invoke_json(
        *f"--db {my_db} quote --product my-tea-1 --market DE --date 2026-08-01 --price 30 --no-sensitivity --json".split()
    )
    assert code == 0, doc
    assert doc["product"] == {"id": "my-tea-1", "source": "user", "replaces_builtin": False}
    assert doc["per_unit_cny"]["product_cost"] == pytest.approx(120.0)  # the user's unit value, not a built-in's
    code, doc = invoke_json(
        *f"--db {my_db} route --product my-tea-1 --from 522701 --to DE --weight-kg 10 --json".split()
    )
    assert code == 0 and doc["routes"], doc
    assert doc["product"]["source"] == "user" and doc["profile"]["product_id"] == "my-tea-1"
    code, doc = invoke_json(
        *f"--db {my_db} opportunities --product my-tea-1 --market DE --market US --samples 20 --json".split()
    )
    assert code == 0, doc
    assert {(e["product"], e["product_source"]) for e in doc["ranking"]} == {("my-tea-1", "user")}
    assert len(doc["ranking"]) == 2


def test_imported_product_with_a_builtin_id_wins_and_says_so(my_db: Path):
    """The user's product replaces the built-in one of the same id, and the quote says so."""
    args = ["quote", "--product", "duyun-maojian-250g", "--market", "DE", "--date", "2026-08-01"]
    args += ["--no-sensitivity", "--json"]
    code, mine = invoke_json("--db", str(my_db), *args)
    assert code == 0, mine
    assert mine["product"]["source"] == "user" and mine["product"]["replaces_builtin"] is True
    assert "replaces the built-in product" in mine["product"]["note_en"]
    assert mine["per_unit_cny"]["product_cost"] == pytest.approx(60.0)
    code, builtin = invoke_json("--db", str(my_db.with_name("none.duckdb")), *args)
    assert code == 0 and builtin["product"]["source"] == "built-in"
    assert builtin["per_unit_cny"]["product_cost"] != pytest.approx(60.0)


def test_imported_product_is_unknown_without_its_database(tmp_path: Path):
    code, doc = invoke_json(*f"--db {tmp_path / 'empty.duckdb'} quote --product my-tea-1 --market DE --json".split())
    assert code != 0 and "Unknown product id 'my-tea-1'" in doc["message"]


def test_negative_price_is_refused_before_pricing(tmp_path: Path):
    """Issue 20: `--price -5` was priced; now exit 2 naming the option."""
    code, doc = invoke_json(
        *f"--db {tmp_path / 'q.duckdb'} quote --product duyun-maojian-250g --market DE --price -5 --json".split()
    )
    assert code == 2 and doc["ok"] is False and "`price`" in doc["message"]


def test_validate_store_checks_the_users_rows_too(tmp_path: Path):
    """`data validate --store`: rows stored before today's rules are named; exit 2 (issue 21)."""
    import datetime as dt

    from qiankua.schema import FREIGHT_QUOTES
    from qiankua.store import Store
    from qiankua.store.importer import write_rows

    db = tmp_path / "q.duckdb"
    row = {"quote_id": "q1", "provider": "x", "mode": "air", "origin": "DE", "destination": "US",
           "currency": "USD", "per_kg": 3, "valid_from": dt.date(2026, 1, 1)}  # fmt: skip
    with Store(db) as store:
        write_rows(store, FREIGHT_QUOTES, FREIGHT_QUOTES.frame([row]), mode="append", file_name="old", sha256="")
    result = runner.invoke(app, ["--db", str(db), "data", "validate", "--store", "--json"])
    assert result.exit_code == 2, result.output
    doc = json.loads(result.stdout)
    assert doc["tables"]["user.freight_quotes"] == 1
    assert [(i["file"], i["row"], i["column"]) for i in doc["issues"]] == [("user.freight_quotes", 1, "origin")]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["catalog"], ["编号", "品类", "产地", "白酒", "仁怀市", "¥1,499.00", "已证实", "未证实"]),
        (["markets"], ["代码", "区域", "西亚", "欧洲", "较可信"]),
        (["quote", "--product", "duyun-maojian-250g", "--market", "DE"], ["规则表", "增值税/消费税率", "较可信"]),
        (["opportunities", "--top", "3", "--samples", "10"], ["产品", "市场", "稳定性", "权重（", "进口需求 0."]),
        (["bonded", "tax", "--value", "300", "--hs", "33049900"], ["通道 跨境电商零售进口（限值内"]),
    ],
)
def test_chinese_tables_carry_no_raw_codes(args, expected):
    """Issue 20: the catalog, markets and a quote's rules in Chinese name categories, regions, origins,
    tables and confidence in Chinese (ids, HS codes, source ids and rule keys are data and stay)."""
    import re

    result = runner.invoke(app, ["--lang", "zh", *args], env={"COLUMNS": "240"})
    assert result.exit_code == 0, result.output
    for text in expected:
        assert text in result.output, text
    tables = result.output.split("规则表")[-1] if "规则表" in result.output else result.output
    words = set(re.findall(r"(?<![\w.-])(?:[a-z]+_[a-z_]+|unconfirmed|likely|confirmed|baijiu)(?![\w.-])", tables))
    assert not words, words


def test_data_list_names_tables_in_chinese(tmp_path):
    """`data list` in Chinese: headers, the store's parts and each table's title next to its name (the name
    is what --table takes)."""
    result = runner.invoke(app, ["--lang", "zh", "--db", str(tmp_path / "q.duckdb"), "data", "list"])
    assert result.exit_code == 0, result.output
    for text in ("分区", "表", "行数", "用户数据", "系统记录", "运价报价 freight_quotes", "导入记录 imports"):
        assert text in result.output, text
    assert "schema" not in result.output and "rows" not in result.output


def test_refusals_read_in_chinese(tmp_path):
    """Issue 20: on a Chinese command line a refused input says why in Chinese — a bad weight names the usable
    criteria with their Chinese names, a bad price names the field, an import's bad cell its Chinese header —
    and English stays English."""
    bad = runner.invoke(app, ["--lang", "zh", "opportunities", "--weights", "culture=0.3,foo=0.2", "--samples", "10"])
    assert bad.exit_code == 2
    assert "权重中有未知的指标 'foo'" in bad.output and "tariff（关税）" in bad.output
    assert "InvalidInputError" not in bad.output
    price = runner.invoke(
        app, ["--lang", "zh", "quote", "--product", "duyun-maojian-250g", "--market", "DE", "--price", "-5"]
    )
    assert price.exit_code == 2 and "售价（price） 须为正数" in price.output
    src = tmp_path / "p.csv"
    src.write_text(
        "id,name_en,name_zh,category,hs6,origin_adcode,unit,unit_value_cny,unit_gross_kg\n"
        "x1,X,某,tea,090210,522701,tin,-3,0.4\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "q.duckdb")
    cells = runner.invoke(
        app, ["--lang", "zh", "--db", db, "data", "import", str(src), "--table", "products"], env={"COLUMNS": "200"}
    )
    assert cells.exit_code == 2
    assert "单位货值(元)（unit_value_cny）" in cells.output and "应大于或等于 0" in cells.output
    en = runner.invoke(
        app, ["--lang", "en", "--db", db, "data", "import", str(src), "--table", "products"], env={"COLUMNS": "200"}
    )
    assert en.exit_code == 2 and "Input should be greater than or equal to 0" in en.output
