"""The 1210 quota ledger in the user's DuckDB file: decisions per order, usage per buyer and year, an
audit log of every decision and return, one salt per store.

Identity numbers never reach this module: buyers are keyed BLAKE2b digests made with the store's own
random salt (``bonded.salt``), so digests from two stores cannot be linked. Every write is one
transaction, taken under a per-file lock: two uploads at once are decided one after the other, so no
buyer's quota is counted twice. Idempotence: under that lock the order ids already in ``bonded.ledger``
are read first and left out of the batch, so an order id is decided once (no primary-key index is kept
on the ledger: it would slow a 1,000,000-order insert several-fold for a guarantee the lock already gives;
``tests/bonded`` checks it). ``bonded.capped`` holds the quantities of accepted orders' lines that have a
per-person yearly quantity cap on the positive list.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from qiankua.store.database import Store

__all__ = ["DDL", "BondedLedger", "ledger_lock", "replace_positive_editions"]

DDL = (
    'CREATE SCHEMA IF NOT EXISTS "bonded"',
    "CREATE TABLE IF NOT EXISTS bonded.salt (salt BLOB, created_at TIMESTAMP)",
    "CREATE TABLE IF NOT EXISTS bonded.ledger (order_id VARCHAR, buyer_hash VARCHAR, year INTEGER,"
    " order_date DATE, status VARCHAR, channel VARCHAR, reason VARCHAR, dutiable_value DOUBLE, duty DOUBLE,"
    " vat DOUBLE, consumption_tax DOUBLE, total_tax DOUBLE, counted_cny DOUBLE, restored_cny DOUBLE,"
    " warnings VARCHAR, rule_id VARCHAR, batch_id BIGINT, decided_at TIMESTAMP)",
    "CREATE TABLE IF NOT EXISTS bonded.usage (buyer_hash VARCHAR, year INTEGER, used_fen BIGINT)",
    "CREATE TABLE IF NOT EXISTS bonded.events (batch_id BIGINT, order_id VARCHAR, event VARCHAR, status VARCHAR,"
    " reason VARCHAR, amount_cny DOUBLE, logged_at TIMESTAMP)",
    # the audit log: every decision (a ledger row is written once per order, and only a cancellation or
    # a return, itself logged in bonded.events, changes its status) and every restoring event
    "CREATE VIEW IF NOT EXISTS bonded.audit AS SELECT batch_id, order_id, 'decide' AS event,"
    " CASE WHEN status IN ('returned', 'cancelled') THEN 'accepted' ELSE status END AS status, reason,"
    " counted_cny AS amount_cny, decided_at AS logged_at FROM bonded.ledger"
    " UNION ALL SELECT * FROM bonded.events",
    "CREATE TABLE IF NOT EXISTS bonded.capped (order_id VARCHAR, buyer_hash VARCHAR, year INTEGER, hs8 VARCHAR,"
    " quantity DOUBLE)",
    "CREATE TABLE IF NOT EXISTS bonded.batches (batch_id BIGINT, kind VARCHAR, file_sha256 VARCHAR, orders BIGINT,"
    " decided BIGINT, logged_at TIMESTAMP)",
)
_LEDGER_COLUMNS = (
    "order_id",
    "buyer_hash",
    "year",
    "order_date",
    "status",
    "channel",
    "reason",
    "dutiable_value",
    "duty",
    "vat",
    "consumption_tax",
    "total_tax",
    "counted_cny",
)

_LOCKS: dict[Path, threading.RLock] = {}
_LOCKS_GUARD = threading.Lock()


def ledger_lock(path: Path | str) -> threading.RLock:
    """The lock of one database file: a use case holds it from opening the store to its commit."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(Path(path).resolve(), threading.RLock())


_lock = ledger_lock


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BondedLedger:
    """The ledger tables of one open :class:`Store` (created on first use)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._db = store.ibis.con
        with self.store.transaction() as db:
            for ddl in DDL:
                db.execute(ddl)

    # ---- reads -------------------------------------------------------------------------

    def salt(self) -> bytes:
        """The store's salt (made once, 32 random bytes)."""
        with _lock(self.store.path), self.store.transaction() as db:
            rows = db.execute("SELECT salt FROM bonded.salt LIMIT 1").fetchall()
            row = rows[0] if rows else None
            if row is None:
                salt = secrets.token_bytes(32)
                db.execute("INSERT INTO bonded.salt VALUES (?, ?)", [salt, _now()])
                return salt
            return bytes(row[0])

    def usage(self, buyer_hash: str, year: int | None = None) -> pl.DataFrame:
        """``year, used_fen`` of one buyer (every year, or one)."""
        sql = "SELECT year, used_fen FROM bonded.usage WHERE buyer_hash = ?"
        args: list[Any] = [buyer_hash]
        if year is not None:
            sql += " AND year = ?"
            args.append(year)
        return self._db.sql(sql + " ORDER BY year", params=args).pl()  # type: ignore[no-any-return]

    def orders_of(self, buyer_hash: str, year: int | None = None) -> pl.DataFrame:
        sql = "SELECT * FROM bonded.ledger WHERE buyer_hash = ?"
        args: list[Any] = [buyer_hash]
        if year is not None:
            sql += " AND year = ?"
            args.append(year)
        return self._db.sql(sql + " ORDER BY order_date, order_id", params=args).pl()  # type: ignore[no-any-return]

    def day_summary(self, on: dt.date) -> dict[str, Any]:
        row = self._db.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'accepted'), count(*) FILTER (WHERE status = 'rejected'),"
            " count(*) FILTER (WHERE status IN ('returned', 'cancelled')),"
            " coalesce(sum(dutiable_value) FILTER (WHERE status = 'accepted'), 0),"
            " coalesce(sum(total_tax) FILTER (WHERE status = 'accepted'), 0), count(DISTINCT buyer_hash)"
            " FROM bonded.ledger WHERE order_date = ?",
            [on],
        ).fetchall()[0]
        keys = ("orders", "accepted", "rejected", "restored", "declared_value_cny", "tax_cny", "buyers")
        return {"date": on, **dict(zip(keys, row, strict=True))}

    def totals(self) -> dict[str, Any]:
        """Ledger vs usage: the sum of counted minus restored equals the usage table (an invariant)."""
        ledger = self._db.execute(
            "SELECT coalesce(sum(round(counted_cny * 100)) - sum(round(coalesce(restored_cny, 0) * 100)), 0)"
            " FROM bonded.ledger"
        ).fetchall()[0][0]
        usage = self._db.execute("SELECT coalesce(sum(used_fen), 0) FROM bonded.usage").fetchall()[0][0]
        n = self._db.execute("SELECT count(*) FROM bonded.ledger").fetchall()[0][0]
        return {"ledger_fen": int(ledger), "usage_fen": int(usage), "orders": int(n)}

    # ---- writes ------------------------------------------------------------------------

    def decide(
        self,
        order_ids: pl.Series,
        buyers: pl.DataFrame,
        decide: Callable[[pl.Series, pl.DataFrame, pl.DataFrame], Any],
        *,
        file_sha256: str = "",
        commit: bool = True,
    ) -> tuple[Any, pl.DataFrame]:
        """Under the file's lock and in one transaction: read which of ``order_ids`` are decided already,
        the prior usage of ``buyers`` (``buyer_hash, year``) and their capped quantities, call
        ``decide(decided_ids, prior_usage, prior_quantity)`` (the pure engine; it returns an object with
        ``orders``, ``usage`` and ``capped`` frames), write the new decisions, the usage deltas, the capped
        quantities and the audit rows. Returns the engine's result and the stored rows of the orders that
        were decided before (re-submission changes nothing)."""
        db = self._db
        with _lock(self.store.path), self.store.transaction():
            db.register("_ids", pl.DataFrame({"order_id": order_ids}).to_arrow())
            db.register("_buyers", buyers.unique().to_arrow())
            try:
                before = db.sql(
                    "SELECT l.* FROM bonded.ledger l WHERE l.order_id IN (SELECT order_id FROM _ids)"
                    " ORDER BY l.order_id"
                ).pl()
                prior = db.sql(
                    "SELECT u.buyer_hash, u.year, u.used_fen FROM bonded.usage u JOIN _buyers b"
                    " ON u.buyer_hash = b.buyer_hash AND u.year = b.year"
                ).pl()
                quantity = db.sql(
                    "SELECT c.buyer_hash, c.year, c.hs8, sum(c.quantity) AS quantity FROM bonded.capped c"
                    " JOIN _buyers b ON c.buyer_hash = b.buyer_hash AND c.year = b.year"
                    " JOIN bonded.ledger l ON l.order_id = c.order_id WHERE l.status = 'accepted' GROUP BY ALL"
                ).pl()
            finally:
                db.unregister("_ids")
                db.unregister("_buyers")
            assert isinstance(before, pl.DataFrame) and isinstance(prior, pl.DataFrame)
            assert isinstance(quantity, pl.DataFrame)
            result = decide(before["order_id"], prior, quantity)
            if commit and result.orders.height:
                self._write(result, file_sha256)
        return result, before

    def _write(self, result: Any, file_sha256: str) -> None:
        db = self._db
        at = _now()
        batch = db.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM bonded.batches").fetchall()[0][0]
        orders: pl.DataFrame = result.orders
        ledger = orders.select(
            *_LEDGER_COLUMNS,
            pl.lit(None, dtype=pl.Float64).alias("restored_cny"),
            "warnings",
            "rule_id",
            pl.lit(batch, dtype=pl.Int64).alias("batch_id"),
            pl.lit(at).alias("decided_at"),
        )
        usage: pl.DataFrame = result.usage
        # new totals of the buyers whose usage changed (read under the same lock and transaction)
        delta = usage.filter(pl.col("used_after") != pl.col("used_before")).select(
            "buyer_hash",
            pl.col("year").cast(pl.Int32),
            (pl.col("used_after") * 100).round(0).cast(pl.Int64).alias("used_fen"),
        )
        capped = result.capped if result.capped is not None else pl.DataFrame()
        frames = [("_ledger", ledger), ("_delta", delta)]
        if capped.height:
            frames.append(("_capped", capped.select("order_id", "buyer_hash", "year", "hs8", "quantity")))
        for name, frame in frames:
            # Arrow string views: the text columns go to DuckDB without being copied into offsets first
            db.register(name, frame.to_arrow(compat_level=pl.CompatLevel.newest()))
        try:
            db.execute("INSERT INTO bonded.ledger SELECT * FROM _ledger")
            if capped.height:
                db.execute("INSERT INTO bonded.capped SELECT * FROM _capped")
            db.execute(
                "DELETE FROM bonded.usage USING _delta d"
                " WHERE bonded.usage.buyer_hash = d.buyer_hash AND bonded.usage.year = d.year"
            )
            db.execute("INSERT INTO bonded.usage SELECT * FROM _delta")
        finally:
            for name, _frame in frames:
                db.unregister(name)
        db.execute(
            "INSERT INTO bonded.batches VALUES (?, 'check', ?, ?, ?, ?)",
            [batch, file_sha256, orders.height, orders.height, at],
        )

    def restore(self, events: pl.DataFrame, *, apply_days: int | None, arrive_days: int | None) -> pl.DataFrame:
        """Cancellations and returns (``order_id, event, event_date, arrived_date``): an accepted order
        cancelled, or returned within ``apply_days`` of its date (and back within ``arrive_days`` when an
        arrival date is given), gives its counted amount back. Returns one row per event with its outcome;
        an event for an order already restored changes nothing."""
        db = self._db
        at = _now()
        with _lock(self.store.path), self.store.transaction():
            db.register("_ev", events.to_arrow())
            try:
                rows = db.sql(
                    "SELECT e.order_id, e.event, e.event_date, e.arrived_date, l.status, l.order_date,"
                    " l.counted_cny, l.buyer_hash, l.year FROM _ev e LEFT JOIN bonded.ledger l USING (order_id)"
                ).pl()
            finally:
                db.unregister("_ev")
            assert isinstance(rows, pl.DataFrame)
            late = (pl.col("event") == "return") & (
                (
                    pl.lit(apply_days is not None)
                    & ((pl.col("event_date") - pl.col("order_date")).dt.total_days() > (apply_days or 0))
                )
                | (
                    pl.lit(arrive_days is not None)
                    & pl.col("arrived_date").is_not_null()
                    & ((pl.col("arrived_date") - pl.col("order_date")).dt.total_days() > (arrive_days or 0))
                )
            )
            rows = rows.with_columns(
                pl.when(pl.col("status").is_null())
                .then(pl.lit("unknown_order"))
                .when(pl.col("status").is_in(["returned", "cancelled"]))
                .then(pl.lit("already_restored"))
                .when(pl.col("status") != "accepted")
                .then(pl.lit("not_accepted"))
                .when(late)
                .then(pl.lit("return_too_late"))
                .otherwise(pl.lit("restored"))
                .alias("outcome")
            )
            # a second event for the same order in one file changes nothing
            dup = (pl.col("outcome") == "restored") & (pl.int_range(pl.len()).over("order_id") > 0)
            rows = rows.with_columns(
                pl.when(dup).then(pl.lit("already_restored")).otherwise("outcome").alias("outcome")
            )
            done = rows.filter(pl.col("outcome") == "restored")
            if done.height:
                batch = db.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM bonded.batches").fetchall()[0][0]
                db.register("_done", done.select("order_id", "event", "counted_cny", "buyer_hash", "year").to_arrow())
                try:
                    db.execute(
                        "UPDATE bonded.ledger SET status = CASE WHEN d.event = 'cancel' THEN 'cancelled' ELSE 'returned' END,"
                        " restored_cny = d.counted_cny FROM _done d WHERE bonded.ledger.order_id = d.order_id"
                    )
                    db.execute(
                        "UPDATE bonded.usage SET used_fen = bonded.usage.used_fen - s.fen FROM (SELECT buyer_hash, year,"
                        " sum(round(counted_cny * 100))::BIGINT AS fen FROM _done GROUP BY ALL) s"
                        " WHERE bonded.usage.buyer_hash = s.buyer_hash AND bonded.usage.year = s.year"
                    )
                    db.execute(
                        "INSERT INTO bonded.events SELECT ?, order_id, event, 'restored', event, counted_cny, ? FROM _done",
                        [batch, at],
                    )
                finally:
                    db.unregister("_done")
                db.execute(
                    "INSERT INTO bonded.batches VALUES (?, 'restore', '', ?, ?, ?)",
                    [batch, events.height, done.height, at],
                )
        return rows.select("order_id", "event", "outcome", "counted_cny")

    def digest(self) -> str:
        """SHA-256 over the ledger tables (equal iff their content is equal)."""
        import hashlib

        h = hashlib.sha256()
        for table in ("ledger", "usage", "audit"):
            cols = "* EXCLUDE (decided_at, batch_id)" if table == "ledger" else "*"
            if table == "audit":
                cols = "* EXCLUDE (logged_at, batch_id)"
            frame = self._db.sql(f"SELECT {cols} FROM bonded.{table}").pl()
            assert isinstance(frame, pl.DataFrame)
            h.update(frame.sort(frame.columns, nulls_last=True).write_csv().encode())
        return h.hexdigest()


def replace_positive_editions(
    store: Store, frame: pl.DataFrame, *, columns: list[str], newest: str, file_name: str, sha256: str
) -> int:
    """Replace the editions ``frame`` holds (its ``edition`` column, never empty) in ``user.positive_list``
    with its rows, in one transaction, leaving the other editions as they are; a stored row without an
    edition counts as ``newest``. The import is logged in ``meta.imports`` (mode ``edition``). Returns the
    number of rows removed."""
    target = '"user"."positive_list"'
    cols = ", ".join(f'"{c}"' for c in columns)
    with store.transaction(("user.positive_list", "meta.imports")) as db:
        db.register("_incoming", frame.select(columns).to_arrow())
        try:
            where = "coalesce(edition, ?) IN (SELECT DISTINCT edition FROM _incoming)"
            removed = db.execute(f"SELECT count(*) FROM {target} WHERE {where}", [newest]).fetchall()[0][0]
            db.execute(f"DELETE FROM {target} WHERE {where}", [newest])
            db.execute(f"INSERT INTO {target} ({cols}) SELECT {cols} FROM _incoming")
        finally:
            db.unregister("_incoming")
        next_id = db.execute("SELECT coalesce(max(import_id), 0) + 1 FROM meta.imports").fetchall()[0][0]
        db.execute(
            "INSERT INTO meta.imports VALUES (?, ?, ?, ?, ?, ?, ?)",
            [next_id, "positive_list", file_name, sha256, "edition", frame.height, _now()],
        )
    return int(removed)
