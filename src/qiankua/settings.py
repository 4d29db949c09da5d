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
``QIANKUA_SECURE_COOKIES`` :attr:`Settings.secure_cookies`: ``1``/``true`` = cookies only over HTTPS
                           (``Secure``), ``0``/``false`` = never; unset = ``Secure`` whenever the
                           request came over HTTPS (directly or via a trusted proxy's
                           ``X-Forwarded-Proto``); ``qiankua serve --secure-cookies`` sets it
``QIANKUA_IMPORT_MAX_XLSX_MB`` :attr:`Settings.import_max_xlsx_mb`: largest uncompressed XLSX content read
                           (1024 MiB, about two full Excel sheets)
``QIANKUA_IMPORT_MAX_XLSX_RATIO`` :attr:`Settings.import_max_xlsx_ratio`: largest unpacked/packed ratio of a
                           part over 16 MiB (100; spreadsheets pack 5-30x, a zip bomb hundreds of times)
``QIANKUA_IMPORT_MAX_ROWS`` :attr:`Settings.import_max_rows`: most rows per sheet (1,048,576)
``QIANKUA_IMPORT_MAX_COLUMNS`` :attr:`Settings.import_max_columns`: most columns per sheet (256)
``QIANKUA_LOCK_TIMEOUT``   :attr:`Settings.lock_timeout_s`: seconds to wait for a database another process
                           (the server, a CLI import) is using before giving up with a clear message (30)
``QIANKUA_IMPORT_CONCURRENCY`` :attr:`Settings.import_concurrency`: imports the server runs at once (2)
``QIANKUA_IMPORT_QUEUE``   :attr:`Settings.import_queue`: imports waiting their turn; beyond, 503 (16)
``QIANKUA_IMPORT_WAIT``    :attr:`Settings.import_wait_s`: seconds an import may wait in line (120)
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
    secure_cookies: bool | None = None
    import_max_xlsx_mb: int = 1024
    import_max_xlsx_ratio: int = 100
    import_max_rows: int = 1_048_576
    import_max_columns: int = 256
    lock_timeout_s: float = 30.0
    import_concurrency: int = 2
    import_queue: int = 16
    import_wait_s: float = 120.0

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


def _import_limits(environ: Mapping[str, str]) -> dict[str, int]:
    limits = {}
    for name in ("import_max_xlsx_mb", "import_max_xlsx_ratio", "import_max_rows", "import_max_columns"):
        text = environ.get(f"QIANKUA_{name.upper()}")
        if text:
            if not text.isdigit() or int(text) < 1:
                raise InvalidInputError(f"Expected QIANKUA_{name.upper()} to be a positive whole number, got {text!r}.")
            limits[name] = int(text)
    return limits


def _server_limits(environ: Mapping[str, str]) -> dict[str, float]:
    """The store lock timeout and the import queue (issue 21): counts >= 1, seconds >= 0."""
    limits: dict[str, float] = {}
    for name, whole in (
        ("lock_timeout_s", False),
        ("import_concurrency", True),
        ("import_queue", True),
        ("import_wait_s", False),
    ):
        variable = "QIANKUA_" + name.removesuffix("_s").upper()
        text = (environ.get(variable) or "").strip()
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if whole and not (value >= 1 and value == int(value)):
            raise InvalidInputError(f"Expected {variable} to be a whole number >= 1, got {text!r}.")
        if not value >= 0:
            raise InvalidInputError(f"Expected {variable} to be a number of seconds >= 0, got {text!r}.")
        limits[name] = int(value) if whole else value
    return limits


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _flag(environ: Mapping[str, str], name: str) -> bool | None:
    value = (environ.get(name) or "").strip().lower()
    if not value:
        return None
    if value not in _TRUE + _FALSE:
        raise InvalidInputError(f"Expected {name} to be one of {', '.join(_TRUE + _FALSE)}, got {value!r}.")
    return value in _TRUE


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
        **_import_limits(environ),
        **_server_limits(environ),  # type: ignore[arg-type]
        secure_cookies=_flag(environ, "QIANKUA_SECURE_COOKIES"),
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
