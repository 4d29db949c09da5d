"""The products a use case sees: the built-in catalogue with the user's own products on top.

``qiankua data import my.csv --table products`` writes ``user.products`` in the user's database; the
quote, the route planner and the opportunity ranking look products up through :func:`user_catalogue`,
so an imported id works on every edge (CLI, API, web). A user product with the id of a built-in one
replaces it (the user's figures win), and results say so (:meth:`Catalogue.describe`). User rows cite
``user: <their source_id>`` (``user`` when they give none).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from qiankua.reference import ReferenceData, load_reference

__all__ = ["Catalogue", "user_catalogue", "user_hs", "user_hs_at"]


@dataclass(frozen=True, kw_only=True)
class Catalogue:
    """``ref`` with the user's products merged into ``ref.products``; which ids are the user's."""

    ref: ReferenceData
    user_ids: frozenset[str] = frozenset()
    replaced_ids: frozenset[str] = frozenset()  # user products that carry a built-in product's id

    def describe(self, product_id: str | None) -> dict[str, Any] | None:
        """Where ``product_id`` comes from, for a result: ``source`` ``user`` or ``built-in`` and whether the
        user's product replaces a built-in one of the same id (``None`` for no product)."""
        if not product_id:
            return None
        user = product_id in self.user_ids
        replaces = product_id in self.replaced_ids
        doc: dict[str, Any] = {"id": product_id, "source": "user" if user else "built-in", "replaces_builtin": replaces}
        if replaces:
            doc["note_en"] = f"Your imported product {product_id!r} replaces the built-in product with the same id."
            doc["note_zh"] = f"您导入的产品 {product_id} 替代了同编号的内置产品。"
        return doc


def user_catalogue(db: Path | str | None, ref: ReferenceData | None = None) -> Catalogue:
    """The catalogue for the user's database ``db``: the built-in products alone when ``db`` is ``None``,
    missing or holds no products; otherwise theirs on top (re-read whenever their products change)."""
    from qiankua.store.database import table_version

    ref = ref or load_reference()
    if db is None or not Path(db).is_file():
        return Catalogue(ref=ref)
    return _merged(str(ref.data_dir), str(db), table_version(db, "user.products"))


def user_hs(db: Path | str | None) -> tuple[str, ...]:
    """The HS lines (6 digits) of the user's products in ``db``, sorted; empty without a database or products.
    The costing rules are compiled for these too (:func:`qiankua.services.costing.compiled_rules`)."""
    from qiankua.store.database import table_version

    if db is None or not Path(db).is_file():
        return ()
    return user_hs_at(str(db), table_version(db, "user.products"))


# the caches below key on a version of the user's products (a new key per import): bounded, least recently
# used dropped first, so a long-running server serving several organisations does not keep every version
@lru_cache(maxsize=64)
def user_hs_at(db: str, stamp: int) -> tuple[str, ...]:
    """:func:`user_hs` for the version ``stamp`` of ``db``'s products (:func:`qiankua.store.database.table_version`),
    cached per version."""
    rows = _user_rows(db, stamp)
    if rows is None or "hs6" not in rows.columns:
        return ()
    codes = rows["hs6"].drop_nulls().cast(pl.String).str.replace_all(r"[.\s]", "").str.slice(0, 6)
    return tuple(sorted({c for c in codes.to_list() if len(c) == 6 and c.isdigit()}))


@lru_cache(maxsize=32)
def _user_rows(db: str, stamp: int) -> pl.DataFrame | None:
    from qiankua.store import Store

    with Store(db, read_only=True) as store:
        if ("user", "products") not in store.tables():
            return None
        frame = store.frame("products")
    return frame if frame.height else None


@lru_cache(maxsize=32)
def _merged(data_dir: str, db: str, stamp: int) -> Catalogue:
    ref = load_reference(data_dir)
    mine = _user_rows(db, stamp)
    if mine is None:
        return Catalogue(ref=ref)
    ours = ref.products
    source = pl.col("source_id") if "source_id" in mine.columns else pl.lit(None, dtype=pl.String)
    mine = mine.with_columns(
        source_id=pl.when(source.is_null()).then(pl.lit("user")).otherwise(pl.lit("user: ") + source)
    )
    rows = mine.select(
        [
            pl.col(c).cast(ours.schema[c]) if c in mine.columns else pl.lit(None, dtype=ours.schema[c]).alias(c)
            for c in ours.columns
        ]
    )
    ids = frozenset(rows["id"].to_list())
    builtin = frozenset(ours["id"].to_list())
    products = pl.concat([rows, ours.filter(~pl.col("id").is_in(list(ids)))])
    merged = replace(ref, tables={**ref.tables, "products": products})
    return Catalogue(ref=merged, user_ids=ids, replaced_ids=ids & builtin)
