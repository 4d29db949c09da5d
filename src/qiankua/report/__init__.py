"""Reports: a self-contained HTML file (inline CSS and SVG, opens offline) and an Excel workbook.

A report is a list of :class:`Section`; each module contributes its sections
(catalogue and markets from the spine; landed cost, routes, opportunities and
pooling as they land). Both writers render the same sections.
"""

from qiankua.report.model import Section, Table
from qiankua.report.html import write_html
from qiankua.report.xlsx import write_xlsx

__all__ = ["Section", "Table", "write_html", "write_xlsx"]
