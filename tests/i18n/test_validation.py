"""Validation reasons in Chinese, naming the row and the column (issue 20 item 3)."""

from __future__ import annotations

import pytest

from qiankua.i18n.validation import describe_issue, translate


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Input should be a valid integer, unable to parse string as an integer", "应为整数"),
        ("Input should be greater than or equal to 1", "应大于或等于 1"),
        ("Input should be a valid number, unable to parse string as a number", "应为数字"),
        ("required value missing", "必填，不能为空"),
        ("duplicate key; first seen in row 3", "键重复：第 3 行已出现"),
        ("Expected a positive number for `price`, got -5.0.", "售价（price） 须为正数，收到的是 -5.0。"),
    ],
)
def test_known_reasons_are_translated(english, chinese):
    assert translate(english, "zh") == chinese
    assert translate(english, "en") == english


def test_an_unknown_reason_is_kept():
    assert translate("something new", "zh") == "something new"


def test_an_issue_names_row_and_chinese_column():
    issue = {"row": 3, "column": "cartons", "value": "-1", "reason": "Input should be greater than or equal to 1"}
    text = describe_issue(issue, "zh", "shipments")
    assert text == "第 3 行“箱数”列（值 -1）：应大于或等于 1"
    assert describe_issue(issue, "en", "shipments").startswith("row 3, column cartons")
