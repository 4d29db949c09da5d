"""Saved scenarios in a real browser (issue 20 item 8): a quote saved from the quote page, reloaded on the
scenarios page and compared with a second one — in Chinese at 1440x900 and in English on a 390x844 phone
(no sideways scrolling, no raw identifier or message key in the visible text) — the comparison exported to
Excel; and the data page's upload refused with "busy, retry after N s" when the import queue is full."""

from __future__ import annotations

import asyncio
import io
import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.web.conftest import TIMEOUT_MS, shot
from tests.web.test_journeys import VISIBLE_TEXT_JS, _raw_tokens

pytestmark = pytest.mark.slow


def _context(browser, lang: str, width: int, height: int):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _goto(page, server, path: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/lang/{lang}?next={path}")
    page.wait_for_selector("[data-nav='/scenarios']")


def _quote_and_save(page, price: int, name: str) -> int:  # type: ignore[no-untyped-def]
    """Price the default product (Duyun Maojian to DE) at ``price`` and save it as ``name``; its id."""
    page.fill("#quote-price", str(price))
    page.click("#quote-run")
    page.wait_for_selector("#quote-result [data-quote='landed_cost']", timeout=120_000)
    page.fill("#scenario-name", name)
    page.click("#scenario-save")
    saved = page.wait_for_selector("#scenario-saved")
    assert name in saved.inner_text()
    return int(saved.get_attribute("data-scenario") or 0)


def _tick(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#scenario-table tbody tr", has_text=name).locator(".q-checkbox").click()


# this page's own message keys (scenarios.page.open, scenario.kind.quote), which the shared scan does not name
OWN_KEY = re.compile(r"\bscenarios?\.[a-z_]+(?:\.[a-z_]+)*")


def _raw(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Raw identifiers and message keys in the visible text (the journeys' scan, plus this page's keys)."""
    return sorted(set(_raw_tokens(page)) | set(OWN_KEY.findall(page.evaluate(VISIBLE_TEXT_JS))))


def _no_sideways_scroll(page, width: int) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_save_reload_compare_in_chinese(server, browser):
    """Two quotes saved from the quote page are listed with their margins, compared (the price differs, the
    better margin starred, the same figures as the API's comparison) and exported to Excel."""
    context = _context(browser, "zh", 1440, 900)
    try:
        page = context.new_page()
        _goto(page, server, "/quote", "zh")
        first = _quote_and_save(page, 30, "都匀毛尖 德国 30 欧")
        second = _quote_and_save(page, 45, "都匀毛尖 德国 45 欧")
        page.click("#scenario-view")
        page.wait_for_selector("#scenario-table[data-keys='ready']")
        table = page.inner_text("#scenario-table")
        assert "都匀毛尖 德国 30 欧" in table and "报价" in table and "利润率" in table
        _tick(page, "都匀毛尖 德国 30 欧")
        _tick(page, "都匀毛尖 德国 45 欧")
        page.click("#scenario-compare")
        page.wait_for_selector("#scenario-compare-table")
        differs = page.locator("#scenario-compare-table tr[data-differs='true']")
        assert differs.count() == 1 and "售价" in differs.inner_text()  # the one input that differs, named in Chinese
        assert page.locator("#scenario-compare-table td[data-best='true']").count() >= 1
        # the page shows the service's comparison (the API's /scenarios/compare calls the same function)
        from qiankua.services.scenarios import compare

        doc = compare(server.home / "qiankua.duckdb", "local", [first, second])
        margin = next(m for m in doc["metrics"] if m["key"] == "margin")
        best = page.locator(
            f"#scenario-compare-table tr[data-results='margin'] td:nth-child({margin['best'] + 2})"
        ).get_attribute("data-best")
        assert margin["best"] == 1 and best == "true"  # 45 EUR keeps more than 30 EUR
        assert not _raw(page), _raw(page)
        with page.expect_download() as got:
            page.click("#scenario-export")
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(got.value.path().read_bytes())).active
        cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
        assert "利润率" in cells and "售价（不同）" in cells
        shot(page, "scenarios-compare-zh")
    finally:
        context.close()


def test_open_and_compare_on_an_english_phone(server, browser):
    """On a 390 px phone in English: a quote saved from the quote page and one saved through the API are
    opened and compared; nothing scrolls sideways and no identifier or key shows; then both are deleted."""
    context = _context(browser, "en", 390, 844)
    try:
        page = context.new_page()
        _goto(page, server, "/quote", "en")
        _quote_and_save(page, 28, "Maojian DE phone 28")
        made = httpx.post(
            f"{server.url}/api/v1/scenarios",
            json={
                "kind": "quote",
                "name": "Maojian DE phone 50",
                "inputs": {"product_id": "duyun-maojian-250g", "market": "DE", "price": 50},
            },
            timeout=120,
        )
        assert made.status_code == 201, made.text
        _goto(page, server, "/scenarios", "en")
        page.wait_for_selector("#scenario-table[data-keys='ready']")
        _tick(page, "Maojian DE phone 50")
        page.click("#scenario-open")
        detail = page.wait_for_selector("#scenario-detail")
        text = detail.inner_text()
        assert "Germany" in text and "Price" in text and "margin" in text
        _no_sideways_scroll(page, 390)
        _tick(page, "Maojian DE phone 28")
        page.click("#scenario-compare")
        page.wait_for_selector("#scenario-compare-table")
        price = page.locator("#scenario-compare-table tr[data-inputs='price']")
        assert price.get_attribute("data-differs") == "true" and "Price" in price.inner_text()
        _no_sideways_scroll(page, 390)
        assert not _raw(page), _raw(page)
        shot(page, "scenarios-compare-en-phone")
        page.click("#scenario-delete")
        page.click("#scenario-delete-confirm")
        page.wait_for_function(
            "() => !document.querySelector('#scenario-table') || "
            "!document.querySelector('#scenario-table').innerText.includes('Maojian DE phone')"
        )
    finally:
        context.close()


def _run(coroutine):  # type: ignore[no-untyped-def]
    """``asyncio.run`` on a thread of its own (Playwright's sync API keeps a loop running on this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_data_upload_waits_in_the_import_queue(tmp_path):
    """The data page's upload is a job of the API's import queue: when the queue is full it answers "busy"
    with the seconds to wait, in both languages, and writes nothing; with room it imports as before."""
    from qiankua.i18n import t
    from qiankua.services.accounts import LOCAL_IDENTITY, Workspace
    from qiankua.services.jobs import ImportGate
    from qiankua.web.pages import upload_outcome

    ws = Workspace(identity=LOCAL_IDENTITY, db=tmp_path / "qiankua.duckdb")
    sheet = (
        "产品编号,英文名称,中文名称,品类,HS编码(6位),产地县级代码,销售单位,单位货值(元),单位毛重(kg)\n"
        "danzhai-batik-scarf,Danzhai batik scarf,丹寨蜡染围巾,textile_craft,621410,522636,piece,180,0.2\n"
    ).encode()
    full = ImportGate(concurrency=1, queue=0)
    full._running = 1  # one import running, no room to wait
    kind, value = _run(upload_outcome(ws, "products", sheet, "p.csv", "append", gate=full))
    assert kind == "busy" and value["seconds"] >= 1 and value["running"] == 1
    assert f"{value['seconds']} 秒后重试" in t("web.data.busy_retry", "zh", **value)
    assert f"retry after {value['seconds']} s" in t("web.data.busy_retry", "en", **value).lower()
    assert not ws.db.exists()  # nothing written
    kind, value = _run(upload_outcome(ws, "products", sheet, "p.csv", "append", gate=ImportGate()))
    assert kind == "ok" and value.rows_written == 1


# saved results shaped as the services return them (only the fields the headline figures read)
_RESULTS = {
    "quote": {"currency": "EUR", "status": "ok", "per_unit": {"price": 45.0, "margin": 0.127}},
    "route": {"routes": [{"cost_cny": 610.0}, {"recommended": True, "cost_cny": 527.07, "days": 21.5}]},
    "opportunity": {
        "ranking": [
            {"product": "duyun-maojian-250g", "market": "US", "feasible": False, "score": 0.9},
            {"product": "duyun-maojian-250g", "market": "DE", "feasible": True, "score": 0.8},
        ]
    },
    "pooling": {"total_saving_cny": 29761.94, "total_pooled_cny": 1000.0},
}
_KEYS = {
    "zh": {
        "quote": "利润率：12.7%",
        "route": "推荐线路运费（元）：¥527.07",
        "opportunity": "第一名（可行）：{product} → 德国",
        "pooling": "节省（元）：¥29,761.94",
    },
    "en": {
        "quote": "margin: 12.7%",
        "route": "recommended route cost (CNY): CN¥527.07",
        "opportunity": "top feasible pair: {product} → Germany",
        "pooling": "saving (CNY): CN¥29,761.94",
    },
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_key_results_come_from_the_list(tmp_path, monkeypatch, lang):
    """The list's key results are read from the scenarios list's headline figures — no scenario is opened
    again — and say what opening each one said (the same text as from the loaded scenario)."""
    from qiankua.services import scenarios as svc
    from qiankua.services.accounts import LOCAL_IDENTITY, Workspace
    from qiankua.web.layout import Page
    from qiankua.web.scenarios_page import Names, _list_rows, key_result

    db = tmp_path / "qiankua.duckdb"
    ids = {kind: svc.save(db, "local", kind, f"s-{kind}", {}, doc)["id"] for kind, doc in _RESULTS.items()}
    page = Page(lang, LOCAL_IDENTITY, Workspace(identity=LOCAL_IDENTITY, db=db), False, "/scenarios")
    loaded = {kind: key_result(page, Names(page), svc.load(db, "local", i)) for kind, i in ids.items()}

    def no_load(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the list must not open each scenario")

    monkeypatch.setattr(svc, "load", no_load)
    rows = _list_rows(page, Names(page))
    listed = {row["kind_code"]: row["key"] for row in rows}
    product = Names(page).product("duyun-maojian-250g")  # the product's name in the reference data
    assert "duyun" not in product
    assert listed == loaded == {kind: text.format(product=product) for kind, text in _KEYS[lang].items()}
    assert [row["id"] for row in rows] == sorted(ids.values(), reverse=True)  # newest first
