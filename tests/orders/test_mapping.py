"""SKU mapping: remembered first, then exact id / title, else fuzzy suggestions (zh and en) — never dropped."""

from __future__ import annotations

import polars as pl

from qiankua.orders.mapping import apply_mappings, suggest
from qiankua.reference import load_reference
from qiankua.store.orders import MAPPING_SCHEMA


def _lines(rows: list[tuple[str, str | None, str | None, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["platform", "sku", "asin", "title"], orient="row")


def test_evidence_order_and_unmapped_kept():
    cat = load_reference().products
    remembered = pl.DataFrame(
        [{"platform": "amazon", "key_kind": "asin", "key": "B0X", "product_id": "meitan-cuiya-250g"}],
        schema={k: MAPPING_SCHEMA[k] for k in ("platform", "key_kind", "key", "product_id")},
    )
    lines = _lines(
        [
            ("amazon", "S1", "B0X", "anything"),
            ("amazon", "Duyun-Maojian-250g", None, None),
            ("shopee", "S3", None, "都匀毛尖茶 250g罐装"),
            ("shopee", "S4", None, "Mystery box"),
        ]
    )
    out = apply_mappings(lines, remembered, cat)
    assert out.height == 4
    assert out["product_id"].to_list() == ["meitan-cuiya-250g", "duyun-maojian-250g", "duyun-maojian-250g", None]
    assert out["map_method"].to_list() == ["remembered_asin", "sku_is_id", "title_exact", None]


def test_fuzzy_suggestions_in_chinese_and_english():
    cat = load_reference().products
    lines = _lines(
        [
            ("amazon", "A", None, "Lao Gan Ma Spicy Chili Crisp 280g"),
            ("aliexpress", "B", None, "都匀毛尖 250g"),
            ("temu", "C", None, "Yuping bamboo dizi flute, engraved"),
        ]
    )
    out = suggest(lines, cat)
    best = [s[0]["product_id"] for s in out["suggestions"].to_list()]
    assert best == ["laoganma-chili-crisp-280g", "duyun-maojian-250g", "yuping-bamboo-dizi"]
    assert all(0 < s["score"] <= 100 for row in out["suggestions"].to_list() for s in row)
