"""``qiankua demo``: build the database, run every engine present, write the reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qiankua.i18n import both
from qiankua.plugins import engine_modules
from qiankua.reference import ReferenceData, load_reference
from qiankua.report import Section, write_html, write_xlsx
from qiankua.report.sections import sources_section, spine_sections
from qiankua.services.data import build_database
from qiankua.store import Store

Step = Callable[[str], None]

def engine_sections(ref: ReferenceData, store: Store, step: Step) -> list[Section]:
    """Sections from every engine present: ``qiankua.services.<engine>.demo_sections(ref, store)``.

    An engine joins the demo and the report by providing that function; nothing here changes.
    """
    sections: list[Section] = []
    for engine, module in engine_modules("services"):
        build = getattr(module, "demo_sections", None)
        if build is not None:
            step(f"{engine}.demo.step")
            sections.extend(build(ref, store))
    return sections


@dataclass(frozen=True, kw_only=True)
class DemoResult:
    html: Path
    xlsx: Path
    db: Path
    tables: dict[str, int]
    headlines: list[tuple[str, str]] = field(default_factory=list)
    recommendations: list[tuple[str, str]] = field(default_factory=list)  # (zh, en), best first
    sections: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": True,
            "html": str(self.html),
            "xlsx": str(self.xlsx),
            "db": str(self.db),
            "tables": self.tables,
            "sections": self.sections,
            "headlines": [{"label": k, "value": v} for k, v in self.headlines],
            "recommendations": [{"zh": zh, "en": en} for zh, en in self.recommendations],
        }


def run_demo(db: Path | None, out_dir: Path, step: Step = lambda _key: None) -> DemoResult:
    step("demo.step.validate")
    ref = load_reference()
    step("demo.step.store")
    with Store(db) as store:
        counts = build_database(store, ref)
        db_path = store.path
        sections: list[Section] = spine_sections(ref)
        sections.extend(engine_sections(ref, store, step))
    step("demo.step.report")
    sections.append(sources_section(ref))
    title = both("report.title")
    footer = both("report.footer")
    html = write_html(sections, out_dir / "report.html", title=title, footer=footer)
    xlsx = write_xlsx(sections, out_dir / "report.xlsx", title=title)
    headlines = [fig for s in sections for fig in s.figures]
    recommendations = [line for s in sections for line in s.recommendations]
    return DemoResult(html=html, xlsx=xlsx, db=db_path, tables=counts, headlines=headlines,
                      recommendations=recommendations, sections=[s.key for s in sections])
