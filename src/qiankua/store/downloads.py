"""Downloads of bilateral trade data into ``<home>/trade_data`` (the network side of the trade loaders).

Kept apart from :mod:`qiankua.store.trade`, which reads files that are already on disk: a test can
load a release without touching the network, and the use cases in
:mod:`qiankua.services.trade_data` decide when to download.
"""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

from qiankua.exceptions import DataError, InvalidInputError
from qiankua.settings import Settings, get_settings

BACI_URL = "https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_{revision}_{release}.zip"


def download(url: str, target: Path) -> Path:
    """Stream ``url`` to ``target`` through a ``.part`` file, so an interrupted download leaves no ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    # a fixed https URL (BACI) or the one the user gave
    with urllib.request.urlopen(url, timeout=60) as resp, partial.open("wb") as fh:
        shutil.copyfileobj(resp, fh, length=1 << 20)
    partial.replace(target)
    return target


def baci_release(*, revision: str, release: str, url: str | None = None, settings: Settings | None = None) -> Path:
    """The BACI release zip (all years, several GB) under ``trade_data/``, downloaded unless already there."""
    link = url or BACI_URL.format(revision=revision, release=release)
    path = (settings or get_settings()).trade_data_dir / Path(link).name
    if not path.is_file():
        download(link, path)
    return path


def comtrade_csv(hs: str, year: int, *, settings: Settings | None = None) -> Path:
    """UN Comtrade annual import data for HS code ``hs`` and ``year``, saved as CSV under ``trade_data/``.

    Uses comtradeapicall with ``COMTRADE_API_KEY`` (:mod:`qiankua.settings`) or, without a key,
    the public preview (at most 500 records).
    """
    try:
        import comtradeapicall
    except ImportError:
        raise InvalidInputError(
            "Comtrade download needs comtradeapicall: uv sync --extra comtrade (or pip install 'qiankua[comtrade]')."
        ) from None
    conf = settings or get_settings()
    args = dict(
        typeCode="C",
        freqCode="A",
        clCode="HS",
        period=str(year),
        reporterCode=None,
        cmdCode=hs,
        flowCode="M",
        partnerCode=None,
        partner2Code=None,
        customsCode=None,
        motCode=None,
    )
    if conf.comtrade_api_key:
        frame = comtradeapicall.getFinalData(
            conf.comtrade_api_key,
            **args,
            maxRecords=250000,
            format_output="JSON",
            breakdownMode="classic",
            includeDesc=True,
        )
    else:
        frame = comtradeapicall.previewFinalData(
            **args, maxRecords=500, format_output="JSON", breakdownMode="classic", includeDesc=True
        )
    if frame is None or len(frame) == 0:
        raise DataError(f"UN Comtrade returned no rows for HS {hs}, {year}.")
    path = conf.trade_data_dir / f"comtrade_{hs}_{year}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


__all__ = ["BACI_URL", "baci_release", "comtrade_csv", "download"]
