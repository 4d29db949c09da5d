"""Convert a copy of the CBEC retail-import positive list (跨境电子商务零售进口商品清单) into qiankua's rows.

Run by a maintainer (never at test or run time) on a copy of the official attachment, e.g. the 2022
edition (eight ministries' announcement 2022 No.7, in force 2022-03-01, 1,476 eight-digit lines):

    .venv/bin/python scripts/build_positive_list.py ATTACHMENT --edition 2022 \
        --source-id bonded-plist-2022-mof --confidence confirmed --out positive_list_2022.csv
    # merge into the built-in table (rows of the same tariff line and edition are replaced; other lines
    # and other editions kept — editions sit side by side, keyed by (hs_code, edition)):
    .venv/bin/python scripts/build_positive_list.py ATTACHMENT ... --merge src/qiankua/reference/data/positive_list.csv
    # or write the user import file for `qiankua bonded list-import FILE` (replaces that edition only)
    # or `qiankua data import --table positive_list`:
    .venv/bin/python scripts/build_positive_list.py ATTACHMENT --edition 2022 --format user --out 清单.csv

ATTACHMENT may be
  * a spreadsheet (.xlsx/.xls/.ods, first sheet) or a CSV (UTF-8 or GBK) with a header row naming
    税则号列 and the goods name (商品描述 / 中文货品名称 / 货品名称 / 商品名称) and, optionally, the remark
    (监管要求 / 备注); a 序号 column is ignored;
  * a text copy (.txt, e.g. ``pdftotext -layout`` of the PDF, or a web copy): one line per tariff line,
    ``<序号> <8-digit code> <name> [<remark>]``; lines without a leading number and code continue the
    previous line's remark (or name). The remark is split from the name at the first space-separated token
    that starts like a remark (列入《 / 依法 / 仅限 / 限 / 每人 / 不含 …), so check the report.

Remarks are kept as written (spaces inside Chinese text removed, clauses joined with ";") and classified
into ``remark_type``: every kind the remark states, joined with ";" most binding first (e.g.
``quantity_cap;bonded_only``): ``quantity_cap`` (a per-person yearly quantity; also sets
``qty_cap``/``qty_unit``), ``bonded_only`` (仅限网购保税), ``name_restriction`` (仅限/限 a named good),
``exclusion`` (… 除外 / 不包括). A remark clause matching none of them is reported and the run fails
unless ``--allow-unclassified`` (then it adds no kind). Never invent a remark: a row's text comes only
from the copy. ``--edition`` is one of the editions in ``positive_list_editions.csv`` (2016, 2018, 2019,
2022), which dates them.

The summary (stderr) gives rows read, rows per remark kind, caps found, unclassified clauses, duplicate
codes and coverage against the 2022 edition's 1,476 lines.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from qiankua.bonded import remarks

LINES_2022 = 1476
BUILTIN_COLUMNS = (
    "hs_code",
    "name_zh",
    "remark",
    "remark_type",
    "qty_cap",
    "qty_unit",
    "edition",
    "source_id",
    "confidence",
    "notes",
)
# headers of qiankua.schema.USER_POSITIVE_LIST (the user import accepts its Chinese labels)
# (说明 is the user's own notes: 备注 would be read as the list's remark)
USER_COLUMNS = ("税则号列", "商品描述", "监管要求", "备注类型", "每人每年限量", "限量单位", "版本", "来源", "说明")
EDITIONS_CSV = (
    Path(__file__).resolve().parents[1] / "src" / "qiankua" / "reference" / "data" / "positive_list_editions.csv"
)


def known_editions() -> list[str]:
    """The editions qiankua has dates for (``positive_list_editions.csv``)."""
    with EDITIONS_CSV.open(encoding="utf-8", newline="") as fh:
        return [r["edition"] for r in csv.DictReader(fh)]


CODE_HEADERS = ("税则号列", "税号", "商品编码", "hs_code")
NAME_HEADERS = ("商品描述", "中文货品名称", "货品名称", "商品名称", "name_zh")
REMARK_HEADERS = ("监管要求", "备注", "remark")

# a space-separated token starting like this begins the remark in a text copy
REMARK_STARTS = ("列入《", "列入", "依法", "仅限", "限", "每人", "不含", "不包括", "须", "需")

CJK = r"\u3400-\u9fff\uff00-\uffef\u3000-\u303f《》、（）"
_SPACE_IN_CJK = re.compile(rf"(?<=[{CJK}])\s+(?=[{CJK}])")
_TEXT_ROW = re.compile(r"^\s*(\d{1,4})\s+(\d{8})(?:\s+(.*?))?\s*$")
_CODE = re.compile(r"\d{8}")


@dataclass
class Row:
    seq: str
    hs_code: str
    name: str
    remark: str = ""
    remark_type: str = ""
    qty_cap: str = ""
    qty_unit: str = ""
    unclassified: list[str] = field(default_factory=list)


def tidy(text: str) -> str:
    """Collapse whitespace; drop spaces between Chinese characters (a PDF or web copy breaks lines there)."""
    text = re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()
    return _SPACE_IN_CJK.sub("", text)


def tidy_remark(text: str) -> str:
    return ";".join(tidy(c) for c in remarks.clauses(text) if tidy(c))


def classify(remark: str) -> tuple[str, str, str, list[str]]:
    """``(remark kinds joined with ";", qty_cap, qty_unit, unclassified clauses)`` for a remark as written:
    the product's own reading (:func:`qiankua.bonded.remarks.classify`, also applied to imported rows), as
    CSV text."""
    got = remarks.classify(remark)
    cap = "" if got.qty_cap is None else f"{got.qty_cap:g}"
    return got.joined or "", cap, got.qty_unit or "", list(got.unclassified)


# ------------------------------------------------------------------------------------------ reading


def _pick(header: list[str], names: tuple[str, ...]) -> int | None:
    clean = [tidy(h).replace(" ", "") for h in header]
    for name in names:
        if name in clean:
            return clean.index(name)
    return None


def rows_from_table(table: list[list[str]]) -> list[Row]:
    """Rows of a spreadsheet/CSV: the first row naming a code column is the header."""
    for i, header in enumerate(table):
        code_col = _pick(header, CODE_HEADERS)
        if code_col is None:
            continue
        name_col = _pick(header, NAME_HEADERS)
        if name_col is None:
            raise SystemExit(f"header row {i + 1} names the code column but no goods name column {NAME_HEADERS}")
        remark_col = _pick(header, REMARK_HEADERS)
        seq_col = _pick(header, ("序号",))
        out: list[Row] = []
        for n, cells in enumerate(table[i + 1 :], start=i + 2):
            cells = [str(c if c is not None else "").strip() for c in cells]
            if len(cells) <= max(code_col, name_col):
                continue
            code = cells[code_col].replace(".", "").replace(" ", "")
            if code.isdigit() and len(code) < 8:  # a spreadsheet dropped the leading zero
                code = code.zfill(8)
            if not _CODE.fullmatch(code):
                if any(cells):
                    print(f"  skipped row {n}: no 8-digit code in {cells[code_col]!r}", file=sys.stderr)
                continue
            remark = cells[remark_col] if remark_col is not None and remark_col < len(cells) else ""
            seq = cells[seq_col] if seq_col is not None else str(n)
            out.append(Row(seq=seq, hs_code=code, name=tidy(cells[name_col]), remark=tidy_remark(remark)))
        return out
    raise SystemExit(f"no header row naming a code column {CODE_HEADERS}")


def _split_name_remark(rest: str) -> tuple[str, str]:
    tokens = rest.split()
    for k, tok in enumerate(tokens[1:], start=1):
        if tok.startswith(REMARK_STARTS):
            return " ".join(tokens[:k]), " ".join(tokens[k:])
    return rest, ""


def rows_from_text(text: str) -> list[Row]:
    out: list[Row] = []
    pending = ""  # remark text continued on the next lines
    for line in text.splitlines():
        m = _TEXT_ROW.match(line)
        if m:
            if out and pending:
                out[-1].remark = tidy_remark(f"{out[-1].remark};{pending}" if out[-1].remark else pending)
            pending = ""
            name, remark = _split_name_remark(m.group(3) or "")
            out.append(Row(seq=m.group(1), hs_code=m.group(2), name=tidy(name), remark=tidy_remark(remark)))
        elif out and line.strip():
            cont = line.strip()
            if out[-1].remark or cont.startswith(REMARK_STARTS) or pending:
                pending = f"{pending} {cont}".strip()
            else:
                out[-1].name = tidy(f"{out[-1].name} {cont}")
    if out and pending:
        out[-1].remark = tidy_remark(f"{out[-1].remark};{pending}" if out[-1].remark else pending)
    return out


def read_rows(path: Path) -> list[Row]:
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix in (".xlsx", ".xls", ".xlsm", ".ods"):
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        table = [[("" if c is None else str(c)) for c in r] for r in sheet.to_python(skip_empty_area=True)]
        return rows_from_table(table)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SystemExit(f"{path}: neither UTF-8 nor GBK text")
    if suffix == ".csv":
        return rows_from_table([list(r) for r in csv.reader(io.StringIO(text))])
    return rows_from_text(text)


# ------------------------------------------------------------------------------------------ writing


def build(rows: list[Row], *, strict: bool) -> tuple[list[Row], list[str]]:
    problems: list[str] = []
    seen: dict[str, str] = {}
    kept: list[Row] = []
    for r in rows:
        r.remark_type, r.qty_cap, r.qty_unit, r.unclassified = classify(r.remark)
        for clause in r.unclassified:
            problems.append(f"row {r.seq} {r.hs_code}: remark clause not classified: {clause!r}")
        if r.hs_code in seen:
            problems.append(f"row {r.seq} {r.hs_code}: duplicate of row {seen[r.hs_code]} (kept the first)")
            continue
        seen[r.hs_code] = r.seq
        kept.append(r)
    if strict and any("not classified" in p for p in problems):
        problems.append("unclassified remark clauses: rerun with --allow-unclassified after checking them")
    return kept, problems


def builtin_records(rows: list[Row], args: argparse.Namespace) -> list[dict[str, str]]:
    return [
        {
            "hs_code": r.hs_code,
            "name_zh": r.name,
            "remark": r.remark,
            "remark_type": r.remark_type,
            "qty_cap": r.qty_cap,
            "qty_unit": r.qty_unit,
            "edition": args.edition,
            "source_id": args.source_id,
            "confidence": args.confidence,
            "notes": args.notes.format(seq=r.seq, code=r.hs_code, edition=args.edition),
        }
        for r in rows
    ]


def user_records(rows: list[Row], args: argparse.Namespace) -> list[dict[str, str]]:
    values = [
        (r.hs_code, r.name, r.remark, r.remark_type, r.qty_cap, r.qty_unit, args.edition, args.source_id, "")
        for r in rows
    ]
    return [dict(zip(USER_COLUMNS, v, strict=True)) for v in values]


def write_csv(path: Path | None, columns: tuple[str, ...], records: list[dict[str, str]]) -> None:
    fh = sys.stdout if path is None else path.open("w", encoding="utf-8", newline="")
    try:
        writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    finally:
        if path is not None:
            fh.close()


def merge(existing: Path, new: list[dict[str, str]]) -> list[dict[str, str]]:
    """The new rows (list order) followed by the existing rows of (tariff line, edition) pairs the new ones
    do not cover: other editions are kept whole."""
    with existing.open(encoding="utf-8-sig", newline="") as fh:
        old = list(csv.DictReader(fh))
    keys = {(r["hs_code"], r["edition"]) for r in new}
    return new + [r for r in old if (r["hs_code"], r["edition"]) not in keys]


def summary(rows: list[Row], problems: list[str], edition: str) -> str:
    kinds = Counter(k for r in rows for k in (r.remark_type.split(";") if r.remark_type else ["(none)"]))
    caps = [f"{r.hs_code}={r.qty_cap}{r.qty_unit}" for r in rows if r.qty_cap]
    lines = [
        f"rows: {len(rows)} (edition {edition}); lines per remark kind: {dict(sorted(kinds.items()))}",
        f"per-person caps: {len(caps)}"
        + (f" ({', '.join(caps[:12])}{' …' if len(caps) > 12 else ''})" if caps else ""),
        f"coverage of the 2022 edition's {LINES_2022} lines: {len(rows) / LINES_2022:.1%}"
        + ("" if edition == "2022" else " (not the 2022 edition: lines may differ)"),
        *problems,
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("attachment", type=Path)
    p.add_argument("--edition", required=True, choices=known_editions(), help="the edition the copy is of")
    p.add_argument("--source-id", default="", help="provenance.csv source_id the rows cite (built-in format)")
    p.add_argument("--confidence", choices=("confirmed", "likely", "unconfirmed"), default="unconfirmed")
    p.add_argument("--notes", default="row {seq} of the {edition} edition", help="per-row notes template")
    p.add_argument("--format", choices=("builtin", "user"), default="builtin")
    p.add_argument("--out", type=Path, help="output CSV (default stdout)")
    p.add_argument("--merge", type=Path, help="existing built-in CSV to merge into (written to --out or in place)")
    p.add_argument("--allow-unclassified", action="store_true")
    args = p.parse_args(argv)
    if args.format == "builtin" and not args.source_id:
        p.error("--source-id is required for the built-in format")

    rows, problems = build(read_rows(args.attachment), strict=not args.allow_unclassified)
    print(summary(rows, problems, args.edition), file=sys.stderr)
    if not rows:
        return 1
    if any(p.startswith("unclassified remark clauses") for p in problems):
        return 2
    if args.format == "user":
        write_csv(args.out, USER_COLUMNS, user_records(rows, args))
        return 0
    records = builtin_records(rows, args)
    if args.merge is not None:
        records = merge(args.merge, records)
        write_csv(args.out or args.merge, BUILTIN_COLUMNS, records)
    else:
        write_csv(args.out, BUILTIN_COLUMNS, records)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
