"""Multi-user mode in the browser: login, wrong password, and one organisation never sees another's data."""

from __future__ import annotations

import pytest

from tests.web.conftest import shot

pytestmark = pytest.mark.slow

PRODUCTS = (
    "产品编号,英文名称,中文名称,品类,HS编码(6位),产地县级代码,销售单位,单位货值(元),单位毛重(kg)\n"
    "alice-tea,Alice tea,爱丽丝茶,tea,090210,522701,tin,120,0.4\n"
)


def _login(page, server, user: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/data")
    page.wait_for_selector("#username")  # redirected to the login form
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#login-submit")


def test_pages_need_login_and_wrong_password_is_refused(multi_server, page):
    page.goto(multi_server.url + "/")
    page.wait_for_selector("#login-submit")
    _login(page, multi_server, "alice", "wrong-password")
    page.wait_for_selector("#login-error")
    shot(page, "login-refused")


def test_other_org_cannot_see_imported_rows(multi_server, browser, tmp_path):
    sheet = tmp_path / "alice.csv"
    sheet.write_text(PRODUCTS, encoding="utf-8")
    alice = browser.new_context(viewport={"width": 1400, "height": 1000})
    alice.set_default_timeout(60_000)
    pa = alice.new_page()
    _login(pa, multi_server, "alice", "alice-password")
    pa.wait_for_selector("text=danzhai")
    pa.set_input_files("#data-upload input[type=file]", str(sheet))
    pa.wait_for_selector("#import-ok")
    rows = pa.request.get(multi_server.url + "/api/v1/data/products/rows").json()
    assert rows["org"] == "danzhai" and rows["total"] == 1
    shot(pa, "multi-alice")
    alice.close()

    carol = browser.new_context(viewport={"width": 1400, "height": 1000})
    carol.set_default_timeout(60_000)
    pc = carol.new_page()
    _login(pc, multi_server, "carol", "carol-password")
    pc.wait_for_selector("text=leishan")
    assert pc.locator("[data-table-count='products'] .qk-count").inner_text().strip() == "0"
    export = pc.request.get(multi_server.url + "/api/v1/data/products/export?format=csv")
    assert export.status == 200 and "alice-tea" not in export.text()
    shot(pc, "multi-carol")
    carol.close()
