"""The HTML report: summary first, tables in an appendix, print-safe (issue 20 items 8 and 9)."""

import datetime as dt
import re

from qiankua.report.html import print_zoom, render_html
from qiankua.report.summary import summary_section


def _render(ref, sections):
    full = [summary_section(ref, sections, on=dt.date(2026, 12, 1)), *sections]
    return render_html(full, title="t", generated=dt.datetime(2026, 12, 6, tzinfo=dt.UTC))


def test_summary_opens_the_report_and_tables_go_to_the_appendix(ref, engine_like_sections):
    html = _render(ref, engine_like_sections)
    body = html[html.index("<main>") :]
    summary, costing, appendix = (body.index(k) for k in ('id="summary-top"', 'id="costing"', 'id="appendix"'))
    assert summary < costing < appendix
    # every table is drawn once, in the appendix, after the section bodies (the summary's own table aside)
    after = body[appendix:]
    assert body[costing:appendix].count("<table") == 0
    assert after.count("<table") == sum(len(s.tables) for s in engine_like_sections)
    # each section links to its tables in the appendix
    for anchor in re.findall(r'href="#(t-[^"]+)"', body):
        assert f'id="{anchor}"' in after


def test_print_css_never_clips_or_scrolls(ref, engine_like_sections):
    html = _render(ref, engine_like_sections)
    css = html[html.index("@media print") :]
    assert re.search(r"\.scroll, \.svgbox \{ overflow: visible !important; max-height: none !important", css)
    assert "white-space: normal" in css and "thead { display: table-header-group; }" in css
    assert "section.summary { break-after: page; }" in css
    # every row is in the document (no pagination or virtual scrolling): the 30-row wide grid prints 30 rows
    wide = html[html.index("<b>wide_grid</b>") :]
    wide = wide[: wide.index("</table>")]
    assert wide.count("<tr>") == 1 + 30


def test_print_zoom_scales_wide_tables(engine_like_sections):
    narrow, wide = engine_like_sections[2].tables
    assert print_zoom(narrow) == "1.00"
    assert print_zoom(wide) == "0.50"  # 28 columns -> half size
    assert float(print_zoom(wide)) >= 0.4


def test_report_without_summary_still_renders(engine_like_sections):
    html = render_html(engine_like_sections, title="t", generated=dt.datetime(2026, 12, 6, tzinfo=dt.UTC))
    assert 'id="summary-top"' not in html and 'id="appendix"' in html
