"""`qiankua region import-nbs`: a GBK download and an online query (a loopback server standing in for
data.stats.gov.cn) land in the user's panel all-or-nothing; the evaluation then runs. Values are made up."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from qiankua.exceptions import InvalidInputError
from qiankua.services import region

PROVINCES = ["北京市", "上海市", "广东省", "四川省", "贵州省", "云南省"]
CODES = ["110000", "310000", "440000", "510000", "520000", "530000"]


def _export(unit: str = "万件") -> str:
    lines = ["数据库：分省年度数据", f"指标：快递量({unit})", "时间：最近2年", "地区,2023年,2022年"]
    lines += [f"{p},{(i + 1) * 100.0},{(i + 1) * 90.0}" for i, p in enumerate(PROVINCES)]
    lines += ["注：测试用虚构数值", "数据来源：国家统计局"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def nbs_server() -> Iterator[str]:
    nodes = [
        {
            "data": {"data": (i + 2) * 50.0, "hasdata": True},
            "wds": [
                {"wdcode": "zb", "valuecode": "T1"},
                {"wdcode": "reg", "valuecode": code},
                {"wdcode": "sj", "valuecode": str(year)},
            ],
        }
        for i, code in enumerate(CODES)
        for year in (2022, 2023)
    ]
    body = json.dumps(
        {
            "returncode": 200,
            "returndata": {"datanodes": nodes, "wdnodes": [{"wdcode": "zb", "nodes": [{"unit": "万户"}]}]},
        }
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/easyquery.htm"
    server.shutdown()
    server.server_close()


def test_file_and_query_import_then_evaluate(tmp_path: Path, nbs_server: str) -> None:
    db = tmp_path / "store.duckdb"
    gbk = tmp_path / "express.csv"
    gbk.write_bytes(_export().encode("gb18030"))
    doc = region.import_nbs(db, indicator="express_parcels", file=gbk)
    assert doc["rows"] == 12 and doc["areas"] == 6 and doc["years"] == [2022, 2023]
    doc = region.import_nbs(db, indicator="broadband_users", zb_code="T1", url=nbs_server)
    assert doc["rows"] == 12
    again = region.import_nbs(db, indicator="express_parcels", file=gbk)  # upsert: same cells, no duplicates
    assert again["rows"] == 12
    result = region.evaluate_region({"level": "province", "years": "2022-2023"}, db)
    assert {r["area"] for r in result["scores"]} >= set(CODES)


def test_wrong_unit_or_indicator_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    bad = tmp_path / "bad.csv"
    bad.write_text(_export(unit="亿件"), encoding="utf-8")
    with pytest.raises(InvalidInputError, match="unit"):
        region.import_nbs(db, indicator="express_parcels", file=bad)
    with pytest.raises(InvalidInputError, match="Unknown indicator"):
        region.import_nbs(db, indicator="parcels", file=bad)
    assert region.user_panel(db) is None
