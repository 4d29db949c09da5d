"""``qiankua data fetch baci|comtrade``: get a bilateral trade release and load it into the store.

The downloads themselves are :mod:`qiankua.store.downloads`; the readers :mod:`qiankua.store.trade`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qiankua.exceptions import InvalidInputError
from qiankua.store import Store
from qiankua.store.downloads import baci_release, comtrade_csv
from qiankua.store.trade import load_baci, load_comtrade


def fetch_baci(
    db: Path | None,
    *,
    year: int,
    revision: str = "HS22",
    release: str = "V202501",
    file: Path | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    """Download the BACI release zip (all years, several GB) unless ``file`` is given, then load ``year``."""
    path = file if file is not None else baci_release(revision=revision, release=release, url=url)
    with Store(db) as store:
        return load_baci(store, path, [year]).to_dict()


def fetch_comtrade(db: Path | None, *, hs: str, year: int, file: Path | None = None) -> dict[str, Any]:
    """UN Comtrade annual HS data for one code and year via comtradeapicall (key: ``COMTRADE_API_KEY``).

    Without a key the public preview (at most 500 records) is used. The data are saved as CSV
    under ``trade_data/`` and loaded like any Comtrade file.
    """
    if not (hs.isdigit() and len(hs) in (2, 4, 6)):
        raise InvalidInputError(f"Expected --hs as 2, 4 or 6 digits, got {hs!r}.")
    path = file if file is not None else comtrade_csv(hs, year)
    with Store(db) as store:
        return load_comtrade(store, path).to_dict()


__all__ = ["fetch_baci", "fetch_comtrade"]
