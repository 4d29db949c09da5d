"""Reports: a self-contained HTML file (inline CSS and SVG, opens offline) and an Excel workbook.

A report is a list of :class:`Section`. The spine sections (catalogue, origins, markets,
sources) are :mod:`qiankua.report.sections`; each engine's sections are built here from that
engine's use-case result (:mod:`qiankua.report.costing`, ``.routing``, ``.opportunity``,
``.pooling``), and :mod:`qiankua.services.demo` pairs each use case with its presenter. This
package presents results and never imports :mod:`qiankua.services`. Both writers render the
same sections.
"""

from qiankua.report.html import write_html
from qiankua.report.model import Section, Table
from qiankua.report.xlsx import write_xlsx

__all__ = ["Section", "Table", "write_html", "write_xlsx"]
