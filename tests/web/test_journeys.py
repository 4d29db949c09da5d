"""A seller's day in a real browser (issue 20): no raw identifier or message key on any page in either
language, Quasar's own strings in the page's language, labels never cut at 1440 px, phone layouts that
stack and never scroll sideways at 390x844, the quote that agrees with the router and the market-entry
rules, the opportunity page's links to the same pair's quote and routes, and the start page's four tasks."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import TIMEOUT_MS, shot

pytestmark = pytest.mark.slow

PAGES = ["/", "/quote", "/routes", "/opportunities", "/pooling", "/data"]

# a snake_case identifier (tea_green, no_rule, rail_cer_lcl) or a dotted message key (web.quote.driver.fx)
SNAKE = re.compile(r"(?<![\w./:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-])")
KEY = re.compile(r"\b(?:web|costing|routing|opportunity|pooling|data|app|report|error)\.[a-z_]+(?:\.[a-z_]+)+\b")
CJK = re.compile(r"[\u4e00-\u9fff]")

# the page's visible text, without cells that quote data verbatim (rule keys, source ids, source notes)
VISIBLE_TEXT_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest('.qk-verbatim, .q-icon, .material-icons, script, style, noscript, [hidden]')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (!el.getClientRects().length) continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  return out.join('\\n');
}"""


def _context(browser, lang: str, width: int = 1440, height: int = 900):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _open(context, server, path: str, lang: str):  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.goto(f"{server.url}/lang/{lang}?next={path}")
    page.wait_for_selector("[data-nav='/data']")
    page.wait_for_load_state("networkidle")
    return page


def _raw_tokens(page) -> list[str]:  # type: ignore[no-untyped-def]
    text = page.evaluate(VISIBLE_TEXT_JS)
    found = set(SNAKE.findall(text)) | set(KEY.findall(text))
    return sorted(found)


def _act(page, path: str) -> None:  # type: ignore[no-untyped-def]
    """The page's main action, so its results are scanned too."""
    if path == "/quote" and page.locator("#quote-run").count():
        page.click("#quote-run")
        page.wait_for_selector("#quote-result, #quote-error", timeout=120_000)
    elif path == "/routes" and page.locator("#route-run").count():
        page.click("#route-run")
        page.wait_for_selector("#route-result, #route-error", timeout=120_000)
    elif path == "/pooling" and page.locator("#pool-demo").count():
        page.click("#pool-demo")
        page.wait_for_selector("#pool-result, #pool-error", timeout=180_000)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_raw_identifier_on_any_page(server, browser, lang):
    """Every page, and the results of its main action, show names, never codes like ``no_rule``, ``tea_green``,
    ``rail_cer_lcl`` or message keys like ``web.quote.driver.fx``."""
    context = _context(browser, lang)
    problems: dict[str, list[str]] = {}
    try:
        for path in PAGES:
            page = _open(context, server, path, lang)
            _act(page, path)
            page.wait_for_timeout(300)
            found = _raw_tokens(page)
            if found:
                problems[path] = found
                shot(page, f"raw-{lang}{path.replace('/', '-')}")
            page.close()
    finally:
        context.close()
    assert not problems, f"raw identifiers on {lang} pages: {problems}"


def test_english_pages_have_no_chinese_widget_strings(server, browser):
    """Quasar's strings follow the page's language: an English table says "Records per page", not 每页的行数."""
    context = _context(browser, "en")
    try:
        page = _open(context, server, "/", "en")
        page.wait_for_selector("#catalogue-table .q-table__bottom")
        bottom = page.inner_text("#catalogue-table .q-table__bottom")
        assert not CJK.search(bottom), bottom
        header = page.inner_text("header")
        assert not CJK.search(header.replace("中文", "")), header
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_labels_never_cut_at_1440(server, browser, lang):
    """Each form field's label fits in its field (no 监…, 物流…, 目标…)."""
    context = _context(browser, lang)
    cut: dict[str, list[str]] = {}
    try:
        for path in ["/quote", "/routes", "/data", "/pooling", "/opportunities"]:
            page = _open(context, server, path, lang)
            found = page.evaluate("""() => [...document.querySelectorAll('.q-field')].flatMap(f => {
                const label = f.querySelector('.q-field__label'); if (!label) return [];
                const room = f.querySelector('.q-field__control-container') || f;
                return label.scrollWidth > room.clientWidth + 1 ? [label.textContent] : []; })""")
            if found:
                cut[path] = found
            page.close()
    finally:
        context.close()
    assert not cut, f"labels cut at 1440 px ({lang}): {cut}"


def test_phone_layout_stacks_and_never_scrolls_sideways(server, browser):
    """At 390x844 no page is wider than the screen, and the quote's two charts sit one under the other."""
    context = _context(browser, "zh", 390, 844)
    wide: dict[str, int] = {}
    try:
        for path in PAGES:
            page = _open(context, server, path, "zh")
            _act(page, path)
            page.wait_for_timeout(300)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > 390:
                wide[path] = width
                shot(page, f"phone-wide{path.replace('/', '-')}")
            if path == "/quote" and page.locator("#quote-waterfall").count():
                a = page.locator("#quote-waterfall").bounding_box()
                b = page.locator("#quote-tornado").bounding_box()
                assert a and b and b["y"] >= a["y"] + a["height"] - 1, "the quote's charts are side by side"
                shot(page, "phone-quote")
            page.close()
    finally:
        context.close()
    assert not wide, f"pages wider than a 390 px phone: {wide}"


def test_quote_agrees_with_router_and_requirements(server, browser):
    """Tea to DE shows the route used (days, CO2) and the EU pesticide blocker first; Moutai by post is
    refused by the router, and the quote says so in red with the router's reason."""
    context = _context(browser, "zh")
    try:
        page = _open(context, server, "/quote?product=duyun-maojian-250g&market=DE", "zh")
        page.click("#quote-run")
        page.wait_for_selector("#quote-result", timeout=120_000)
        label = page.inner_text("#quote-route-label")
        assert "邮政" in label and "经" in label, label
        assert "天" in page.inner_text("#quote-route-days")
        assert "CO₂e" in page.inner_text("#quote-route-co2")
        severities = page.locator("#quote-requirements [data-severity]")
        assert severities.first.get_attribute("data-severity") == "blocker"
        assert page.locator("#quote-requirements [data-note='blocked']").count() == 1
        assert page.get_attribute("#quote-route-link", "href").startswith("/routes?product=duyun-maojian-250g")
        shot(page, "quote-route-requirements")

        page.goto(f"{server.url}/quote?product=moutai-feitian-53-500ml&market=DE&service=postal")
        page.wait_for_selector("#quote-run")
        page.click("#quote-run")
        page.wait_for_selector("#quote-excluded", timeout=120_000)
        text = page.inner_text("#quote-excluded")
        assert "不能运送" in text and "酒类" in text, text
        shot(page, "quote-alcohol-by-post")
    finally:
        context.close()


def test_negative_price_is_refused_in_chinese(server, browser):
    context = _context(browser, "zh")
    try:
        page = _open(context, server, "/quote", "zh")
        page.fill("#quote-price", "-5")
        page.click("#quote-run")
        page.wait_for_selector("#quote-error", timeout=120_000)
        assert "售价" in page.inner_text("#quote-error") and "正数" in page.inner_text("#quote-error")
        assert page.locator("#quote-result").count() == 0
    finally:
        context.close()


def test_opportunity_pairs_link_to_their_quote_and_routes(server, browser):
    context = _context(browser, "zh")
    try:
        page = _open(context, server, "/opportunities", "zh")
        if page.locator("#module-unavailable").count():
            pytest.skip("opportunity engine not installed")
        assert page.locator("[data-jargon='entropy']").count() == 1
        page.click("#opp-run")
        page.wait_for_selector(".qk-opp-entry", timeout=180_000)
        page.locator(".qk-opp-entry").first.click()
        quote = page.locator("a.qk-opp-quote").first
        href = quote.get_attribute("href") or ""
        assert href.startswith("/quote?product=") and "&market=" in href
        assert (page.locator("a.qk-opp-route").first.get_attribute("href") or "").startswith("/routes?product=")
        quote.click()
        page.wait_for_selector("#quote-run")
        product = href.split("product=")[1].split("&")[0]
        page.wait_for_timeout(500)
        values = page.evaluate("() => [...document.querySelectorAll('input')].map(i => i.value).join('|')")
        assert f"({product})" in values  # the pair's product is selected in the form
    finally:
        context.close()


def test_start_page_offers_four_tasks_with_icons_not_emoji(server, browser):
    context = _context(browser, "zh")
    try:
        page = _open(context, server, "/", "zh")
        assert page.locator("#start-tasks [data-task]").count() == 4
        assert page.locator("#start-tasks .q-icon.material-icons").count() >= 4
        text = page.evaluate(VISIBLE_TEXT_JS)
        assert not re.search("[\U0001f300-\U0001faff\u2600-\u27bf]", text), "emoji on the page"
        page.click("[data-task='quote']")
        page.wait_for_selector("#quote-run")
    finally:
        context.close()


def test_pooling_plans_the_shipments_imported_on_the_data_page(server, browser, tmp_path):
    good = (
        "货物编号,出口企业,起运县代码,箱数,箱长(cm),箱宽(cm),箱高(cm),单箱毛重(kg),目的市场\n"
        "j1,丹寨合作社,522636,3,40,30,30,8,德国\n"
        "j2,雷山银饰,522634,2,40,30,30,6,de\n"
        "j3,凯里茶业,522601,4,50,40,30,10,DE\n"
    )
    sheet = tmp_path / "week.csv"
    sheet.write_text(good, encoding="utf-8")
    context = _context(browser, "zh")
    try:
        page = _open(context, server, "/data", "zh")
        page.click("#table-select")
        page.click(".q-menu >> text=待发货物")
        page.click("text=按键覆盖") if page.locator("text=按键覆盖").count() else None
        page.set_input_files("#data-upload input[type=file]", str(sheet))
        page.wait_for_selector("#import-ok, #import-bad")
        assert page.locator("#import-ok").count() == 1, page.inner_text("body")[-1500:]
        page.goto(server.url + "/pooling")
        page.wait_for_selector("#pool-stored")
        assert page.locator("#pool-stored[disabled]").count() == 0
        page.click("#pool-stored")
        page.wait_for_selector("#pool-result", timeout=180_000)
        assert page.locator("#pool-allocation tbody tr").count() >= 2
        shot(page, "pooling-stored")
    finally:
        context.close()
