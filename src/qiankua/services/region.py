"""Regional evaluation use cases: the built-in provincial panel and the user's own panel -> the region engine.

``evaluate_region`` (``qiankua region evaluate``, ``POST /api/v1/region/evaluate``, the /region page) and
``coupling`` (``qiankua region coupling``, ``POST /api/v1/region/coupling``) return the same JSON document on
every edge. Areas are named by code or by name (Chinese, English, pinyin; :class:`AreaNames`); figures keep
their source and confidence, and a missing cell stays missing unless the user asks for imputation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from qiankua.exceptions import InvalidInputError
from qiankua.reference import ReferenceData, load_reference
from qiankua.region import Band, Indicator, Options, coordination, evaluate
from qiankua.region.evaluate import IMPUTE_METHODS, band_of
from qiankua.region.names import AreaNames, _key, area_names_of
from qiankua.vocabulary import REGION_LEVELS

LEVELS = REGION_LEVELS
FOCUS = "520000"  # Guizhou: the province whose gap the evaluation decomposes
SUBSYSTEMS = ("digital", "cbec")
SUBSYSTEM_LABELS = {"digital": ("数字基础", "Digital foundations"), "cbec": ("跨境电商与外贸", "CBEC and trade")}
REFERENCE_LABELS = {
    "median": ("全国中位省份", "national median province"),
    "best_west": ("西部最佳省份", "best western province"),
}


def area_names(ref: ReferenceData | None = None) -> AreaNames:
    ref = ref or load_reference()
    return area_names_of(ref)


def indicator_system(ref: ReferenceData | None = None) -> pl.DataFrame:
    """The indicator system (indicator, subsystem, direction, unit, names zh/en, source)."""
    ref = ref or load_reference()
    return ref.table("region_indicators").with_columns(pl.col("direction").cast(pl.Int64))


def bands(ref: ReferenceData | None = None) -> list[Band]:
    ref = ref or load_reference()
    return [
        Band(
            band=int(r["band"]),
            d_low=float(r["d_low"]),
            d_high=float(r["d_high"]),
            name_zh=r["name_zh"],
            name_en=r["name_en"],
        )
        for r in ref.table("region_bands").iter_rows(named=True)
    ]


def builtin_panel(ref: ReferenceData | None = None) -> pl.DataFrame:
    """The built-in panel (``region_panel.csv``): area, year, indicator, value, source_id, confidence."""
    ref = ref or load_reference()
    if "region_panel" not in ref.tables:
        return pl.DataFrame(
            schema={
                "area": pl.Utf8,
                "year": pl.Int64,
                "indicator": pl.Utf8,
                "value": pl.Float64,
                "source_id": pl.Utf8,
                "confidence": pl.Utf8,
            }
        )
    frame = ref.table("region_panel")
    return frame.select(
        "area",
        pl.col("year").cast(pl.Int64),
        "indicator",
        pl.col("value").cast(pl.Float64),
        "source_id",
        "confidence",
    )


def panel_coverage(ref: ReferenceData | None = None) -> list[dict[str, Any]]:
    """What the built-in panel holds: per indicator, the years, the areas and the cells (zh/en names)."""
    ref = ref or load_reference()
    system = {r["indicator"]: r for r in indicator_system(ref).iter_rows(named=True)}
    panel = builtin_panel(ref)
    held = {
        r["indicator"]: r
        for r in panel.group_by("indicator")
        .agg(
            pl.col("year").min().alias("first_year"),
            pl.col("year").max().alias("last_year"),
            pl.col("area").n_unique().alias("areas"),
            pl.len().alias("cells"),
        )
        .iter_rows(named=True)
    }
    return [
        {
            "indicator": name,
            "indicator_zh": ind["name_zh"],
            "indicator_en": ind["name_en"],
            "subsystem": ind["subsystem"],
            "first_year": held.get(name, {}).get("first_year"),
            "last_year": held.get(name, {}).get("last_year"),
            "areas": held.get(name, {}).get("areas", 0),
            "cells": held.get(name, {}).get("cells", 0),
        }
        for name, ind in system.items()
    ]


def check_panel_rows(rows: pl.DataFrame, ref: ReferenceData | None = None, *, file: str = "panel") -> pl.DataFrame:
    """Resolve area names and check indicators and units of a user panel; raise naming row and column.

    ``rows`` has ``area, year, indicator, value, measure`` (and optional ``source``); returns it with ``area``
    replaced by the code. Errors list up to ten cells: ``file row N, column C: value — reason``.
    """
    ref = ref or load_reference()
    names = area_names(ref)
    system = {r["indicator"]: r for r in indicator_system(ref).iter_rows(named=True)}
    problems: list[str] = []
    codes: list[str | None] = []
    for i, row in enumerate(rows.iter_rows(named=True), start=2):
        try:
            codes.append(names.resolve(row["area"]))
        except InvalidInputError as exc:
            codes.append(None)
            problems.append(f"{file} row {i}, column area: {exc}")
        ind = system.get(row["indicator"])
        if ind is None:
            problems.append(
                f"{file} row {i}, column indicator: unknown indicator {row['indicator']!r}; expected one of "
                + ", ".join(system)
            )
        elif row.get("measure") is not None and _key(row["measure"]) != _key(ind["unit"]):
            problems.append(
                f"{file} row {i}, column measure: {row['measure']!r} does not match the indicator's unit "
                f"{ind['unit']!r}"
            )
        if row.get("value") is not None and row["value"] < 0:
            problems.append(f"{file} row {i}, column value: {row['value']} is negative; counts and values are >= 0")
    if problems:
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise InvalidInputError("The panel has errors:\n" + "\n".join(problems[:10]) + more)
    return rows.with_columns(pl.Series("area", codes, dtype=pl.Utf8))


def user_panel(db: Path | str | None, ref: ReferenceData | None = None) -> pl.DataFrame | None:
    """The user's imported ``region_panel`` (areas resolved to codes), or None."""
    if db is None or not Path(db).is_file():
        return None
    from qiankua.store import Store

    with Store(db, read_only=True) as store:
        if ("user", "region_panel") not in store.tables():
            return None
        frame = store.frame("region_panel")
    if not frame.height:
        return None
    checked = check_panel_rows(frame, ref, file="user.region_panel")
    return checked.select(
        "area",
        pl.col("year").cast(pl.Int64),
        "indicator",
        pl.col("value").cast(pl.Float64),
        pl.lit("user").alias("source_id"),
        pl.lit("user").alias("confidence"),
    )


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInputError("The file is neither UTF-8 nor GBK/GB18030 text.")


def _sheet_as_csv(path: Path) -> str:
    import csv
    import io

    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_index(0).to_python()
    buf = io.StringIO()
    csv.writer(buf).writerows(
        ["" if c is None else (f"{c:g}" if isinstance(c, float) else str(c)) for c in row] for row in rows
    )
    return buf.getvalue()


def import_nbs(
    db: Path | str | None,
    *,
    indicator: str,
    file: Path | None = None,
    zb_code: str | None = None,
    url: str | None = None,
    timeout: float = 30.0,
) -> dict[str, Any]:
    """Load one indicator of NBS 分省年度数据 into the user's ``region_panel``: from a downloaded file, or
    (online) from the query endpoint for the NBS indicator code ``zb_code``. All-or-nothing, upsert by
    area, year and indicator; the unit the source states must be the indicator's unit.
    """
    import csv
    import json
    import tempfile
    import urllib.error
    import urllib.parse
    import urllib.request

    from qiankua.region.nbs import NBS_QUERY_URL, query_params, read_export, read_query_json
    from qiankua.services.data import import_user_file

    ref = load_reference()
    system = {r["indicator"]: r for r in indicator_system(ref).iter_rows(named=True)}
    if indicator not in system:
        raise InvalidInputError(f"Unknown indicator {indicator!r}; expected one of {', '.join(system)}.")
    if (file is None) == (zb_code is None):
        raise InvalidInputError("Give either a downloaded NBS file or an NBS indicator code (--nbs-code), not both.")
    if file is not None:
        path = Path(file)
        if not path.is_file():
            raise InvalidInputError(f"{path}: no such file")
        text = _sheet_as_csv(path) if path.suffix.lower() in (".xlsx", ".xls") else _decode(path.read_bytes())
        parsed = read_export(text, file=path.name)
        source = f"NBS 分省年度数据 download: {path.name}"
    else:
        link = (url or NBS_QUERY_URL) + "?" + urllib.parse.urlencode(query_params(str(zb_code)))
        try:
            with urllib.request.urlopen(link, timeout=timeout) as resp:
                doc = json.loads(resp.read().decode("utf-8"))
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise InvalidInputError(f"Could not read the NBS query answer from {link}: {exc}") from None
        parsed = read_query_json(doc, source=link)
        source = f"NBS 分省年度数据 query zb={zb_code} ({url or NBS_QUERY_URL})"
    want = system[indicator]["unit"]
    if parsed.unit is not None and _key(parsed.unit) != _key(want):
        raise InvalidInputError(f"The source's unit {parsed.unit!r} is not the unit of {indicator} ({want!r}).")
    names = area_names(ref)
    unknown = sorted({a for a, _, _ in parsed.rows if names.lookup.get(_key(a)) is None})
    if unknown:
        raise InvalidInputError(f"Unknown areas in the source: {', '.join(unknown[:10])}.")
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "region_panel.csv"
        with staged.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["area", "year", "indicator", "value", "measure", "source"])
            for area, year, value in parsed.rows:
                w.writerow([names.resolve(area), year, indicator, repr(value), want, source])
        result = import_user_file(Path(db) if db else None, staged, "region_panel", mode="upsert")
    years = [y for _, y, _ in parsed.rows]
    return {
        "indicator": indicator,
        "rows": result.rows_written,
        "areas": len({a for a, _, _ in parsed.rows}),
        "years": [min(years), max(years)],
        "source": source,
    }


def _years(spec: str | None) -> tuple[int, int] | None:
    if not spec:
        return None
    parts = str(spec).replace("–", "-").split("-")
    try:
        lo, hi = (int(parts[0]), int(parts[-1]))
    except ValueError:
        raise InvalidInputError(f"Years {spec!r}: expected a year or a range like 2015-2024.") from None
    if lo > hi:
        raise InvalidInputError(f"Years {spec!r}: the first year is after the last.")
    return lo, hi


def _floats(value: Any) -> dict[str, float]:
    if not value:
        return {}
    if isinstance(value, dict):
        return {str(k): float(v) for k, v in value.items()}
    out: dict[str, float] = {}
    for part in str(value).split(","):
        name, _, num = part.partition("=")
        try:
            out[name.strip()] = float(num)
        except ValueError:
            raise InvalidInputError(f"Weight {part!r}: expected name=number, e.g. broadband_users=0.2.") from None
    return out


def evaluate_region(request: dict[str, Any], db: Path | str | None = None) -> dict[str, Any]:
    """The regional evaluation document (see the module docstring)."""
    ref = load_reference()
    level = request.get("level") or "province"
    if level not in LEVELS:
        raise InvalidInputError(f"Unknown level {level!r}; expected one of {', '.join(LEVELS)}.")
    impute = request.get("impute") or "none"
    if impute not in IMPUTE_METHODS:
        raise InvalidInputError(f"Unknown imputation {impute!r}; expected one of {', '.join(IMPUTE_METHODS)}.")
    method = request.get("method") or "entropy"
    a = request.get("subsystem_weights")
    sub_w = tuple(float(x) for x in (a.split(",") if isinstance(a, str) else a)) if a else None
    names = area_names(ref)
    system = indicator_system(ref)
    panel = builtin_panel(ref)
    mine = user_panel(db, ref)
    if mine is not None:  # the user's cells win over the built-in ones for the same area, year and indicator
        panel = pl.concat([mine, panel.join(mine, on=["area", "year", "indicator"], how="anti")])
    panel = panel.filter(pl.col("area").replace_strict(names.level, default=None) == level)
    years = _years(request.get("years"))
    if years:
        panel = panel.filter(pl.col("year").is_between(*years))
    if panel.height == 0:
        raise InvalidInputError(
            f"No {level} data for these years: import a panel with `qiankua data import FILE --table region_panel`."
        )
    indicators = [
        Indicator(indicator=r["indicator"], subsystem=r["subsystem"], direction=int(r["direction"]))
        for r in system.iter_rows(named=True)
    ]
    evaluation = evaluate(
        panel.select("area", "year", "indicator", "value"),
        indicators,
        bands(ref),
        Options(
            subsystems=SUBSYSTEMS,
            subsystem_weights=sub_w,
            weights=_floats(request.get("weights")),
            method=method,
            impute=impute,
            focus=FOCUS if level == "province" else None,
            west=names.west,
        ),
    )
    band_names = {b.band: (b.name_zh, b.name_en) for b in bands(ref)}
    ind_names = {r["indicator"]: (r["name_zh"], r["name_en"], r["unit"]) for r in system.iter_rows(named=True)}

    def named(frame: pl.DataFrame, column: str = "area") -> list[dict[str, Any]]:
        rows = frame.to_dicts()
        for r in rows:
            zh, en = names.names.get(r[column], (r[column], r[column]))
            r["name_zh"], r["name_en"] = zh, en
            if "band" in r:
                r["band_zh"], r["band_en"] = band_names.get(r["band"], (None, None))
            if "indicator" in r:
                r["indicator_zh"], r["indicator_en"], r["indicator_unit"] = ind_names[r["indicator"]]
        return rows

    latest = int(evaluation.scores["year"].max())  # type: ignore[arg-type]
    top_obstacles = (
        evaluation.obstacles.filter(pl.col("year") == latest)
        .unpivot(index=["area", "year"], variable_name="indicator", value_name="obstacle")
        .sort("obstacle", descending=True)
        .group_by("area", maintain_order=True)
        .head(3)
        .sort("area")
    )
    sources = panel.group_by("source_id", "confidence").len("cells").sort("cells", descending=True)
    flags: list[dict[str, str]] = []
    partial = evaluation.coverage.filter(pl.col("share") < 1)
    if partial.height:
        flags.append(
            {
                "flag": "panel_incomplete",
                "zh": f"面板不完整：{partial.height} 个指标有缺失值（缺失保持缺失，指数按已有指标的权重计算并给出覆盖率）",
                "en": f"Incomplete panel: {partial.height} indicators have missing cells (kept missing; indices use "
                "the weights of the indicators present and report their coverage)",
            }
        )
    if evaluation.imputed.height:
        flags.append(
            {
                "flag": "imputed",
                "zh": f"按您的要求用「{impute}」方法填补了 {evaluation.imputed.height} 个缺失值；相关结果标注填补数",
                "en": f"{evaluation.imputed.height} missing cells filled by the {impute!r} method at your request; "
                "each affected result shows its imputed_cells",
            }
        )
    low = sources.filter(pl.col("confidence").is_in(["unconfirmed"]))
    if low.height:
        flags.append(
            {
                "flag": "unconfirmed_figures",
                "zh": f"{int(low['cells'].sum())} 个数值可信度为「未证实」",
                "en": f"{int(low['cells'].sum())} figures are unconfirmed",
            }
        )
    return {
        "level": level,
        "years": [int(evaluation.scores["year"].min()), latest],  # type: ignore[arg-type]
        "method": method,
        "imputation": impute,
        "subsystems": [
            {"key": s, "zh": SUBSYSTEM_LABELS[s][0], "en": SUBSYSTEM_LABELS[s][1], "weight": w}
            for s, w in zip(SUBSYSTEMS, sub_w or (0.5, 0.5), strict=True)
        ],
        "weights": [
            {**r, "indicator_zh": ind_names[r["indicator"]][0], "indicator_en": ind_names[r["indicator"]][1]}
            for r in evaluation.weights.to_dicts()
        ],
        "scores": named(evaluation.scores),
        "obstacles": named(top_obstacles),
        "dynamics": named(evaluation.dynamics),
        "gap": [
            {
                **r,
                "reference_zh": REFERENCE_LABELS[r["reference"]][0],
                "reference_en": REFERENCE_LABELS[r["reference"]][1],
                "area_zh": names.names.get(r["reference_area"], ("", ""))[0],
                "area_en": names.names.get(r["reference_area"], ("", ""))[1],
                "indicator_zh": ind_names[r["indicator"]][0],
                "indicator_en": ind_names[r["indicator"]][1],
            }
            for r in evaluation.gap.to_dicts()
        ],
        "coverage": [
            {**r, "indicator_zh": ind_names[r["indicator"]][0], "indicator_en": ind_names[r["indicator"]][1]}
            for r in evaluation.coverage.to_dicts()
        ],
        "imputed": evaluation.imputed.to_dicts(),
        "sources": sources.to_dicts(),
        "focus": FOCUS if level == "province" else None,
        "flags": flags,
        "method_note": {
            "zh": "全局熵值法（全部地区、全部年份统一标准化，平移 0.0001 避免零对数）；耦合度默认采用王淑佳等（2021）"
            "修正形式，传统形式并列；协调等级按田深圳等（2021）表 1 十级划分。",
            "en": "Global entropy method (min-max over all areas and years, shifted by 0.0001 so no log of zero); "
            "coupling degree in the corrected form of Wang et al. (2021) by default, the traditional form beside it; "
            "ten coordination bands after Tian et al. (2021) table 1.",
        },
    }


def coupling(request: dict[str, Any]) -> dict[str, Any]:
    """C (corrected), C (traditional), T, D and the band for an analyst's own subsystem scores."""
    raw = request.get("u")
    if raw is None or raw == "":
        raise InvalidInputError("u: expected two or more subsystem scores in [0, 1], e.g. 0.32,0.29.")
    try:
        u = [float(x) for x in (raw.split(",") if isinstance(raw, str) else raw)]
    except (TypeError, ValueError):
        raise InvalidInputError(f"u: {raw!r} is not a list of numbers (e.g. 0.32,0.29).") from None
    w_raw = request.get("weights")
    try:
        w = [float(x) for x in (w_raw.split(",") if isinstance(w_raw, str) else w_raw)] if w_raw else None
    except (TypeError, ValueError):
        raise InvalidInputError(f"weights: {w_raw!r} is not a list of numbers (e.g. 0.5,0.5).") from None
    if any(not np.isfinite(x) for x in u + (w or [])):
        raise InvalidInputError("u and weights must be finite numbers.")
    result = coordination(np.array([u]), w)
    ref = load_reference()
    bs = bands(ref)
    d = float(result.d[0])
    band = int(band_of(np.array([d]), bs)[0])
    name = next(b for b in bs if b.band == band)
    return {
        "u": u,
        "weights": w or [1.0 / len(u)] * len(u),
        "c": float(result.c[0]),
        "c_traditional": float(result.c_traditional[0]),
        "t": float(result.t[0]),
        "d": d,
        "d_traditional": float(result.d_traditional[0]),
        "band": band,
        "band_zh": name.name_zh,
        "band_en": name.name_en,
    }


__all__ = [
    "FOCUS",
    "LEVELS",
    "AreaNames",
    "area_names",
    "bands",
    "builtin_panel",
    "check_panel_rows",
    "coupling",
    "evaluate_region",
    "import_nbs",
    "indicator_system",
    "panel_coverage",
    "user_panel",
]
