"""The validator names table, row and field; each broken copy of the real data trips one rule."""

import csv
import shutil
from pathlib import Path

import pytest

from qiankua.exceptions import DatasetIntegrityError
from qiankua.reference import DATA_DIR, load_reference, validate_reference


def test_built_in_data_are_valid():
    report = validate_reference()
    assert report.ok, "\n".join(str(i) for i in report.issues[:30])
    assert report.county_count == 88
    assert report.row_counts["products"] >= 30 and report.row_counts["markets"] >= 40


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path: Path, row_index: int, column: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        header = list(rows[0].keys())
    rows[row_index][column] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize(
    ("table", "column", "value", "reason"),
    [
        ("products", "origin_adcode", "110101", "not a Guizhou county"),  # Beijing Dongcheng
        ("products", "hs6", "0902", "6 digits"),
        ("products", "value_confidence", "sure", "expected one of"),
        ("products", "source_id", "no-such-source", "not in provenance.csv"),
        ("markets", "currency", "XYZ", "not an ISO 4217"),
        ("markets", "iso3", "ZZZ", "ISO 3166 says"),
        ("divisions", "parent_adcode", "529999", "parent adcode not in divisions"),
        ("hubs", "lat", "123", "less than or equal to 90"),
        ("hubs", "name_zh", "", "no Chinese name"),
        ("route_nodes", "name_zh", "", "no Chinese name"),
        ("route_nodes", "name_zh", "Tokyo", "no Chinese characters"),
    ],
)
def test_broken_cell_is_named(data_copy: Path, table, column, value, reason):
    edit(data_copy / f"{table}.csv", 1, column, value)
    report = validate_reference(data_copy)
    assert not report.ok
    hits = [i for i in report.issues if i.file == f"{table}.csv" and i.row == 3 and i.column == column]
    assert hits and reason in hits[0].reason, report.issues
    with pytest.raises(DatasetIntegrityError, match=f"{table}.csv, row 3, column {column}"):
        load_reference(data_copy)


def test_table_without_provenance_is_reported(data_copy: Path):
    (data_copy / "extra_rates.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    report = validate_reference(data_copy)
    assert any(i.column == "table" and i.value == "extra_rates" and "row_key '*'" in i.reason for i in report.issues)


def test_dropping_a_county_breaks_the_count(data_copy: Path):
    path = data_copy / "divisions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    county = next(i for i, line in enumerate(lines) if ",county," in line and "520123" not in line)
    path.write_text("".join(lines[:county] + lines[county + 1 :]), encoding="utf-8")
    report = validate_reference(data_copy)
    assert any("expected 88 county-level rows, found 87" in i.reason for i in report.issues)


def test_validity_window_must_be_ordered(data_copy: Path):
    (data_copy / "toy_rules.csv").write_text("rule,valid_from,valid_to\nr1,2026-07-01,2026-01-01\n", encoding="utf-8")
    with (data_copy / "provenance.csv").open("a", encoding="utf-8") as fh:
        fh.write("toy-src,toy_rules,*,test,,2026-01-01,test,unconfirmed,\n")
    report = validate_reference(data_copy)
    assert [(i.file, i.row, i.column) for i in report.issues] == [("toy_rules.csv", 2, "valid_to")]


def test_a_row_cannot_be_more_certain_than_its_source(data_copy: Path):
    (data_copy / "toy_rates.csv").write_text(
        "rate,source_id,confidence\n0.1,toy-blog,confirmed\n0.2,toy-blog;toy-gov,confirmed\n0.3,toy-blog,likely\n",
        encoding="utf-8",
    )
    with (data_copy / "provenance.csv").open("a", encoding="utf-8") as fh:
        fh.write("toy-blog,toy_rates,*,a blog,https://blog.example,2026-01-01,test,likely,\n")
        fh.write("toy-gov,toy_rates,0.2,a tax authority,https://tax.example.gov,2026-01-01,test,confirmed,\n")
    report = validate_reference(data_copy)
    assert [(i.file, i.row, i.column) for i in report.issues] == [("toy_rates.csv", 2, "confidence")]
    assert "best cited source (likely)" in report.issues[0].reason
