"""The 1210 rules as dated data: limits and the 70% factor, import VAT and consumption tax by HS prefix,
the positive list. Lookups take a date (per order, vectorised) and say when no rule is in force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from qiankua.bonded.remarks import KINDS, split_kinds
from qiankua.bonded.tables import CONSUMPTION_TAX, EDITIONS, IMPORT_VAT, POSITIVE_LIST, RULES
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
    """Every table the checks need. The positive list holds lines of one or more editions (``edition``);
    ``editions`` dates each edition (``positive_list_editions.csv``). ``complete_editions``: the editions
    the user imported whole (then a line not on that edition is rejected while it is in force); the
    built-in lines are partial copies (a line not on them is unknown, not rejected)."""

    limits: tuple[Limits, ...]
    vat: pl.DataFrame
    ct: pl.DataFrame
    positive: pl.DataFrame
    editions: pl.DataFrame = field(default_factory=lambda: EDITIONS.frame([]))
    complete_editions: frozenset[str] = frozenset()

    @property
    def positive_complete(self) -> bool:
        """Whether any edition of the list was imported whole by the user."""
        return bool(self.complete_editions)

    @classmethod
    def from_tables(cls, tables: dict[str, pl.DataFrame], user_positive: pl.DataFrame | None = None) -> BondedRules:
        """The built-in tables, with the user's imported editions of the positive list replacing the
        built-in lines of the same edition (the other editions' built-in lines stay)."""
        rules = typed(RULES, tables["bonded_rules"])
        limits = tuple(Limits(**{k: r[k] for k in Limits.__slots__}) for r in rules.iter_rows(named=True))
        editions = (
            typed(EDITIONS, tables["positive_list_editions"])
            if "positive_list_editions" in tables
            else EDITIONS.frame([])
        )
        builtin = typed(POSITIVE_LIST, tables["positive_list"]).select(POSITIVE_LIST.column_names)
        mine: frozenset[str] = frozenset()
        positive = builtin
        if user_positive is not None and user_positive.height:
            user = user_positive.select(POSITIVE_LIST.column_names).cast(builtin.schema)
            mine = frozenset(str(e) for e in user["edition"].unique().to_list())
            positive = pl.concat([builtin.filter(~pl.col("edition").is_in(sorted(mine))), user])
        known = set(editions["edition"].to_list())
        undated = sorted({str(e) for e in positive["edition"].unique().to_list()} - known)
        if undated:
            raise InvalidInputError(
                f"positive list: edition(s) {', '.join(undated)} not in positive_list_editions.csv "
                f"(known: {', '.join(sorted(known)) or 'none'}); an edition needs its dates before it can be used."
            )
        return cls(
            limits=limits,
            vat=typed(IMPORT_VAT, tables["cn_import_vat"]),
            ct=typed(CONSUMPTION_TAX, tables["cn_consumption_tax"]),
            positive=positive,
            editions=editions,
            complete_editions=mine,
        )

    def newest_edition(self) -> str | None:
        """The edition that starts last (the one in force today when its ``valid_to`` is empty)."""
        if not self.editions.height:
            return None
        return str(self.editions.sort("valid_from")["edition"][-1])

    def editions_on(self, on: pl.Series) -> pl.DataFrame:
        """For each date: the loaded edition used (``edition``; null before every loaded edition), whether
        it was no longer in force that day (``stale``: a later edition, not loaded, had replaced it), and
        its age in days (the date minus the edition's ``valid_from``). The edition in force is used when
        it is loaded; otherwise the newest loaded edition that had started, flagged stale."""
        days = pl.DataFrame({"on": on.cast(pl.Date)}).unique()
        loaded = self.editions.filter(pl.col("edition").is_in(self.positive["edition"].unique().implode())).select(
            "edition", "valid_from", "valid_to"
        )
        cand = (
            days.join(loaded, how="cross")
            .filter(pl.col("valid_from") <= pl.col("on"))
            .sort("valid_from", descending=True)
            .unique("on", keep="first")
        )
        out = days.join(cand, on="on", how="left").with_columns(
            (pl.col("valid_to").is_not_null() & (pl.col("on") >= pl.col("valid_to"))).alias("stale"),
            (pl.col("on") - pl.col("valid_from")).dt.total_days().alias("age_days"),
        )
        return out.select("on", "edition", "valid_from", "valid_to", "stale", "age_days")

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

    def positive_status(self, hs: pl.Series, on: pl.Series | None = None) -> pl.DataFrame:
        """For each (HS code, date): ``on_list`` (true / false, or null when unknown: the edition used is a
        partial built-in copy, or no longer in force, or none had started), the remark, its kinds
        (``remark_type``: ``;``-joined, most binding first), the per-person yearly quantity cap and its
        unit, the ``edition`` used and whether it is ``edition_stale`` (see :meth:`editions_on`). The code
        is read by its first 8 digits; without dates, today's."""
        hs8 = hs.cast(pl.String).str.slice(0, 8)
        days = on.cast(pl.Date) if on is not None else pl.Series([dt.date.today()] * hs.len(), dtype=pl.Date)
        keys = pl.DataFrame({"hs8": hs8, "on": days})
        used = self.editions_on(keys["on"]).select("on", "edition", pl.col("stale").alias("edition_stale"))
        plist = self.positive.select(
            pl.col("hs_code").alias("hs8"),
            "edition",
            "remark",
            "remark_type",
            "qty_cap",
            "qty_unit",
            pl.lit(True).alias("on_list"),
        ).unique(["hs8", "edition"], keep="first")
        out = keys.join(used, on="on", how="left", maintain_order="left").join(
            plist, on=["hs8", "edition"], how="left", maintain_order="left"
        )
        # a line missing from an edition the user imported whole, in force that day, is off the list;
        # anything else missing (a partial built-in copy, an edition no longer in force) is unknown
        complete = pl.col("edition").is_in(sorted(self.complete_editions)) & ~pl.col("edition_stale")
        out = out.with_columns(
            pl.when(pl.col("on_list").is_null() & complete).then(False).otherwise(pl.col("on_list")).alias("on_list")
        )
        return out.select(
            "hs8", "on", "on_list", "remark", "remark_type", "qty_cap", "qty_unit", "edition", "edition_stale"
        )

    def coverage(self) -> dict[str, object]:
        """How much of each edition the loaded list holds (``by_edition``, newest first: dates, lines
        loaded, the edition's size when known, share, complete, where from, lines per remark kind), and
        the totals (``lines``; the 2022 edition's size and the share of it loaded)."""
        n = self.positive.height
        counts = self.positive.group_by("edition").len()
        loaded = dict(zip(counts["edition"].to_list(), counts["len"].to_list(), strict=True))
        rows: list[dict[str, object]] = []
        for e in self.editions.sort("valid_from", descending=True).iter_rows(named=True):
            name = str(e["edition"])
            got = int(loaded.get(name, 0))
            size = e["lines"]
            kinds = {k: 0 for k in KINDS}
            for text in self.positive.filter(pl.col("edition") == name)["remark_type"].to_list():
                for k in split_kinds(text):
                    kinds[k] += 1
            rows.append(
                {
                    "edition": name,
                    "title_zh": e["title_zh"],
                    "announcement": e["announcement"],
                    "valid_from": e["valid_from"],
                    "valid_to": e["valid_to"],
                    "lines": got,
                    "edition_lines": size,
                    "share": round(got / size, 4) if size else None,
                    "complete": name in self.complete_editions,
                    "origin": "user" if name in self.complete_editions else ("built_in" if got else None),
                    "remark_kinds": kinds,
                    "source_id": e["source_id"],
                    "confidence": e["confidence"],
                }
            )
        in_2022 = int(loaded.get("2022", 0))
        return {
            "lines": n,
            "edition_2022_lines": POSITIVE_LIST_LINES_2022,
            "lines_2022": in_2022,
            "share_of_2022": round(in_2022 / POSITIVE_LIST_LINES_2022, 4),
            "editions": sorted(str(e) for e in loaded),
            "newest_edition": self.newest_edition(),
            "complete": self.positive_complete,
            "by_edition": rows,
        }

    def editions_used(self, on: pl.Series) -> list[dict[str, object]]:
        """Per edition used for the dates ``on`` (one per order): how many orders, their first and last
        date, whether it was stale (no longer in force) and its largest age in days; orders before every
        loaded edition under ``edition`` None."""
        days = pl.DataFrame({"on": on.cast(pl.Date)})
        used = days.join(self.editions_on(days["on"]), on="on", how="left")
        agg = (
            used.group_by("edition", "stale")
            .agg(
                pl.len().alias("orders"),
                pl.col("on").min().alias("first"),
                pl.col("on").max().alias("last"),
                pl.col("age_days").max().alias("age_days"),
            )
            .sort("first")
        )
        return [
            {**r, "stale": bool(r["stale"]) if r["edition"] is not None else None} for r in agg.iter_rows(named=True)
        ]
