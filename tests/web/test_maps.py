"""The route map in a real browser: the world basemap is registered from this server (no CDN, no tiles)
before the chart is drawn, sea legs follow their lanes, nodes are named in Chinese; the route and pooling
maps carry no English label on a Chinese page and no Chinese one on an English page."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import TIMEOUT_MS, shot

pytestmark = pytest.mark.slow


def test_route_map_draws_on_the_registered_world_basemap(server, page):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    page.goto(server.url + "/routes?market=US")
    if page.locator("#module-unavailable").count():
        pytest.skip("routing engine not installed")
    page.click("#route-run")
    page.wait_for_selector("#route-map[data-basemap] canvas", timeout=120_000)
    drawn = page.evaluate("""async () => {
        const { echarts } = await import("nicegui-echart");
        const element = document.querySelector("#route-map");
        const option = echarts.getInstanceByDom(element).getOption();
        const lines = option.series.filter(s => s.type === "lines").flatMap(s => s.data);
        return {
            basemap: element.dataset.basemap,
            countries: echarts.getMap(element.dataset.basemap).geoJSON.features.length,
            geo: option.geo[0].map,
            longest: Math.max(...lines.map(d => d.coords.length)),
            nodes: option.series.find(s => s.type === "scatter").data.map(d => d.name),
        };
    }""")
    # to the US the lanes cross the Pacific: drawn on the world map seen from the Pacific (all but Antarctica)
    assert drawn["basemap"] == drawn["geo"] == "qiankua-world-pacific" and drawn["countries"] == 176
    assert drawn["longest"] > 25  # a sea lane (tens of points round the coasts), not a two-point line
    assert "洛杉矶港" in drawn["nodes"] or "洛杉矶国际机场" in drawn["nodes"]  # named in Chinese on a zh page
    assert not [e for e in errors if "not exists" in e or "qiankua-" in e], errors
    assert hosts == {server.url.split("/")[2]}, f"the map fetched from elsewhere: {hosts}"
    shot(page, "routes-world-map")


# the texts a map shows: titles, series names (the legend), node, place and line names (labels, tooltips)
MAP_TEXTS_JS = """async (selector) => {
    const { echarts } = await import("nicegui-echart");
    const option = echarts.getInstanceByDom(document.querySelector(selector)).getOption();
    const texts = [];
    for (const t of option.title || []) texts.push(t.text || "", t.subtext || "");
    for (const s of option.series) {
        texts.push(s.name || "");
        for (const d of s.data || []) if (d && d.name) texts.push(d.name);
    }
    return texts.filter(Boolean);
}"""
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_maps_speak_the_page_language(server, browser, lang):
    """The route map (to the US) and the pooling map carry no English label on a Chinese page and no Chinese
    one on an English page: titles, legend, nodes, places, vehicles and tooltips all in the page's language."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    wrong = CJK if lang == "en" else LATIN_WORD
    try:
        page = context.new_page()
        page.goto(f"{server.url}/lang/{lang}?next=/")
        page.wait_for_selector("[data-nav='/routes']")
        page.goto(server.url + "/routes?market=US")
        if page.locator("#module-unavailable").count():
            pytest.skip("routing engine not installed")
        page.click("#route-run")
        page.wait_for_selector("#route-map[data-basemap] canvas", timeout=120_000)
        routes = page.evaluate(MAP_TEXTS_JS, "#route-map")
        page.goto(server.url + "/pooling")
        page.click("#pool-demo")
        page.wait_for_selector("#pool-map[data-basemap] canvas", timeout=180_000)
        pool = page.evaluate(MAP_TEXTS_JS, "#pool-map")
    finally:
        context.close()
    assert len(routes) > 10 and len(pool) > 5
    assert (CJK if lang == "zh" else LATIN_WORD).search(" ".join(routes + pool))  # in the page's language
    assert [s for s in routes if wrong.search(s)] == []
    assert [s for s in pool if wrong.search(s)] == []
