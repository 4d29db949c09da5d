"""Saved scenarios in the user's DuckDB file: the inputs and the result document of one run of a use
case (a quote, a route plan, an opportunity ranking, a pool), kept per user (``owner``).

One table, ``scenarios.saved``, created on first use. Inputs and results are stored as the JSON
documents the CLI's ``--json`` and the API return (:mod:`qiankua.jsonio`), so a scenario reloads
exactly as it was shown, even after the reference data or the engines change. Every write is one
transaction; ids are never reused (``max(id) + 1`` under the caller's per-file lock, see
:func:`qiankua.services.accounts.db_lock`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from qiankua.jsonio import to_json
from qiankua.store.database import Store

__all__ = ["DDL", "ScenarioStore"]

DDL = (
    'CREATE SCHEMA IF NOT EXISTS "scenarios"',
    "CREATE TABLE IF NOT EXISTS scenarios.saved (id BIGINT, owner VARCHAR, kind VARCHAR, name VARCHAR,"
    " inputs VARCHAR, result VARCHAR, created_at TIMESTAMP)",
    "CREATE SEQUENCE IF NOT EXISTS scenarios.saved_id START 1",
)
_LIST_COLUMNS = "id, kind, name, inputs, created_at"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _row(cols: list[str], values: tuple[Any, ...]) -> dict[str, Any]:
    row = dict(zip(cols, values, strict=True))
    for key in ("inputs", "result"):
        if key in row:
            row[key] = json.loads(row[key]) if row[key] is not None else None
    if isinstance(row.get("created_at"), dt.datetime):
        row["created_at"] = row["created_at"].isoformat(timespec="seconds") + "Z"
    return row


class ScenarioStore:
    """The scenarios of one open :class:`Store` (the table is created on first use)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db = store.ibis.con
        self._ready = False

    def _ensure(self) -> None:
        if self._ready:
            return
        exists = self._db.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'scenarios' AND table_name = 'saved'"
        ).fetchone()[0]
        if not exists:
            with self._store.transaction():
                for ddl in DDL:
                    self._db.execute(ddl)
        self._ready = True

    def has_table(self) -> bool:
        return bool(
            self._db.execute(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = 'scenarios' AND table_name = 'saved'"
            ).fetchone()[0]
        )

    def add(self, *, owner: str, kind: str, name: str, inputs: dict[str, Any], result: dict[str, Any]) -> int:
        """Store one scenario; returns its id."""
        self._ensure()
        with self._store.transaction():
            new_id = int(self._db.execute("SELECT nextval('scenarios.saved_id')").fetchone()[0])
            self._db.execute(
                "INSERT INTO scenarios.saved VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    new_id,
                    owner,
                    kind,
                    name,
                    to_json(inputs).decode("utf-8"),
                    to_json(result).decode("utf-8"),
                    _now(),
                ],
            )
        return new_id

    def list(self, *, owner: str, kind: str | None = None, results: bool = False) -> list[dict[str, Any]]:
        """The owner's scenarios, newest first; with their results when ``results``."""
        if not self.has_table():
            return []
        columns = f"{_LIST_COLUMNS}, result" if results else _LIST_COLUMNS
        sql = f"SELECT {columns} FROM scenarios.saved WHERE owner = ?"
        args: list[Any] = [owner]
        if kind is not None:
            sql += " AND kind = ?"
            args.append(kind)
        cur = self._db.execute(sql + " ORDER BY id DESC", args)
        cols = [d[0] for d in cur.description]
        return [_row(cols, r) for r in cur.fetchall()]

    def get(self, *, owner: str, scenario_id: int) -> dict[str, Any] | None:
        """One of the owner's scenarios with its inputs and result, or None."""
        if not self.has_table():
            return None
        cur = self._db.execute(
            f"SELECT {_LIST_COLUMNS}, result FROM scenarios.saved WHERE owner = ? AND id = ?", [owner, scenario_id]
        )
        cols = [d[0] for d in cur.description]
        got = cur.fetchone()
        return None if got is None else _row(cols, got)

    def delete(self, *, owner: str, scenario_id: int) -> bool:
        """Delete one of the owner's scenarios; False when there is none with that id."""
        if not self.has_table():
            return False
        with self._store.transaction():
            n = self._db.execute(
                "SELECT count(*) FROM scenarios.saved WHERE owner = ? AND id = ?", [owner, scenario_id]
            ).fetchone()[0]
            self._db.execute("DELETE FROM scenarios.saved WHERE owner = ? AND id = ?", [owner, scenario_id])
        return bool(n)
