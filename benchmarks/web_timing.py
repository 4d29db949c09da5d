"""Web app timing in a real browser (issue 20): each page's time to interactive and each main action's time
to result, on this machine, with Debian's chromium driven by Playwright.

A qiankua server starts in a temporary home (as the browser tests start it) and is warmed up (one visit per
page, one run of each action); then every page is opened ``--runs`` times in each language, and every main
action run ``--runs`` times. Three quote scenarios are saved through the API first, so the scenarios page
lists some (it is interactive once their key results are shown) and two of them can be compared.

* time to interactive: from ``goto`` until the page's own control is visible and enabled (the quote's
  "计算" button, the data page's upload …) — the NiceGUI page has been served, its Vue app mounted and the
  websocket connected (the controls are drawn only then);
* time to result: from the click until the result is drawn (the quote's cost cards, the routes' table …).

Baseline in the same run: the plain-HTML login page (no NiceGUI, no websocket) in the same browser — the
floor any page pays for a request and a paint on this machine.

Targets (issue 20): p95 < 1500 ms for pages, < 1000 ms for a quote. The machine is shared: run it when it
is quiet, and compare with the baseline line of the same run.

    .venv/bin/python benchmarks/web_timing.py [--runs 5] [--langs zh,en]

Ends with ``pages=<n> p95_ms=<x>`` (n page loads measured, their 95th percentile).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server  # noqa: E402

# page -> the control that says it is interactive
PAGES = {
    "/": "#start-tasks [data-task]",
    "/quote": "#quote-run:not([disabled])",
    "/routes": "#route-run:not([disabled])",
    "/opportunities": "#opp-run:not([disabled])",
    "/pooling": "#pool-demo:not([disabled])",
    "/data": "#data-upload",
    "/scenarios": "#scenario-table[data-keys='ready']",  # the saved scenarios with their key results
}
# action -> (page, button, what shows the result)
ACTIONS = {
    "quote": ("/quote", "#quote-run", "#quote-result [data-quote='landed_cost']"),
    "routes": ("/routes", "#route-run", "#route-table tbody tr"),
    "opportunities": ("/opportunities", "#opp-run", ".qk-opp-entry"),
    "pooling (demo week)": ("/pooling", "#pool-demo", "#pool-allocation tbody tr"),
    "compare 2 scenarios": ("/scenarios", "#scenario-compare", "#scenario-compare-table"),
}
# what an action ticks before its button is clicked (not timed)
PREPARE = {
    "compare 2 scenarios": (
        "#scenario-table tbody tr:nth-child(1) .q-checkbox",
        "#scenario-table tbody tr:nth-child(2) .q-checkbox",
    ),
}
# scenarios saved (through the API) before the timing, so the scenarios page lists some
SEED_SCENARIOS = [
    {
        "kind": "quote",
        "name": f"Maojian DE {price} EUR",
        "inputs": {"product_id": "duyun-maojian-250g", "market": "DE", "price": price},
    }
    for price in (30, 40, 50)
]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=5, help="timed visits of each page per language, and runs of each action"
    )
    parser.add_argument("--langs", default="zh,en")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    langs = [x for x in args.langs.split(",") if x]
    with tempfile.TemporaryDirectory(prefix="qk-web-timing-") as home:
        server = start_server(Path(home))
        try:
            import httpx

            for body in SEED_SCENARIOS:
                httpx.post(f"{server.url}/api/v1/scenarios", json=body, timeout=300).raise_for_status()
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page_ms: dict[tuple[str, str], list[float]] = {}
                action_ms: dict[str, list[float]] = {}
                baseline: list[float] = []
                for lang in langs:
                    context = browser.new_context(viewport={"width": 1440, "height": 900})
                    context.set_default_timeout(180_000)
                    tab = context.new_page()
                    tab.goto(f"{server.url}/lang/{lang}?next=/")
                    for path, ready in PAGES.items():  # warm-up: first visits compile and cache
                        tab.goto(server.url + path)
                        tab.wait_for_selector(ready)
                    for _ in range(args.runs):
                        start = time.perf_counter()
                        tab.goto(f"{server.url}/login")
                        tab.wait_for_selector("#login-submit")
                        baseline.append((time.perf_counter() - start) * 1000)
                        for path, ready in PAGES.items():
                            start = time.perf_counter()
                            tab.goto(server.url + path)
                            tab.wait_for_selector(ready)
                            page_ms.setdefault((lang, path), []).append((time.perf_counter() - start) * 1000)
                    if lang == langs[0]:
                        for name, (path, button, result) in ACTIONS.items():
                            for run in range(args.runs + 1):  # the first run warms up
                                tab.goto(server.url + path)
                                tab.wait_for_selector(f"{button}:not([disabled])")
                                for selector in PREPARE.get(name, ()):
                                    tab.click(selector)
                                start = time.perf_counter()
                                tab.click(button)
                                tab.wait_for_selector(result)
                                if run:
                                    action_ms.setdefault(name, []).append((time.perf_counter() - start) * 1000)
                    context.close()
                browser.close()
        finally:
            stop_server(server)

    print(f"{'what':<34}{'n':>4}{'median ms':>12}{'p95 ms':>10}{'target':>10}")
    print(
        f"{'baseline: plain login page':<34}{len(baseline):>4}{statistics.median(baseline):>12.0f}{p95(baseline):>10.0f}{'':>10}"
    )
    every: list[float] = []
    for (lang, path), values in page_ms.items():
        every += values
        name = f"page {path} ({lang})"
        print(f"{name:<34}{len(values):>4}{statistics.median(values):>12.0f}{p95(values):>10.0f}{'1500':>10}")
    for name, values in action_ms.items():
        target = "1000" if name == "quote" else ""
        label = f"action {name}"
        print(f"{label:<34}{len(values):>4}{statistics.median(values):>12.0f}{p95(values):>10.0f}{target:>10}")
    if "quote" in action_ms:
        print(f"quote p95_ms={p95(action_ms['quote']):.0f}")
    print(f"pages={len(every)} p95_ms={p95(every):.0f}")


if __name__ == "__main__":
    main()
