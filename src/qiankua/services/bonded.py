"""Bonded retail import (1210) use cases: read the day's order, payment and waybill files, check them
against the rules, decide and ledger them (store -> engine -> store), the per-order tax and a buyer's quota.

Files are read column by column (Polars), not cell by cell, so a 1,000,000-order day is checked in
seconds; a bad file (missing column, identity number failing its check digit, a currency other than
CNY, a negative amount, a duplicate order id) raises :class:`ImportValidationError` naming file, row,
column and reason, and nothing is written. Identity numbers are hashed with the store's salt before
anything is stored or shown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from qiankua.bonded import BondedRules, check_batch, hash_ids, order_tax, valid_mask
from qiankua.bonded.identity import hash_index
from qiankua.bonded.keys import all_distinct
from qiankua.bonded.remarks import classify as classify_remark
from qiankua.bonded.remarks import join_kinds, split_kinds
from qiankua.bonded.tables import ORDERS, PAYMENTS, WAYBILLS
from qiankua.exceptions import CellIssue, ImportValidationError, InvalidInputError
from qiankua.schema import TableSpec

__all__ = [
    "check_files",
    "check_uploads",
    "declaration_table",
    "document",
    "import_positive_list",
    "load_rules",
    "quota",
    "read_upload",
    "restore_file",
    "restore_upload",
    "tax",
    "template",
]

DATA_DIR = Path(__file__).resolve().parents[1] / "reference" / "data"
_TABLES = ("bonded_rules", "cn_import_vat", "cn_consumption_tax", "positive_list", "positive_list_editions")
MAX_ISSUES = 1000
ID_COLUMNS = ("buyer_id_number", "payer_id_number")
_DT_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")
_D_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")


@cache
def _builtin_tables() -> dict[str, pl.DataFrame]:
    return {n: pl.read_csv(DATA_DIR / f"{n}.csv", infer_schema=False) for n in _TABLES}


def _read_remarks(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows imported straight from the official attachment carry the remark as written and no kind or cap:
    read them from the remark (:func:`qiankua.bonded.remarks.classify`: every kind the remark states,
    joined with ";"). Kinds or a cap the user gave win."""
    read = [classify_remark(r) for r in frame["remark"].to_list()]
    derived = pl.DataFrame(
        {
            "_kind": [r.joined for r in read],
            "_cap": [r.qty_cap for r in read],
            "_unit": [r.qty_unit for r in read],
        },
        schema={"_kind": pl.String, "_cap": pl.Float64, "_unit": pl.String},
    )
    given = pl.Series([join_kinds(split_kinds(k)) for k in frame["remark_type"].cast(pl.String).to_list()])
    return (
        pl.concat([frame, derived], how="horizontal")
        .with_columns(
            pl.coalesce(given.cast(pl.String), "_kind").alias("remark_type"),
            pl.coalesce(pl.col("qty_cap").cast(pl.Float64), "_cap").alias("qty_cap"),
            pl.coalesce(pl.col("qty_unit").cast(pl.String), "_unit").alias("qty_unit"),
        )
        .drop("_kind", "_cap", "_unit")
    )


def newest_edition() -> str:
    """The edition a positive-list row without one belongs to: the newest edition known
    (``positive_list_editions.csv``), as the import template's notes say."""
    eds = _builtin_tables()["positive_list_editions"].sort("valid_from")
    return str(eds["edition"][-1])


def _user_positive(store: Any) -> pl.DataFrame | None:
    """The user's imported positive list (``user.positive_list``) in the built-in list's columns, or None.
    A row without an edition is the newest edition's; a line stored twice for one edition (an empty
    edition and the newest named) counts once, the row stored last winning."""
    if ("user", "positive_list") not in store.tables():
        return None
    frame: pl.DataFrame = store.frame("positive_list")
    if not frame.height:
        return None
    known = set(_builtin_tables()["positive_list_editions"]["edition"].to_list())
    frame = frame.with_columns(pl.col("edition").cast(pl.String).str.strip_chars().fill_null(newest_edition()))
    unknown = sorted(set(frame["edition"].to_list()) - known)
    if unknown:
        raise InvalidInputError(
            f"user.positive_list holds edition(s) {', '.join(map(repr, unknown))}, which qiankua has no dates for "
            f"(known editions: {', '.join(sorted(known))}). Import that file again with the edition column "
            "(版本 / edition) set to one of them, or empty for the newest: "
            "`qiankua data import FILE --table positive_list --mode replace`."
        )
    frame = frame.unique(["hs_code", "edition"], keep="last", maintain_order=True)
    frame = _read_remarks(frame)
    return frame.select(
        "hs_code",
        "name_zh",
        "remark",
        "remark_type",
        pl.col("qty_cap").cast(pl.Float64),
        "qty_unit",
        "edition",
        pl.col("source").fill_null("user-import").alias("source_id"),
        pl.lit("user").alias("confidence"),
        "notes",
    )


def import_positive_list(
    path: Path | str, db: Path | str | None = None, *, edition: str | None = None
) -> dict[str, Any]:
    """``qiankua bonded list-import``: import one edition of the positive list (the official attachment as
    published, or the template) and replace that edition only — its lines stored before are removed, the
    other editions stay. ``edition`` names the edition of rows that do not name one (default: the newest
    known, as the template's notes say); a row naming another edition than ``edition`` is an error. Every
    cell is checked as in ``qiankua data import`` (file, row, column, reason); nothing is written on error."""
    from qiankua.reference import load_reference
    from qiankua.schema import table_spec
    from qiankua.services.requests import user_db
    from qiankua.store import Store
    from qiankua.store.bonded import replace_positive_editions
    from qiankua.store.importer import validate_file

    known = sorted(_builtin_tables()["positive_list_editions"]["edition"].to_list())
    if edition is not None and edition not in known:
        raise InvalidInputError(f"Expected --edition to be one of {', '.join(known)}, got {edition!r}.")
    fill = edition or newest_edition()
    path = Path(path)
    spec = table_spec("positive_list")
    checked = validate_file(path, "positive_list", load_reference())
    issues = list(checked.issues)
    frame = checked.frame.with_columns(pl.col("edition").fill_null(fill))
    if not issues and edition is not None:
        where = checked.where
        for k in (frame["edition"] != edition).arg_true().to_list():
            issues.append(
                CellIssue(
                    file=path.name,
                    sheet=where["__sheet"][k],
                    row=int(where["__row"][k]),
                    column="edition",
                    value=str(frame["edition"][k]),
                    reason=f"another edition than --edition {edition}; import each edition on its own",
                )
            )
    if not issues:
        dup = frame.select(pl.struct("hs_code", "edition").is_duplicated()).to_series()
        for k in dup.arg_true().to_list():
            issues.append(
                CellIssue(
                    file=path.name,
                    sheet=checked.where["__sheet"][k],
                    row=int(checked.where["__row"][k]),
                    column="hs_code",
                    value=str(frame["hs_code"][k]),
                    reason=f"line listed twice for edition {frame['edition'][k]} (an empty edition is {fill})",
                )
            )
    if issues:
        raise ImportValidationError(
            f"{path.name}: {len(issues)} problem(s) found; nothing was imported into positive_list.",
            issues[:MAX_ISSUES],
            table="positive_list",
        )
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    frame = frame.select(spec.column_names).cast(spec.polars_schema())  # type: ignore[arg-type]
    target = user_db(db)
    with Store(target, short_writes=True) as store:
        removed = replace_positive_editions(
            store, frame, columns=spec.column_names, newest=newest_edition(), file_name=path.name, sha256=sha
        )
    rules = load_rules(target)
    return {
        "ok": True,
        "table": "positive_list",
        "file": path.name,
        "sha256": sha,
        "editions": sorted(set(frame["edition"].to_list())),
        "rows_written": frame.height,
        "rows_replaced": removed,
        "positive_list": rules.coverage(),
    }


def load_rules(db: Path | str | None = None) -> BondedRules:
    """The built-in rules, with the user's imported positive list (``user.positive_list``) when there is one."""
    user = None
    if db is not None and Path(db).is_file():
        from qiankua.store import Store
        from qiankua.store.bonded import ledger_lock

        with ledger_lock(db), Store(db) as store:
            user = _user_positive(store)
    return BondedRules.from_tables(_builtin_tables(), user)


# ---------------------------------------------------------------------------- reading an upload


def _utf8_header(data: bytes) -> bool:
    """Whether the first line of ``data`` is UTF-8 text."""
    end = data.find(b"\n")
    try:
        data[: end if end >= 0 else len(data)].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _raw_frame(path: Path) -> pl.DataFrame:
    from qiankua.store.files import _file_error, detect_encoding

    if not path.is_file():
        raise _file_error(path, "file not found")
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python(skip_empty_area=True)
        if not rows:
            raise _file_error(path, "the workbook's first sheet is empty")
        header = [str(h) for h in rows[0]]

        def cell(v: Any) -> str | None:
            if v is None or v == "":
                return None
            if isinstance(v, float) and v.is_integer():
                return str(int(v))
            return str(v)

        return pl.DataFrame(
            {h: [cell(r[i]) if i < len(r) else None for r in rows[1:]] for i, h in enumerate(header)},
            schema={h: pl.String for h in header},
        )
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) and _utf8_header(data):
        # the usual case, UTF-8 without a byte-order mark: Polars checks the cells' text as it reads them
        # (the header line is checked above), so the file is not decoded twice; anything else (GBK or
        # GB18030, a broken file) takes the path below
        with contextlib.suppress(pl.exceptions.ComputeError):
            return pl.read_csv(data, infer_schema=False, truncate_ragged_lines=True)
    try:
        encoding = detect_encoding(data)
    except ValueError as exc:
        raise _file_error(path, str(exc)) from None
    if encoding not in ("utf-8", "utf-8-sig"):
        data = data.decode(encoding).encode("utf-8")
    return pl.read_csv(io.BytesIO(data), infer_schema=False, truncate_ragged_lines=True)


def _issue(file: str, row: int | None, column: str | None, reason: str, value: Any = None) -> CellIssue:
    return CellIssue(
        file=file, sheet=None, row=row, column=column, value=None if value is None else str(value), reason=reason
    )


def _bad_rows(
    file: str, frame: pl.DataFrame, mask: pl.Series, column: str, reason: str, show: bool = True
) -> list[CellIssue]:
    hit = frame.with_row_index("_i").filter(mask)
    return [
        _issue(file, i + 2, column, reason, v if show else None)
        for i, v in zip(hit["_i"].head(MAX_ISSUES).to_list(), hit[column].head(MAX_ISSUES).to_list(), strict=True)
    ]


def _bad_values(values: pl.Series, ok: pl.Series) -> pl.Series:
    """The distinct values of ``values`` for which ``ok`` (computed on ``values``) is false."""
    return values.filter(~ok.fill_null(False))


def _distinct(src: pl.Series) -> pl.Series:
    return src.drop_nulls().unique()


def _stripped(c: pl.Expr) -> pl.Expr:
    """Text stripped of surrounding spaces; blank -> null."""
    return c.str.strip_chars().replace("", None)


def _parse_datetime(src: pl.Series) -> pl.Series:
    """Parse with the first format that reads a sample; every format only when that one misses rows."""

    def parse(s: pl.Series, fmt: str) -> pl.Series:
        if fmt in _DT_FORMATS:
            return s.str.strptime(pl.Datetime("us"), fmt, strict=False)
        return s.str.strptime(pl.Date, fmt, strict=False).cast(pl.Datetime("us"))

    sample = src.drop_nulls().head(200)
    if sample.len():
        for fmt in (*_DT_FORMATS, *_D_FORMATS):
            if parse(sample, fmt).null_count() == 0:
                first = parse(src, fmt)
                if first.null_count() == src.null_count():
                    return first
                break
    return pl.select(pl.coalesce(*[parse(src, f) for f in (*_DT_FORMATS, *_D_FORMATS)]).alias(src.name)).to_series()


def read_upload(path: Path | str, spec: TableSpec) -> tuple[pl.DataFrame, list[CellIssue]]:
    """Read and type one uploaded file against ``spec``; returns the frame and every issue (file, row,
    column, reason). Rows are numbered as a spreadsheet shows them (header = row 1).

    Column-wise and vectorised: text checks (patterns, currency, identity check digits) run on each
    column's distinct values, numbers are cast in one pass, dates parsed with the format the column uses."""
    path = Path(path)
    file = path.name
    raw = _raw_frame(path)
    mapping, _unknown, missing = spec.map_headers(raw.columns)
    issues = [
        _issue(file, 1, name, f"required column missing (header {spec.by_name[name].zh!r} or {name!r})")
        for name in missing
    ]
    if missing:
        return pl.DataFrame(), issues
    # text columns are stripped (blank -> null) at once; numbers and dates only when they fail to parse raw
    parsed_kinds = ("int", "float", "datetime")
    frame = raw.select(
        (
            pl.col(raw.columns[i]) if spec.by_name[name].kind in parsed_kinds else _stripped(pl.col(raw.columns[i]))
        ).alias(name)
        for i, name in mapping.items()
    )
    masks: list[tuple[pl.Expr, str, str, bool]] = []  # (bad-row mask, column, reason, show value)
    typed: list[pl.Series] = []
    for col in spec.columns:
        if col.name not in frame.columns:
            typed.append(pl.repeat(None, frame.height, dtype=col.polars_type, eager=True).alias(col.name))
            continue
        src = frame[col.name]
        c = pl.col(col.name)
        if col.kind in ("int", "float"):
            num = src.cast(pl.Float64, strict=False)
            if num.null_count() != src.null_count():  # spaces, thousands separators, or text
                src = frame.select(_stripped(c)).to_series()
                frame = frame.with_columns(src)
                num = src.str.replace_all(",", "", literal=True).cast(pl.Float64, strict=False)
        elif col.kind == "datetime":
            num = _parse_datetime(src)
            if num.null_count() != src.null_count():
                src = frame.select(_stripped(c)).to_series()
                frame = frame.with_columns(src)
                num = _parse_datetime(src)
        if col.required and src.null_count():
            masks.append((c.is_null(), col.name, "required value missing", True))
        if col.kind in ("int", "float"):
            n = pl.col("_n_" + col.name)
            frame = frame.with_columns(num.alias("_n_" + col.name))
            if num.null_count() != src.null_count():
                masks.append((c.is_not_null() & n.is_null(), col.name, "not a number", True))
            if col.ge is not None:
                masks.append((n < col.ge, col.name, f"must be >= {col.ge:g} (negative amounts are refused)", True))
            if col.gt is not None:
                masks.append((n <= col.gt, col.name, f"must be > {col.gt:g}", True))
            if col.kind == "int":
                masks.append((n.is_not_null() & (n != n.round(0)), col.name, "not a whole number", True))
                num = num.round(0).cast(pl.Int64)
            typed.append(num.alias(col.name))
        elif col.kind == "datetime":
            if num.null_count() != src.null_count():
                frame = frame.with_columns(num.alias("_d_" + col.name))
                masks.append(
                    (
                        c.is_not_null() & pl.col("_d_" + col.name).is_null(),
                        col.name,
                        "not a date-time (YYYY-MM-DD [HH:MM[:SS]])",
                        True,
                    )
                )
            typed.append(num.alias(col.name))
        elif col.pattern:
            values = _distinct(src)
            fixed = values
            if col.pad:
                # Excel drops the leading zero of HS chapters 01-09
                short = values.str.contains(r"^\d+$") & (values.str.len_chars() == col.pad - 1)
                if short.any():
                    fixed = pl.select(pl.when(short).then(pl.lit("0") + values).otherwise(values)).to_series()
                    src = src.replace(values, fixed)
            bad = _bad_values(values, fixed.str.contains(f"^(?:{col.pattern})$"))
            if bad.len():
                masks.append((c.is_in(bad.implode()), col.name, f"expected {col.pattern} (digits)", True))
            typed.append(src.alias(col.name))
        else:
            typed.append(src)
    if "currency" in frame.columns:
        values = _distinct(frame["currency"])
        bad = _bad_values(values, values.str.to_uppercase().is_in(["CNY", "RMB", "142"]))
        if bad.len():
            masks.append(
                (
                    pl.col("currency").is_in(bad.implode()),
                    "currency",
                    "amounts must be in CNY (币制 142 / CNY / RMB)",
                    True,
                )
            )
    for id_col in ID_COLUMNS:
        if id_col in frame.columns:
            values = _distinct(frame[id_col])
            bad = _bad_values(values, pl.Series(valid_mask(values)))
            if bad.len():
                masks.append(
                    (
                        pl.col(id_col).is_in(bad.implode()),
                        id_col,
                        "identity number fails its GB 11643 check digit",
                        False,
                    )
                )
    out = pl.DataFrame(typed)
    if masks:
        hits = frame.select(*[m.fill_null(False).alias(f"_m{k}") for k, (m, *_r) in enumerate(masks)])
        for k, (_m, column, reason, show) in enumerate(masks):
            mask = hits[f"_m{k}"]
            if mask.any():
                issues += _bad_rows(file, frame, mask, column, reason, show)
    key = [k for k in spec.key if k in out.columns]
    if key:
        if "line_no" in key:
            if out["line_no"].null_count() == out.height:  # no line numbers: every order is one line
                out = out.with_columns(pl.repeat(1, out.height, dtype=pl.Int64, eager=True).alias("line_no"))
            else:
                out = out.with_columns(pl.col("line_no").fill_null(1))
            if out["line_no"].n_unique() <= 1:  # one line per order: the order id alone is the key
                key = [k for k in key if k != "line_no"]
        if not all_distinct(out.select(key)):
            keycol = out[key[0]] if len(key) == 1 else out.select(pl.struct(key).alias("k"))["k"]
            dup = keycol.is_duplicated()
            first = out.with_row_index("_i").filter(dup).group_by(key, maintain_order=True).agg(pl.col("_i"))
            for row in first.head(MAX_ISSUES).iter_rows(named=True):
                rows = [i + 2 for i in row["_i"]]
                for r in rows[1:]:
                    issues.append(
                        _issue(file, r, key[0], f"duplicate order id; first seen in row {rows[0]}", row[key[0]])
                    )
    return out.select(spec.column_names), issues


def _read_all(
    orders: Path | str, payments: Path | str | None, waybills: Path | str | None
) -> tuple[pl.DataFrame, pl.DataFrame | None, pl.DataFrame | None]:
    issues: list[CellIssue] = []
    o, found = read_upload(orders, ORDERS)
    issues += found
    p = w = None
    if payments is not None:
        p, found = read_upload(payments, PAYMENTS)
        issues += found
    if waybills is not None:
        w, found = read_upload(waybills, WAYBILLS)
        issues += found
    if issues:
        issues.sort(key=lambda i: (i.file, i.row or 0))
        raise ImportValidationError(
            f"{len(issues)} problem(s) found in the upload; nothing was checked or written.", issues[:MAX_ISSUES]
        )
    return o, p, w


# ---------------------------------------------------------------------------- use cases


def check_frames(
    orders: pl.DataFrame,
    payments: pl.DataFrame | None,
    waybills: pl.DataFrame | None,
    db: Path | str,
    *,
    commit: bool = True,
    duty_rate: float | None = None,
    file_sha256: str = "",
    rules: BondedRules | None = None,
) -> dict[str, Any]:
    """Check typed frames, decide and ledger them in the store ``db``; returns the result document."""
    from qiankua.store import Store
    from qiankua.store.bonded import BondedLedger, ledger_lock

    with ledger_lock(db), Store(db) as store:
        if rules is None:
            rules = BondedRules.from_tables(_builtin_tables(), _user_positive(store))
        ledger = BondedLedger(store)
        salt = ledger.salt()
        # hash every distinct buyer number once; the payers' numbers are only compared with the buyers'
        digests, distinct = hash_index(orders["buyer_id_number"], salt)
        orders = orders.with_columns(digests.alias("buyer_hash"))
        # the buyers' (digest, year) pairs whose stored usage the ledger reads: every distinct digest in
        # every year of the upload (a superset of the pairs when an upload spans years; usage of a pair
        # with no order is read and not used)
        years = orders["order_time"].dt.year().cast(pl.Int32).unique().drop_nulls()
        buyers = distinct.rename("buyer_hash").to_frame().join(years.rename("year").to_frame(), how="cross")

        def decide(decided: pl.Series, prior: pl.DataFrame, quantity: pl.DataFrame) -> Any:
            return check_batch(
                orders,
                payments,
                waybills,
                rules,
                salt=salt,
                prior_usage=prior,
                decided=decided,
                duty_rate=duty_rate,
                prior_quantity=quantity,
            )

        result, before = ledger.decide(orders["order_id"], buyers, decide, file_sha256=file_sha256, commit=commit)
    return {
        "ok": True,
        "committed": commit,
        "summary": {**result.summary, "already_decided": before.height},
        "orders": result.orders,
        "already_decided": before.select([c for c in result.orders.columns if c in before.columns])
        if before.height
        else None,
        "usage": result.usage,
        "positive_list": {
            **rules.coverage(),
            "used": rules.editions_used(orders.unique("order_id", keep="first")["order_time"].dt.date())
            if orders.height
            else [],
        },
        "rules": [
            {"rule_id": lim.rule_id, "source_id": lim.source_id, "confidence": lim.confidence} for lim in rules.limits
        ],
    }


def check_files(
    orders: Path | str,
    payments: Path | str | None = None,
    waybills: Path | str | None = None,
    db: Path | str | None = None,
    *,
    commit: bool = True,
    duty_rate: float | None = None,
) -> dict[str, Any]:
    """``qiankua bonded check``: read the files (all errors or none), decide, ledger."""
    from qiankua.services.requests import user_db

    o, p, w = _read_all(orders, payments, waybills)
    sha = hashlib.sha256(Path(orders).read_bytes()).hexdigest()
    return check_frames(o, p, w, user_db(db), commit=commit, duty_rate=duty_rate, file_sha256=sha)


def document(result: dict[str, Any], limit: int | None = None) -> dict[str, Any]:
    """The JSON document of a check (frames as lists of rows)."""
    out = dict(result)
    for key in ("orders", "usage", "already_decided"):
        frame = out.get(key)
        if isinstance(frame, pl.DataFrame):
            out[key] = (frame.head(limit) if limit else frame).to_dicts()
    return out


def _untaxed(request: dict[str, Any], value: float, on: dt.date, reason: str) -> dict[str, Any]:
    """The document of an order no rule can tax (no 1210 rule in force that day, no VAT rate for the code):
    every amount unknown (null, never 0), no channel, the reason."""
    return {
        "value": value,
        "duty": None,
        "vat": None,
        "consumption_tax": None,
        "total_tax": None,
        "channel": None,
        "reason": reason,
        "composite_rate": None,
        "annual_used_after": None,
        "rule_id": None,
        "sources": "",
        "confidence": None,
        "ok": True,
        "date": on,
        "hs": request.get("hs"),
        "vat_rate": request.get("vat_rate"),
        "ct_rate": request.get("ct_rate"),
    }


def tax(request: dict[str, Any]) -> dict[str, Any]:
    """``qiankua bonded tax``: one order's duty, VAT, consumption tax, channel and reason."""
    value = float(request["value"])
    if not 0 <= value <= 1e10 or not 0 <= float(request.get("annual_used") or 0.0) <= 1e10:
        raise InvalidInputError(
            "`value` and `annual_used` must be between 0 and 1e10 (CNY, dutiable price incl. freight and insurance)."
        )
    on = request.get("date") or dt.date.today()
    if isinstance(on, str):
        on = dt.date.fromisoformat(on)
    rules = load_rules(None)
    hs = request.get("hs")
    if request.get("vat_rate") is None and not hs:
        raise InvalidInputError("Give --hs (a CN tariff code) or --vat-rate (e.g. 0.13).")
    try:
        limits = rules.limits_on(on)
    except InvalidInputError:
        return _untaxed(request, value, on, "no_rule_in_force")  # infeasible is a result, not an error
    vat_rate, ct_rate, sources = request.get("vat_rate"), request.get("ct_rate"), []
    if hs:
        rates = rules.rates(pl.Series([str(hs)]), pl.Series([on])).row(0, named=True)
        if vat_rate is None:
            vat_rate = rates["vat_rate"]
            sources.append(rates["vat_source"])
        if ct_rate is None:
            ct_rate = rates["ct_rate"]
            if rates["ct_source"]:
                sources.append(rates["ct_source"])
    if vat_rate is None:
        return _untaxed(request, value, on, "no_vat_rate")
    doc = order_tax(
        value,
        vat_rate=float(vat_rate),
        ct_rate=float(ct_rate or 0.0),
        duty_rate=request.get("duty_rate"),
        items=int(request.get("items") or 1),
        annual_used=float(request.get("annual_used") or 0.0),
        limits=limits,
    )
    doc.update({"ok": True, "date": on, "hs": hs, "vat_rate": float(vat_rate), "ct_rate": float(ct_rate or 0.0)})
    doc["sources"] = ";".join([doc["sources"], *[s for s in sources if s]])
    return doc


def quota(buyer_id: str, db: Path | str | None = None, year: int | None = None) -> dict[str, Any]:
    """``qiankua bonded quota``: a buyer's annual usage and what is left (the number is hashed, never shown)."""
    from qiankua.bonded import is_valid
    from qiankua.services.requests import user_db
    from qiankua.store import Store
    from qiankua.store.bonded import BondedLedger

    if not is_valid(buyer_id):
        raise InvalidInputError("The identity number fails its GB 11643 check digit.")
    year = year or dt.date.today().year
    rules = load_rules(None)
    limit = rules.limits_on(dt.date(year, 12, 31)).annual_limit_cny
    path = user_db(db)
    used = 0.0
    orders: list[dict[str, Any]] = []
    if Path(path).is_file():
        with Store(path) as store:
            ledger = BondedLedger(store)
            h = hash_ids(pl.Series([buyer_id]), ledger.salt())[0]
            frame = ledger.usage(h, year)
            used = float(frame["used_fen"].sum() or 0) / 100.0
            orders = (
                ledger.orders_of(h, year)
                .select(
                    "order_id",
                    "order_date",
                    "status",
                    "reason",
                    "dutiable_value",
                    "counted_cny",
                    "restored_cny",
                    "total_tax",
                )
                .to_dicts()
            )
    masked = buyer_id[:4] + "*" * 12 + buyer_id[-2:]
    return {
        "ok": True,
        "buyer": masked,
        "year": year,
        "annual_limit": limit,
        "used": used,
        "left": round(limit - used, 2),
        "orders": orders,
    }


def restore_file(path: Path | str, db: Path | str | None = None) -> dict[str, Any]:
    """Cancellations and returns from a file (``order_id, event (cancel|return), event_date[, arrived_date]``)."""
    from qiankua.services.requests import user_db
    from qiankua.store import Store
    from qiankua.store.bonded import BondedLedger

    raw = _raw_frame(Path(path))
    need = {"order_id", "event", "event_date"}
    missing = need - set(raw.columns)
    if missing:
        raise ImportValidationError(
            "missing columns", [_issue(Path(path).name, 1, m, "required column missing") for m in sorted(missing)]
        )
    ev = raw.select(
        "order_id",
        pl.col("event").str.to_lowercase(),
        pl.col("event_date").str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        (pl.col("arrived_date") if "arrived_date" in raw.columns else pl.lit(None, dtype=pl.String))
        .str.strptime(pl.Date, "%Y-%m-%d", strict=False)
        .alias("arrived_date"),
    )
    bad = ~ev["event"].is_in(["cancel", "return"]) | ev["event_date"].is_null()
    if bad.any():
        raise ImportValidationError(
            "bad events",
            _bad_rows(Path(path).name, ev, bad, "event", "expected event cancel|return and event_date YYYY-MM-DD"),
        )
    rules = load_rules(None)
    lim = rules.limits_on(dt.date.today())
    from qiankua.store.bonded import ledger_lock

    with ledger_lock(user_db(db)), Store(user_db(db)) as store:
        rows = BondedLedger(store).restore(ev, apply_days=lim.return_apply_days, arrive_days=lim.return_arrive_days)
    return {"ok": True, "events": rows.to_dicts(), "restored": int((rows["outcome"] == "restored").sum())}


# ---------------------------------------------------------------------------- uploads and templates

UPLOAD_KINDS = {"orders": ORDERS, "payments": PAYMENTS, "waybills": WAYBILLS}
# one sample row per file (sample data, not a real person: the identity number is GB 11643-1999's own
# example 11010519491231002X; the order id says SAMPLE so it is not imported by mistake)
_SAMPLE_ROWS: dict[str, dict[str, Any]] = {
    "orders": {
        "order_id": "SAMPLE-0001",
        "line_no": 1,
        "order_time": "2026-12-01 10:30:00",
        "buyer_name": "示例 sample",
        "buyer_id_number": "11010519491231002X",
        "hs_code": "33049900",
        "goods_name": "面霜（示例） face cream (sample)",
        "quantity": 2,
        "unit_price": 120.0,
        "freight": 10.0,
        "insurance": 0.0,
        "currency": "CNY",
        "tax_collected": 22.75,
        "net_ml_g": 50,
    },
    "payments": {
        "order_id": "SAMPLE-0001",
        "payment_no": "PAY-SAMPLE-0001",
        "payer_id_number": "11010519491231002X",
        "amount": 272.75,
        "currency": "CNY",
        "paid_time": "2026-12-01 10:31:00",
    },
    "waybills": {
        "order_id": "SAMPLE-0001",
        "waybill_no": "WB-SAMPLE-0001",
        "consignee_name": "示例 sample",
        "item_count": 2,
    },
}


def template(kind: str, lang: str = "zh", fmt: str = "csv") -> tuple[str, bytes]:
    """``(file name, bytes)`` of an upload template (``orders``, ``payments`` or ``waybills``): headers in
    Chinese (``zh``, what the platforms and the zone's systems export) or English, and one sample row."""
    spec = UPLOAD_KINDS.get(kind)
    if spec is None:
        raise InvalidInputError(f"Expected a template kind in {', '.join(UPLOAD_KINDS)}, got {kind!r}.")
    if lang not in ("zh", "en") or fmt not in ("csv", "xlsx"):
        raise InvalidInputError("Expected lang zh|en and format csv|xlsx.")
    headers = [c.zh if lang == "zh" else c.name for c in spec.columns]
    sample = [_SAMPLE_ROWS[kind].get(c.name) for c in spec.columns]
    name = f"qiankua-bonded-{kind}-{lang}.{fmt}"
    if fmt == "csv":
        frame = pl.DataFrame([sample], schema=headers, orient="row")
        # UTF-8 with a byte-order mark: Excel in China opens it with the right characters
        return name, b"\xef\xbb\xbf" + frame.write_csv().encode()
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = spec.title_zh if lang == "zh" else spec.title_en
    ws.append(headers)
    ws.append(sample)
    buf = io.BytesIO()
    wb.save(buf)
    return name, buf.getvalue()


def check_uploads(
    orders: tuple[str, bytes],
    payments: tuple[str, bytes] | None = None,
    waybills: tuple[str, bytes] | None = None,
    db: Path | str | None = None,
    *,
    commit: bool = True,
    duty_rate: float | None = None,
) -> dict[str, Any]:
    """:func:`check_files` on uploaded ``(file name, bytes)``: the same document; errors name the upload."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="qiankua-bonded-") as tmp:
        paths: list[Path | None] = []
        for kind, upload in (("orders", orders), ("payments", payments), ("waybills", waybills)):
            if upload is None:
                paths.append(None)
                continue
            name = Path(upload[0] or f"{kind}.csv").name or f"{kind}.csv"
            folder = Path(tmp) / kind
            folder.mkdir()
            path = folder / name
            path.write_bytes(upload[1])
            paths.append(path)
        assert paths[0] is not None
        return check_files(paths[0], paths[1], paths[2], db, commit=commit, duty_rate=duty_rate)


def restore_upload(upload: tuple[str, bytes], db: Path | str | None = None) -> dict[str, Any]:
    """:func:`restore_file` on an uploaded ``(file name, bytes)``."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="qiankua-bonded-") as tmp:
        path = Path(tmp) / (Path(upload[0] or "returns.csv").name or "returns.csv")
        path.write_bytes(upload[1])
        return restore_file(path, db)


def declaration_table(orders: pl.DataFrame) -> pl.DataFrame:
    """The declaration-ready table: accepted orders with their declared value and the tax withheld."""
    return orders.filter(pl.col("status") == "accepted").select(
        "order_id",
        "order_date",
        "items",
        "goods_value",
        "dutiable_value",
        "duty",
        "vat",
        "consumption_tax",
        "total_tax",
        "channel",
        "reason",
        "rule_id",
    )


# ---------------------------------------------------------------------------- the demo's sample day

SAMPLE_DAY = dt.date(2026, 12, 1)


def _sample_id(seq: int) -> str:
    """A SAMPLE identity number with a valid GB 11643 check character and no real region: 999999 is not
    an administrative division code, so the number cannot be a person's."""
    from qiankua.bonded import check_char

    first17 = f"99999920000101{seq:03d}"
    return first17 + check_char(first17)


# (order id, buyer, HS code, goods, quantity, unit price, freight, net ml/g) — made up for the demo
_SAMPLE_ORDERS: tuple[tuple[str, int, str, str, int, float, float, float | None], ...] = (
    ("SAMPLE-001", 0, "04021000", "奶粉（示例） milk powder (sample)", 2, 168.0, 12.0, None),
    ("SAMPLE-002", 1, "33049900", "面霜（示例） face cream (sample)", 1, 680.0, 0.0, 50.0),
    ("SAMPLE-003", 1, "33049900", "精华（示例） serum (sample)", 2, 45.0, 8.0, 30.0),
    ("SAMPLE-004", 2, "09021090", "绿茶（示例） green tea (sample)", 3, 88.0, 10.0, None),
    ("SAMPLE-005", 2, "21069090", "营养品（示例） food supplement (sample)", 4, 129.0, 15.0, None),
    ("SAMPLE-006", 3, "19011010", "婴儿配方奶粉（示例） infant formula (sample)", 6, 265.0, 20.0, None),
    ("SAMPLE-007", 3, "91021100", "手表（示例） wrist watch (sample)", 1, 5980.0, 20.0, None),
    ("SAMPLE-008", 4, "33049900", "彩妆套装（示例） make-up set (sample)", 2, 2980.0, 40.0, 100.0),
    ("SAMPLE-009", 4, "04021000", "奶粉（示例） milk powder (sample)", 10, 495.0, 50.0, None),
    ("SAMPLE-010", 5, "21069090", "营养品（示例） food supplement (sample)", 8, 560.0, 20.0, None),
    ("SAMPLE-011", 5, "21069090", "营养品（示例） food supplement (sample)", 8, 560.0, 20.0, None),
    ("SAMPLE-012", 5, "21069090", "营养品（示例） food supplement (sample)", 8, 560.0, 20.0, None),
    ("SAMPLE-013", 5, "21069090", "营养品（示例） food supplement (sample)", 8, 560.0, 20.0, None),
    ("SAMPLE-014", 5, "21069090", "营养品（示例） food supplement (sample)", 8, 560.0, 20.0, None),
    ("SAMPLE-015", 5, "21069090", "营养品（示例） food supplement (sample)", 8, 560.0, 20.0, None),
    ("SAMPLE-016", 6, "04021000", "奶粉（示例） milk powder (sample)", 2, 168.0, 12.0, None),
    ("SAMPLE-017", 7, "09021090", "乌龙茶（示例） oolong tea (sample)", 2, 120.0, 10.0, None),
    ("SAMPLE-018", 8, "33049900", "面膜（示例） face masks (sample)", 3, 99.0, 10.0, 25.0),
    ("SAMPLE-019", 9, "19011010", "婴儿配方奶粉（示例） infant formula (sample)", 2, 265.0, 15.0, None),
)
# what the demo shows besides clean orders: the payer of 016 is someone else, 017 paid the wrong amount,
# 018 has no waybill, 019's waybill counts 3 items for 2
_SAMPLE_OTHER_PAYER = {"SAMPLE-016"}
_SAMPLE_PAID_DIFF = {"SAMPLE-017": -20.0}
_SAMPLE_NO_WAYBILL = {"SAMPLE-018"}
_SAMPLE_WAYBILL_ITEMS = {"SAMPLE-019": 3}


def sample_frames() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The demo's SAMPLE day (made up, not real orders or people): orders, payments and waybills with
    Chinese headers as the zone's systems export them. Clean orders, a cosmetic with consumption tax, a
    single item above the single limit (full tax), two items above it, a buyer crossing the annual limit,
    a payer who is not the buyer, a wrong amount, a missing waybill and a wrong item count."""
    orders, payments, waybills = [], [], []
    for k, (oid, buyer, hs, goods, qty, price, freight, net) in enumerate(_SAMPLE_ORDERS):
        when = f"{SAMPLE_DAY.isoformat()} {9 + k // 4:02d}:{(k % 4) * 15:02d}:00"
        orders.append(
            {
                "order_id": oid,
                "order_time": when,
                "buyer_name": f"示例买家{buyer} sample buyer {buyer}",
                "buyer_id_number": _sample_id(buyer),
                "hs_code": hs,
                "goods_name": goods,
                "quantity": qty,
                "unit_price": price,
                "freight": freight,
                "currency": "CNY",
                "net_ml_g": net,
            }
        )
        payer = _sample_id(900) if oid in _SAMPLE_OTHER_PAYER else _sample_id(buyer)
        paid = round(qty * price + freight + _SAMPLE_PAID_DIFF.get(oid, 0.0), 2)
        payments.append(
            {"order_id": oid, "payment_no": f"PAY-{oid}", "payer_id_number": payer, "amount": paid, "currency": "CNY"}
        )
        if oid not in _SAMPLE_NO_WAYBILL:
            waybills.append(
                {"order_id": oid, "waybill_no": f"WB-{oid}", "item_count": _SAMPLE_WAYBILL_ITEMS.get(oid, qty)}
            )

    def zh(frame: pl.DataFrame, spec: TableSpec) -> pl.DataFrame:
        return frame.rename({c: spec.by_name[c].zh for c in frame.columns})

    return (
        zh(pl.DataFrame(orders), ORDERS),
        zh(pl.DataFrame(payments), PAYMENTS),
        zh(pl.DataFrame(waybills), WAYBILLS),
    )


def demo_day(ref: Any = None, store: Any = None) -> dict[str, Any]:
    """The day's check on the built-in SAMPLE orders (:func:`sample_frames`), through the same path as an
    upload (files -> checks -> tax -> ledger), in a throw-away database: the user's ledger is never
    touched. Offline. Marked ``sample``; the result keeps its frames (``orders``, ``usage``)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="qiankua-bonded-sample-") as tmp:
        paths = []
        for frame, name in zip(sample_frames(), ("orders", "payments", "waybills"), strict=True):
            path = Path(tmp) / f"sample-{name}.csv"
            frame.write_csv(path)
            paths.append(path)
        doc = check_files(paths[0], paths[1], paths[2], Path(tmp) / "bonded-sample.duckdb")
    doc["sample"] = True
    doc["date"] = SAMPLE_DAY
    return doc
