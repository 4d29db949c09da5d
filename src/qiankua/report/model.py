"""The report's building blocks: sections holding headline figures, tables and charts."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl


@dataclass(frozen=True, kw_only=True)
class Table:
    """A table shown in HTML and written as one Excel sheet.

    ``headers`` maps column -> bilingual label; ``confidence_column`` names the
    column whose value ("unconfirmed" …) is drawn as a badge; ``link_column`` a
    column of URLs.
    """

    name: str
    frame: pl.DataFrame
    headers: dict[str, str] = field(default_factory=dict)
    confidence_column: str | None = None
    link_column: str | None = None


@dataclass(frozen=True, kw_only=True)
class BarChart:
    """A horizontal bar chart drawn as inline SVG."""

    title: str
    labels: list[str]
    values: list[float]
    unit: str = ""


@dataclass(frozen=True, kw_only=True)
class Block:
    """A headed group of plain-language lines (and optionally a small table) in the report's summary."""

    title: str
    lines: list[str] = field(default_factory=list)
    table: Table | None = None


@dataclass(frozen=True, kw_only=True)
class Section:
    key: str
    title_zh: str
    title_en: str
    intro: str = ""
    figures: list[tuple[str, str]] = field(default_factory=list)
    charts: list[BarChart] = field(default_factory=list)
    # inline SVG drawn by qiankua code (heatmaps, maps); the producer escapes every text it embeds
    svgs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # the section's top recommendations, one (zh, en) line each, best first: `qiankua demo` prints them
    recommendations: list[tuple[str, str]] = field(default_factory=list)
    # plain-language blocks (the summary); drawn before the figures, never moved to the appendix
    blocks: list[Block] = field(default_factory=list)
