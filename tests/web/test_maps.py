"""The route map in a real browser: the world basemap is registered from this server (no CDN, no tiles)
before the chart is drawn, sea legs follow their lanes, nodes are named in Chinese."""

from __future__ import annotations

import pytest

from tests.web.conftest import shot

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
