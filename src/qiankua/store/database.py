"""Opening the DuckDB file, its schemas, transactional writes, and per-table versions for caches.

Table versions (:func:`table_version`): every committed write records a fresh random token for the
tables it wrote in a small file beside the database (``<db>.versions``, one ``<schema>.<table> <token>``
a line, replaced atomically while the writer holds the write turn). Caches of data read from a user's
store (their catalogue, compiled costing rules, FX book) key on the version of the tables they read,
so an import of shipments does not throw away the catalogue or the compiled rules, as keying on the
file's modification time did. A write that does not say which tables it touched (or any session of a
store opened for writing without ``short_writes``) renews the token ``*`` that every version includes.
A store without the file (written before it existed) is versioned by the database file's mtime.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import secrets
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ibis
import polars as pl

from qiankua.exceptions import StoreError
from qiankua.schema import USER_TABLES, TableSpec
from qiankua.settings import get_settings
from qiankua.store.locking import StoreBusyError, StoreLocks, retry_on_conflict

SCHEMAS = ("ref", "user", "meta")


def default_db_path() -> Path:
    """``$QIANKUA_HOME/qiankua.duckdb`` if set, else ``./qiankua.duckdb`` (:mod:`qiankua.settings`)."""
    return get_settings().default_db_path


_IMPORTS_DDL = """
CREATE TABLE IF NOT EXISTS meta.imports (
    import_id BIGINT, table_name VARCHAR, file_name VARCHAR, sha256 VARCHAR,
    mode VARCHAR, rows_written BIGINT, imported_at TIMESTAMP
)"""
# the ECB history fetched by `qiankua data update fx` (long rows), and when/where it came from
_FX_DDL = (
    "CREATE TABLE IF NOT EXISTS meta.fx_ecb (date DATE, currency VARCHAR, per_eur DOUBLE)",
    "CREATE TABLE IF NOT EXISTS meta.fx_updates (source VARCHAR, url VARCHAR, rows BIGINT, newest DATE,"
    " fetched_at TIMESTAMP)",
)


def _versions_file(db: Path) -> Path:
    return db.with_name(f"{db.name}.versions")


def _read_versions(db: Path) -> dict[str, str] | None:
    try:
        text = _versions_file(db).read_text(encoding="utf-8")
    except OSError:  # none yet (or unreadable): versioned by the file's mtime
        return None
    pairs = (line.split(" ", 1) for line in text.splitlines())
    return {p[0]: p[1] for p in pairs if len(p) == 2}


def bump_versions(db: Path | str, tables: Iterable[str] | None = None) -> None:
    """Record that ``tables`` (``"user.products"``…; None: possibly every table) changed in ``db``. Called by
    :class:`Store` after each commit, by the holder of the write turn; the file is replaced atomically."""
    path = Path(db)
    file = _versions_file(path)
    token = secrets.token_hex(8)
    current = _read_versions(path) or {}
    if tables is None or "*" not in current:
        current = {"*": token}  # everything may have changed: the per-table tokens are moot
    for name in tables or ():
        current[name] = token
    tmp = file.with_name(f"{file.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_text("".join(f"{k} {v}\n" for k, v in sorted(current.items())), encoding="utf-8")
        os.replace(tmp, file)
    except OSError:  # cannot record it (read-only directory …): drop the file, caches fall back to the mtime
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
            file.unlink(missing_ok=True)


def table_version(db: Path | str, *tables: str) -> int:
    """A number that changes whenever any of ``tables`` (``"user.products"``, ``"meta.fx_ecb"``…) of the
    store ``db`` (an existing file) is written, for cache keys; the file's mtime for a store without versions."""
    path = Path(db)
    stat = path.stat()
    versions = _read_versions(path)
    if versions is None or "*" not in versions:
        return stat.st_mtime_ns
    parts = [str(stat.st_ino), versions["*"], *(versions.get(name, "") for name in tables)]
    return int.from_bytes(hashlib.blake2b("|".join(parts).encode(), digest_size=8).digest(), "big")


class Store:
    """An open DuckDB file. Use as a context manager or call :meth:`close`.

    Opening waits for the file (:mod:`qiankua.store.locking`) instead of failing when another process
    or thread has it: a read-only store shares it with other readers; a store that may write holds it
    alone (and one write operation at a time) until it is closed. With ``short_writes`` a writer holds
    the write turn for its whole life but the file itself only while :meth:`transaction` runs, reading
    it shared in between: an import validates its file while the server goes on answering reads, and
    its rows appear at once, on commit. ``lock_timeout``: seconds to wait (``QIANKUA_LOCK_TIMEOUT``,
    30 s); past it :class:`~qiankua.store.locking.StoreBusyError`.
    """

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        read_only: bool = False,
        short_writes: bool = False,
        lock_timeout: float | None = None,
    ) -> None:
        self.path = Path(path) if path else default_db_path()
        self.read_only = read_only
        self.short_writes = short_writes and not read_only
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        exists = self.path.is_file()
        self._locks = StoreLocks(self.path, timeout_s=lock_timeout)
        if read_only and not exists:
            self._locks.enabled = False  # nothing to share: the open below fails and says so
        self._lazy = False
        try:
            if read_only:
                self._open(exclusive=False)
            elif self.short_writes:
                self._locks.begin_writing()
                if exists:
                    self._open(exclusive=False)
                if not exists or not self._schema_current():  # a new file, or one from before a table existed
                    self._reopen(exclusive=True)
                    self._ensure_schema()
                    bump_versions(self.path)  # a new file (perhaps where another was): no cached version holds
                    self._disconnect()
                self._lazy = True  # from here on reads (re)connect read-only on first use
            else:
                self._locks.begin_writing()
                self._open(exclusive=True)
                self._opened_rw = True
                self._ensure_schema()
        except BaseException:
            self.close()
            raise

    def __getattr__(self, name: str) -> Any:
        # short_writes: the read-only connection is opened again on first use after a transaction
        if name in ("ibis", "_db") and self.__dict__.get("_lazy"):
            self._open(exclusive=False)
            return self.__dict__[name]
        raise AttributeError(name)

    def _schema_current(self) -> bool:
        wanted = {("user", name) for name in USER_TABLES} | {("meta", t) for t in ("imports", "fx_ecb", "fx_updates")}
        return wanted <= set(self.tables())

    def _open(self, *, exclusive: bool) -> None:
        """Take the data lock (shared or alone) and connect, retrying while DuckDB says it is locked."""
        started = time.monotonic()
        self._locks.hold(exclusive=exclusive)
        deadline = started + self._locks.timeout_s
        read_only = not exclusive

        def connect() -> Any:
            return ibis.duckdb.connect(str(self.path), read_only=read_only)

        try:
            self.ibis = retry_on_conflict(connect, name=self.path.name, deadline=deadline, started=started)
        except StoreBusyError:
            self._locks.let_go()
            raise
        except Exception as exc:  # duckdb raises IOException / ConnectionException subclasses
            self._locks.let_go()
            raise StoreError(f"Cannot open database {self.path}: {exc}") from exc
        self._db = self.ibis.con

    def _disconnect(self) -> None:
        backend = self.__dict__.pop("ibis", None)
        self.__dict__.pop("_db", None)
        try:
            if backend is not None:
                backend.disconnect()
        finally:
            self._locks.let_go()

    def _reopen(self, *, exclusive: bool) -> None:
        self._disconnect()
        self._open(exclusive=exclusive)

    # ---- lifecycle ---------------------------------------------------------------

    def close(self) -> None:
        self._lazy = False
        try:
            self._disconnect()
            # a session that could write outside transaction(): every cached version of this store is stale
            if not self.read_only and not self.short_writes and self.__dict__.get("_opened_rw"):
                bump_versions(self.path)
        finally:
            self._locks.release_all()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_schema(self) -> None:
        with self._transaction():
            for schema in SCHEMAS:
                self._db.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            for name, spec in USER_TABLES.items():
                self._db.execute(spec.ddl(f'"user"."{name}"'))
            self._db.execute(_IMPORTS_DDL)
            for ddl in _FX_DDL:
                self._db.execute(ddl)

    @contextmanager
    def transaction(self, tables: Iterable[str] | None = None) -> Iterator[Any]:
        """BEGIN … COMMIT on the DuckDB connection; ROLLBACK on any exception. With ``short_writes`` the
        file is held alone for just this block (readers elsewhere wait for the commit, never see less).
        ``tables``: the tables the block writes (``"user.shipments"``…), whose versions are renewed on
        commit (:func:`table_version`); None renews every table's."""
        if self.short_writes:
            self._reopen(exclusive=True)
            try:
                with self._transaction() as db:
                    yield db
                bump_versions(self.path, tables)  # still holding the file: no reader sees new rows, old version
            finally:
                self._disconnect()  # the file is free again at once; reads reconnect when they come
        else:
            with self._transaction() as db:
                yield db
            bump_versions(self.path, tables)

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        self._db.execute("BEGIN TRANSACTION")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # ---- reads (Ibis) --------------------------------------------------------------

    def table(self, name: str, schema: str = "user") -> ibis.Table:
        return self.ibis.table(name, database=schema)

    def frame(self, name: str, schema: str = "user") -> pl.DataFrame:
        arrow = self._db.sql(f'SELECT * FROM "{schema}"."{name}"').to_arrow_table()
        return pl.from_arrow(arrow)  # type: ignore[return-value]

    def tables(self) -> list[tuple[str, str]]:
        rows = self._db.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database() ORDER BY 1, 2"
        ).fetchall()
        return [(s, t) for s, t in rows if s in SCHEMAS]

    def row_count(self, name: str, schema: str = "user") -> int:
        return int(self._db.execute(f'SELECT count(*) FROM "{schema}"."{name}"').fetchall()[0][0])

    def content_digest(self) -> str:
        """SHA-256 over every table's rows in a canonical order: equal iff the content is equal."""
        digest = hashlib.sha256()
        for schema, name in self.tables():
            frame = self.frame(name, schema)
            digest.update(f"{schema}.{name}:{frame.columns}\n".encode())
            if frame.height:
                ordered = frame.sort(frame.columns, nulls_last=True)
                digest.update(ordered.write_csv().encode())
        return digest.hexdigest()

    # ---- writes ----------------------------------------------------------------------

    def replace_reference(self, tables: dict[str, pl.DataFrame]) -> None:
        """Replace every ``ref.*`` table in one transaction."""
        with self.transaction() as db:
            for name, frame in tables.items():
                arrow = frame.to_arrow()
                db.register("_incoming", arrow)
                try:
                    db.execute(f'CREATE OR REPLACE TABLE "ref"."{name}" AS SELECT * FROM _incoming')
                finally:
                    db.unregister("_incoming")

    def replace_fx_history(self, frame: pl.DataFrame, *, source: str, url: str) -> None:
        """Replace the stored ECB history (``date, currency, per_eur``) in one transaction and log it."""
        with self.transaction(("meta.fx_ecb", "meta.fx_updates")) as db:
            db.execute("DELETE FROM meta.fx_ecb")
            db.register("_incoming", frame.select("date", "currency", "per_eur").to_arrow())
            try:
                db.execute("INSERT INTO meta.fx_ecb SELECT date, currency, per_eur FROM _incoming")
            finally:
                db.unregister("_incoming")
            db.execute(
                "INSERT INTO meta.fx_updates VALUES (?, ?, ?, ?, ?)",
                [source, url, frame.height, frame["date"].max(), dt.datetime.now(dt.UTC).replace(tzinfo=None)],
            )

    def fx_history(self) -> pl.DataFrame | None:
        """The stored ECB history, or None when none was fetched (or the file predates the table)."""
        if ("meta", "fx_ecb") not in self.tables():
            return None
        frame = self.frame("fx_ecb", "meta")
        return frame if frame.height else None

    def existing_keys(self, spec: TableSpec) -> set[tuple[Any, ...]]:
        cols = ", ".join(f'"{k}"' for k in spec.key)
        return set(self._db.execute(f'SELECT {cols} FROM "user"."{spec.name}"').fetchall())
