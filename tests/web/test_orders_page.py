"""The orders page in a real browser (Debian chromium): load the made-up sample files, confirm a suggested
mapping, see the dashboard and the losing orders first; every string on the page in Chinese."""

from __future__ import annotations

from tests.web.conftest import shot


def test_orders_page_sample_mapping_dashboard(server, page):
    page.goto(server.url + "/orders")
    page.wait_for_selector("#orders-sample-load")
    page.click("#orders-sample-load")
    page.wait_for_selector("#orders-sample")  # labelled as sample data
    page.wait_for_selector("#orders-imported")
    page.wait_for_selector("#map-confirm-0")
    page.wait_for_selector("#orders-totals")
    assert "0/10" in page.inner_text("#orders-totals")  # nothing mapped, nothing priced yet
    page.click("#map-confirm-0")  # the first suggestion (Duyun Maojian tea for GZ-TEA-DY250), confirmed
    page.wait_for_function("() => !document.querySelector('#orders-totals').innerText.includes('0/10')", timeout=60_000)
    assert "1/10" in page.inner_text("#orders-totals")
    page.wait_for_selector("#orders-chart-product_id")
    page.wait_for_selector("#orders-table")
    body = page.inner_text("body")
    assert "每单毛利" in body and "Traceback" not in body
    # names, not codes; the low-value rule and the logistics basis of each priced line; how to add invoices
    assert "duyun-maojian-250g" not in page.inner_text("#orders-table") and "都匀毛尖" in body
    assert "估算" in page.inner_text("#orders-table")
    page.wait_for_selector("#orders-invoices-hint")
    page.wait_for_selector("#orders-declare")
    shot(page, "orders-dashboard-zh")
