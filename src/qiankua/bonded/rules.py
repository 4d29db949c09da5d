"""The 1210 rules as dated data: limits and the 70% factor, import VAT and consumption tax by HS prefix,
the positive list. Lookups take a date (per order, vectorised) and say when no rule is in force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from qiankua.bonded.tables import CONSUMPTION_TAX, IMPORT_VAT, POSITIVE_LIST, RULES
from qiankua.exceptions import DatasetIntegrityError, InvalidInputError
from qiankua.schema import TableSpec

__all__ = ["POSITIVE_LIST_LINES_2022", "BondedRules", "Limits", "typed"]

# the 2022 edition's size (eight ministries' announcement 2022 No.7; ../shared/research/next_modules.md C)
POSITIVE_LIST_LINES_2022 = 1476


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """The limits and factors in force on a day (one row of ``bonded_rules.csv``)."""

    rule_id: str
    valid_from: dt.date
    valid_to: dt.date | None
    single_limit_cny: float
    annual_limit_cny: float
    duty_rate_in_limit: float
    tax_factor_in_limit: float
    single_item_over_limit: str
    return_apply_days: int | None
    return_arrive_days: int | None
    source_id: str
    confidence: str


def typed(spec: TableSpec, frame: pl.DataFrame) -> pl.DataFrame:
    """A text frame (as the reference loader reads engine tables) parsed against ``spec``."""
    rows = [(n, r) for n, r in enumerate(frame.to_dicts(), start=2)]
    good, issues = spec.validate_rows(rows, file=f"{spec.name}.csv")
    if issues:
        raise DatasetIntegrityError(f"{spec.name}.csv failed validation ({len(issues)} issues):", issues)
    return spec.frame(good)


@dataclass(frozen=True, kw_only=True)
class BondedRules:
    """Every table the checks need. ``positive_complete`` is true when the positive list is a full
    edition the user imported (then a line not on it is rejected); the built-in list is partial."""

    limits: tuple[Limits, ...]
    vat: pl.DataFrame
    ct: pl.DataFrame
    positive: pl.DataFrame
    positive_complete: bool = False

    @classmethod
    def from_tables(cls, tables: dict[str, pl.DataFrame], user_positive: pl.DataFrame | None = None) -> BondedRules:
        rules = typed(RULES, tables["bonded_rules"])
        limits = tuple(Limits(**{k: r[k] for k in Limits.__slots__}) for r in rules.iter_rows(named=True))
        complete = user_positive is not None and user_positive.height > 0
        positive = (
            user_positive if complete and user_positive is not None else typed(POSITIVE_LIST, tables["positive_list"])
        )
        return cls(
            limits=limits,
            vat=typed(IMPORT_VAT, tables["cn_import_vat"]),
            ct=typed(CONSUMPTION_TAX, tables["cn_consumption_tax"]),
            positive=positive.select(POSITIVE_LIST.column_names),
            positive_complete=complete,
        )

    def limits_on(self, on: dt.date) -> Limits:
        for lim in self.limits:
            if lim.valid_from <= on and (lim.valid_to is None or on < lim.valid_to):
                return lim
        raise InvalidInputError(f"No 1210 retail-import rule in force on {on.isoformat()} (bonded_rules.csv).")

    def limits_frame(self) -> pl.DataFrame:
        return pl.DataFrame([{k: getattr(lim, k) for k in Limits.__slots__} for lim in self.limits])

    def _prefix_lookup(self, table: pl.DataFrame, keys: pl.DataFrame, value_cols: list[str]) -> pl.DataFrame:
        """For each distinct ``(hs, on)`` the row with the longest matching prefix in force on ``on``."""
        pairs = keys.unique()
        t = table.with_columns(
            pl.col("hs_prefix").fill_null(""), pl.col("hs_prefix").fill_null("").str.len_chars().alias("_len")
        )
        cand = pairs.join(t, how="cross").filter(
            pl.col("hs").str.starts_with(pl.col("hs_prefix"))
            & (pl.col("valid_from") <= pl.col("on"))
            & (pl.col("valid_to").is_null() | (pl.col("on") < pl.col("valid_to")))
        )
        best = cand.sort("_len", descending=True).unique(["hs", "on"], keep="first")
        return pairs.join(best.select("hs", "on", *value_cols), on=["hs", "on"], how="left")

    def rates(self, hs: pl.Series, on: pl.Series) -> pl.DataFrame:
        """VAT and consumption-tax rows for each (HS code, date): ``vat_rate`` (null when none is in
        force), ``ct_rate`` (0 when the code has no consumption tax), the high-end thresholds and sources."""
        keys = pl.DataFrame({"hs": hs.cast(pl.String), "on": on.cast(pl.Date)})
        vat = self._prefix_lookup(self.vat.rename({"source_id": "vat_source"}), keys, ["vat_rate", "vat_source"])
        ct = self._prefix_lookup(
            self.ct.rename({"source_id": "ct_source"}),
            keys,
            ["ct_rate", "min_price_per_ml_g", "min_price_per_piece", "ct_source"],
        )
        out = keys.join(vat, on=["hs", "on"], how="left", maintain_order="left").join(
            ct, on=["hs", "on"], how="left", maintain_order="left"
        )
        return out.with_columns(pl.col("ct_rate").fill_null(0.0))

    def positive_status(self, hs: pl.Series) -> pl.DataFrame:
        """``on_list`` (true / false, or null when the built-in list is partial and the line is not in it),
        the remark and its type, the per-person yearly quantity cap and its unit, for each HS code (its
        first 8 digits)."""
        keys = pl.DataFrame({"hs8": hs.cast(pl.String).str.slice(0, 8)})
        plist = self.positive.select(
            pl.col("hs_code").alias("hs8"),
            "remark",
            "remark_type",
            "qty_cap",
            "qty_unit",
            pl.lit(True).alias("on_list"),
        ).unique("hs8", keep="first")
        out = keys.join(plist, on="hs8", how="left", maintain_order="left")
        # a line missing from a complete (imported) list is off the list; from the partial built-in one, unknown
        return out.with_columns(pl.col("on_list").fill_null(False)) if self.positive_complete else out

    def coverage(self) -> dict[str, object]:
        """How much of the 2022 edition the loaded list holds."""
        n = self.positive.height
        editions = sorted({str(e) for e in self.positive["edition"].to_list()})
        return {
            "lines": n,
            "edition_2022_lines": POSITIVE_LIST_LINES_2022,
            "share_of_2022": round(n / POSITIVE_LIST_LINES_2022, 4),
            "editions": editions,
            "complete": self.positive_complete,
        }
