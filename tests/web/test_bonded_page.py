"""The /bonded page in a real browser: three files uploaded, each order decided with its reason in Chinese,
the day's summary, the declaration table downloadable."""

from __future__ import annotations

import re

import polars as pl
import pytest

from tests.bonded.factory import frames, id_numbers
from tests.web.conftest import shot

pytestmark = pytest.mark.slow


def test_check_a_day_of_orders(server, page, tmp_path):  # type: ignore[no-untyped-def]
    o, p, w = frames(12, 4, seed=11)
    # one payment by someone else: rejected, reason in Chinese
    p = p.with_columns(
        pl.when(pl.col("order_id") == "SO0")
        .then(pl.lit(id_numbers(9, seed=77)[-1]))
        .otherwise(pl.col("payer_id_number"))
        .alias("payer_id_number")
    )
    paths = {}
    for kind, frame in (("orders", o), ("payments", p), ("waybills", w)):
        paths[kind] = tmp_path / f"{kind}.csv"
        frame.write_csv(paths[kind])
    page.goto(server.url + "/bonded")
    for kind, path in paths.items():
        page.set_input_files(f"#bonded-upload-{kind} input[type=file]", str(path))
        page.wait_for_selector(f"#bonded-received-{kind} >> text={kind}.csv")
    page.click("#bonded-check")
    page.wait_for_selector("#bonded-summary")
    assert page.inner_text("#bonded-sum-orders").strip() == "12"
    assert page.inner_text("#bonded-sum-rejected").strip() == "1"
    assert "支付人与订购人不一致" in page.inner_text("#bonded-results")
    assert "放行" in page.inner_text("#bonded-results")
    # the day's summary chart is drawn, and the Chinese page shows no raw identifier: no reason, status or
    # channel code, no identity number, no salted digest, no language code on the template buttons
    page.wait_for_selector("#bonded-chart canvas, #bonded-chart svg")
    text = page.inner_text("body")
    for code in (
        "payer_not_buyer",
        "within_limits",
        "list_unverified",
        "accepted",
        "rejected",
        "cbec",
        "general_trade",
        "list_outdated",
        "built_in",
        "exclusion",
    ):
        assert code not in text, code
    # the positive list's coverage per edition, and the (built-in, 2016) edition the 2026 orders were checked
    # against, flagged as replaced since, with its age
    coverage = page.inner_text("#bonded-coverage")
    assert "2016 版（2016-04-08 – 2019-01-01）：已载入" in coverage and "排除" in coverage
    assert "2022 版（2022-03-01 –）：已载入 0 行" in coverage and "已被取代" in coverage
    assert not [n for n in o["buyer_id_number"].to_list() + p["payer_id_number"].to_list() if n in text]
    assert not re.search(r"\b[0-9a-f]{32}\b", text)
    assert "中文表头" in page.inner_text("#bonded-template-orders-zh")
    with page.expect_download() as download:
        page.click("#bonded-download")
    assert download.value.suggested_filename == "bonded-declaration.xlsx"
    shot(page, "bonded-checked-zh")
    # the same files again: nothing new is decided
    page.click("#bonded-check")
    page.wait_for_selector("#bonded-sum-already >> text=12")
