"""NBS 分省年度数据 readers: the download file and the query JSON (shapes as the site serves them; the
numbers below are made up for the test)."""

from __future__ import annotations

import pytest

from qiankua.exceptions import InvalidInputError
from qiankua.region.nbs import query_params, read_export, read_query_json

EXPORT = """数据库：分省年度数据
指标：快递量(万件)
时间：最近3年
地区,2023年,2022年,2021年
北京市,100.5,90,
贵州省,"1,234.5",1000,900
注：本表数据为测试用虚构数值
数据来源：国家统计局
"""


def test_export_rows_unit_and_missing_cells() -> None:
    parsed = read_export(EXPORT, file="test.csv")
    assert parsed.indicator_name == "快递量" and parsed.unit == "10k items"
    assert ("贵州省", 2023, 1234.5) in parsed.rows
    assert ("北京市", 2021, 0.0) not in parsed.rows and len(parsed.rows) == 5  # the empty cell stays missing


def test_export_without_header_is_named() -> None:
    with pytest.raises(InvalidInputError, match=r"x\.csv: no header row"):
        read_export("a,b\n1,2\n", file="x.csv")
    with pytest.raises(InvalidInputError, match="line 6, 贵州省 2023"):
        read_export(EXPORT.replace('"1,234.5"', "abc"), file="t.csv")


def test_query_json() -> None:
    doc = {
        "returncode": 200,
        "returndata": {
            "datanodes": [
                {
                    "code": "zb.X_reg.520000_sj.2023",
                    "data": {"data": 12.5, "hasdata": True, "strdata": "12.5"},
                    "wds": [
                        {"wdcode": "zb", "valuecode": "X"},
                        {"wdcode": "reg", "valuecode": "520000"},
                        {"wdcode": "sj", "valuecode": "2023"},
                    ],
                },
                {
                    "code": "zb.X_reg.110000_sj.2023",
                    "data": {"data": 0, "hasdata": False, "strdata": ""},
                    "wds": [
                        {"wdcode": "zb", "valuecode": "X"},
                        {"wdcode": "reg", "valuecode": "110000"},
                        {"wdcode": "sj", "valuecode": "2023"},
                    ],
                },
            ],
            "wdnodes": [{"wdcode": "zb", "nodes": [{"code": "X", "unit": "万户"}]}],
        },
    }
    parsed = read_query_json(doc)
    assert parsed.rows == [("520000", 2023, 12.5)] and parsed.unit == "10k subscribers"
    assert query_params("A0X")["dbcode"] == "fsnd"
