"""Platform SKU / ASIN / title -> catalogue product (pure).

Order of evidence: a mapping the user confirmed before (remembered per platform: SKU first, then ASIN,
then title); the SKU written as a catalogue id; the title equal to a catalogue name (zh or en, after
normalising case, width and spaces). Everything else stays unmapped — listed, never dropped — with up to
three fuzzy suggestions (rapidfuzz WRatio on the title against the Chinese and English names) for the
user to confirm.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

__all__ = ["KEY_KINDS", "apply_mappings", "suggest"]

KEY_KINDS = ("sku", "asin", "title")
SUGGEST_CUTOFF = 55.0


def _norm(expr: pl.Expr) -> pl.Expr:
    return expr.str.normalize("NFKC").str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


def apply_mappings(lines: pl.DataFrame, remembered: pl.DataFrame, catalogue: pl.DataFrame) -> pl.DataFrame:
    """``lines`` with ``product_id`` and ``map_method`` (remembered_sku / remembered_asin / remembered_title /
    sku_is_id / title_exact, or null = unmapped), by joins only (no per-row Python).

    ``remembered``: platform, key_kind, key, product_id. ``catalogue``: id, name_en, name_zh.
    """
    keys = ["platform", "sku", "asin", "title"]
    distinct = lines.select(keys).unique()
    mapped = _map_keys(distinct, remembered, catalogue)
    # the join on the key columns alone, in the lines' order: the other columns are not copied
    found = lines.select(keys).join(mapped, on=keys, how="left", nulls_equal=True, maintain_order="left")
    return lines.hstack(found.select("product_id", "map_method"))


def _map_keys(keys: pl.DataFrame, remembered: pl.DataFrame, catalogue: pl.DataFrame) -> pl.DataFrame:
    out = keys
    parts: list[pl.Expr] = []
    methods: list[pl.Expr] = []
    for kind in KEY_KINDS:
        m = remembered.filter(pl.col("key_kind") == kind).select(
            "platform", pl.col("key").alias(kind), pl.col("product_id").alias(f"_r_{kind}")
        )
        m = m.unique(subset=["platform", kind], keep="last")
        out = out.join(m, on=["platform", kind], how="left", nulls_equal=False)
        parts.append(pl.col(f"_r_{kind}"))
        methods.append(pl.when(pl.col(f"_r_{kind}").is_not_null()).then(pl.lit(f"remembered_{kind}")))
    ids = catalogue.select(pl.col("id").alias("_id_exact"), _norm(pl.col("id")).alias("_skun"))
    out = out.with_columns(_skun=_norm(pl.col("sku"))).join(ids, on="_skun", how="left")
    names = pl.concat(
        [
            catalogue.select(pl.col("id").alias("_id_title"), _norm(pl.col("name_en")).alias("_tn")),
            catalogue.select(pl.col("id").alias("_id_title"), _norm(pl.col("name_zh")).alias("_tn")),
        ]
    ).unique(subset=["_tn"], keep="first")
    out = out.with_columns(_tn=_norm(pl.col("title"))).join(names, on="_tn", how="left")
    parts += [pl.col("_id_exact"), pl.col("_id_title")]
    methods += [
        pl.when(pl.col("_id_exact").is_not_null()).then(pl.lit("sku_is_id")),
        pl.when(pl.col("_id_title").is_not_null()).then(pl.lit("title_exact")),
    ]
    out = out.with_columns(product_id=pl.coalesce(parts), map_method=pl.coalesce(methods))
    return out.drop([c for c in out.columns if c.startswith("_")])


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def _score(query: str, choice: str, **_: object) -> float:
    """Similarity 0-100: for a Chinese title, its Chinese characters against the name's (partial match),
    blended with WRatio; otherwise WRatio and token-set ratio averaged (ties between near names broken)."""
    from rapidfuzz import fuzz

    cq = "".join(_CJK.findall(query))
    if cq:
        cc = "".join(_CJK.findall(choice))
        return 0.7 * fuzz.partial_ratio(cq, cc) + 0.3 * fuzz.WRatio(query, choice) if cc else 0.0
    return 0.5 * fuzz.WRatio(query, choice) + 0.5 * fuzz.token_set_ratio(query, choice)


def suggest(unmapped: pl.DataFrame, catalogue: pl.DataFrame, *, limit: int = 3) -> pl.DataFrame:
    """One row per distinct (platform, sku, asin, title) of ``unmapped`` with ``lines`` (how many order lines)
    and ``suggestions``: up to ``limit`` structs (product_id, name_zh, name_en, score 0-100), best first."""
    from rapidfuzz import process

    keys = (
        unmapped.group_by(["platform", "sku", "title"], maintain_order=True)
        .agg(asin=pl.col("asin").drop_nulls().first(), lines=pl.len())
        .select("platform", "sku", "asin", "title", "lines")
    )
    choices: list[str] = []
    owners: list[int] = []
    rows = catalogue.select("id", "name_en", "name_zh").to_dicts()
    for i, r in enumerate(rows):
        for name in (r["name_en"], r["name_zh"]):
            if name:
                choices.append(_clean(str(name)))
                owners.append(i)
    out: list[list[dict[str, object]]] = []
    for title, sku in keys.select("title", "sku").iter_rows():
        query = _clean(" ".join(str(x) for x in (title, sku) if x))
        best: dict[int, float] = {}
        if query and choices:
            for _, score, idx in process.extract(query, choices, scorer=_score, limit=limit * 3):
                owner = owners[idx]
                best[owner] = max(best.get(owner, 0.0), float(score))
        ranked = sorted(((s, o) for o, s in best.items() if s >= SUGGEST_CUTOFF), reverse=True)[:limit]
        out.append(
            [
                {
                    "product_id": rows[o]["id"],
                    "name_zh": rows[o]["name_zh"],
                    "name_en": rows[o]["name_en"],
                    "score": round(s, 1),
                }
                for s, o in ranked
            ]
        )
    return keys.with_columns(
        suggestions=pl.Series(
            out,
            dtype=pl.List(
                pl.Struct({"product_id": pl.String, "name_zh": pl.String, "name_en": pl.String, "score": pl.Float64})
            ),
        )
    )
