"""Paths, environment and server settings in one typed place.

The environment is read once, on the first call to :func:`get_settings`; :func:`reload_settings`
reads it again (tests that change a variable call it, or build a :class:`Settings` with
:func:`from_environ` and pass it explicitly). Nothing here touches the disk.

=========================  ====================================================================
variable                   setting
=========================  ====================================================================
``QIANKUA_HOME``           :attr:`Settings.home`: the user's directory (database, accounts,
                           ``orgs/``, downloaded trade data); unset = the working directory
                           at the time of use
``QIANKUA_LANG``           :attr:`Settings.lang`: the start-up language (``zh*`` or other); else
                           the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``)
``QIANKUA_ECB_URL``        :attr:`Settings.ecb_url`: where ``qiankua data update fx`` fetches the
                           ECB history (unset = ECB's own address)
``QIANKUA_SPARK_MASTER``   :attr:`Settings.spark_master`: Spark master URL (``local[1]``)
``QIANKUA_SPARK_WAREHOUSE`` :attr:`Settings.spark_warehouse`: Spark SQL warehouse directory
                           (unset = ``<home>/trade_data/spark-warehouse``)
``COMTRADE_API_KEY``       :attr:`Settings.comtrade_api_key`: UN Comtrade subscription key
                           (unset = the public preview, at most 500 records)
``NICEGUI_STORAGE_PATH``   :attr:`Settings.nicegui_storage_path`: NiceGUI's storage files
                           (unset = ``<home>/.nicegui``)
``QIANKUA_HOST``           :attr:`Settings.host`: address ``qiankua serve`` binds (``127.0.0.1``)
``QIANKUA_PORT``           :attr:`Settings.port`: its port (8080)
=========================  ====================================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from qiankua.exceptions import InvalidInputError

DEFAULT_DB_NAME = "qiankua.duckdb"
TRADE_DATA_DIR = "trade_data"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Settings read from the environment (see the module docstring for the variables)."""

    home: Path | None = None
    lang: str | None = None
    ecb_url: str | None = None
    spark_master: str = "local[1]"
    spark_warehouse: Path | None = None
    comtrade_api_key: str | None = None
    nicegui_storage_path: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8080

    @property
    def home_dir(self) -> Path:
        """``home``, else the working directory now (the CLI has always resolved it at use)."""
        return self.home if self.home is not None else Path.cwd()

    @property
    def default_db_path(self) -> Path:
        """``<home>/qiankua.duckdb``: the database used when no ``--db`` is given."""
        return self.home_dir / DEFAULT_DB_NAME

    @property
    def trade_data_dir(self) -> Path:
        """``<home>/trade_data``: downloaded BACI and Comtrade files."""
        return self.home_dir / TRADE_DATA_DIR

    @property
    def spark_warehouse_dir(self) -> Path:
        return self.spark_warehouse if self.spark_warehouse is not None else self.trade_data_dir / "spark-warehouse"

    @property
    def nicegui_storage_dir(self) -> Path:
        return self.nicegui_storage_path if self.nicegui_storage_path is not None else self.home_dir / ".nicegui"


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def from_environ(environ: Mapping[str, str]) -> Settings:
    """Settings from ``environ`` (an empty variable counts as unset)."""
    port = environ.get("QIANKUA_PORT") or "8080"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise InvalidInputError(f"Expected QIANKUA_PORT to be a port number 1-65535, got {port!r}.")
    return Settings(
        home=_path(environ.get("QIANKUA_HOME")),
        lang=next((environ[v] for v in ("QIANKUA_LANG", "LC_ALL", "LC_MESSAGES", "LANG") if environ.get(v)), None),
        ecb_url=environ.get("QIANKUA_ECB_URL") or None,
        spark_master=environ.get("QIANKUA_SPARK_MASTER") or "local[1]",
        spark_warehouse=_path(environ.get("QIANKUA_SPARK_WAREHOUSE")),
        comtrade_api_key=environ.get("COMTRADE_API_KEY") or None,
        nicegui_storage_path=_path(environ.get("NICEGUI_STORAGE_PATH")),
        host=environ.get("QIANKUA_HOST") or "127.0.0.1",
        port=int(port),
    )


@cache
def get_settings() -> Settings:
    """The process's settings, read from ``os.environ`` on the first call."""
    return from_environ(os.environ)


def current() -> Settings:
    """The settings as the environment says now, uncached (for values a test or a CLI runner may change
    between calls in one process: the language, the home directory)."""
    return from_environ(os.environ)


def use_nicegui_storage(default: Path) -> Path:
    """Tell NiceGUI (which reads ``NICEGUI_STORAGE_PATH`` itself) where to keep its files, unless the
    environment already says; returns the path in use."""
    os.environ.setdefault("NICEGUI_STORAGE_PATH", str(default))
    return Path(os.environ["NICEGUI_STORAGE_PATH"])


def reload_settings() -> Settings:
    """Read the environment again (after a test changed it) and return the new settings."""
    get_settings.cache_clear()
    return get_settings()


__all__ = ["DEFAULT_DB_NAME", "Settings", "from_environ", "get_settings", "reload_settings"]
