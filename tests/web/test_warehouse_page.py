"""The /warehouse page in a real browser (Debian chromium), on a server of its own.

Its own server and home: other browser tests import orders whose sales would replace the synthetic sample
history this test looks for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.conftest import Server, shot, start_server, stop_server


@pytest.fixture(scope="module")
def warehouse_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = start_server(tmp_path_factory.mktemp("web-warehouse"))
    yield s
    stop_server(s)


@pytest.mark.slow
def test_page_plans_the_sample_and_says_it_is_synthetic(warehouse_server, page):
    """Open /warehouse (zh), see the synthetic-sample warning, run the first pair, get both charts."""
    page.set_default_timeout(180_000)  # the first plan imports statsforecast in the server: slow on a busy machine
    page.goto(warehouse_server.url + "/warehouse", wait_until="domcontentloaded")
    page.wait_for_selector("#warehouse-synthetic-top")
    assert "合成样例" in page.inner_text("#warehouse-synthetic-top")
    page.click("#warehouse-run")
    page.wait_for_selector("#warehouse-cost-chart canvas, #warehouse-cost-chart svg")
    page.wait_for_selector("#warehouse-stock-chart")
    body = page.inner_text("body")
    assert "推荐" in body and "Traceback" not in body
    shot(page, "warehouse-zh")
