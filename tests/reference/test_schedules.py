"""Readers of official tariff schedules: real excerpts in, rows of the tariffs table out.

The excerpts and their sources are listed in data/schedules/README.md; expected
values below are read off those lines by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qiankua.costing.rules import TABLE_SPECS
from qiankua.exceptions import ImportValidationError, InvalidInputError
from qiankua.reference import schedules
from qiankua.reference.schedules import (
    FORMATS,
    TARIFF_COLUMNS,
    detect_format,
    parse_duty,
    parse_schedule,
    read_schedule,
)

DATA = Path(__file__).parent / "data" / "schedules"
HTS_CSV = DATA / "usitc_hts_excerpt.csv"
HTS_JSON = DATA / "usitc_hts_excerpt.json"
UKGT = DATA / "uk_global_tariff_excerpt.csv"
WITS = DATA / "wits_trains_excerpt.csv"
WITS_MFN = DATA / "wits_trains_mfn_derived.csv"
MALFORMED = DATA / "usitc_hts_malformed.csv"


def one(frame: pl.DataFrame, prefix: str, area: str | None = None) -> dict:
    rows = frame.filter(pl.col("hs_prefix") == prefix)
    if area is not None:
        rows = rows.filter(pl.col("area") == area)
    assert rows.height == 1, rows
    return rows.row(0, named=True)


@pytest.fixture(scope="module")
def hts() -> pl.DataFrame:
    return read_schedule(HTS_CSV, as_of="2025-07-01")


@pytest.fixture(scope="module")
def ukgt() -> pl.DataFrame:
    return read_schedule(UKGT)


# --------------------------------------------------------------------------- format detection


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        (HTS_CSV, "usitc-hts"),
        (HTS_JSON, "usitc-hts"),
        (UKGT, "uk-global-tariff"),
        (WITS, "wits-trains"),
        (WITS_MFN, "wits-trains"),
    ],
)
def test_detect_format_recognises_each_official_layout(path, fmt):
    """Each excerpt is recognised from its header (or JSON keys), not its file name."""
    assert detect_format(path) == fmt


def test_detect_format_refuses_an_unknown_layout_and_names_what_it_expects(tmp_path):
    """A CSV that is no known schedule raises an InvalidInputError listing the expected headers."""
    path = tmp_path / "prices.csv"
    path.write_text("sku,price\nA1,3.50\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        detect_format(path)
    assert isinstance(err.value, ImportValidationError)
    assert "General Rate of Duty".lower() in str(err.value).lower() and "prices.csv" in str(err.value)


# --------------------------------------------------------------------------- the output table


@pytest.mark.parametrize("path", [HTS_CSV, HTS_JSON, UKGT, WITS_MFN])
def test_output_is_exactly_the_tariffs_table(path):
    """Columns, order and types are those of TABLE_SPECS['tariffs'], and every row passes its validator."""
    frame = read_schedule(path)
    spec = TABLE_SPECS["tariffs"]
    assert frame.columns == list(TARIFF_COLUMNS) == spec.column_names
    assert dict(frame.schema) == spec.polars_schema()
    good, issues = spec.validate_rows(enumerate(frame.to_dicts(), start=2), file=path.name)
    assert issues == [] and len(good) == frame.height


# --------------------------------------------------------------------------- USITC HTS


def test_hts_general_column_is_the_mfn_rate(hts):
    """0101.30.00.00 Asses: General '6.8%' -> 0.068, area US, agreement MFN, dated by `as_of`."""
    row = one(hts, "010130")
    assert (row["area"], row["agreement"], row["rate"]) == ("US", "MFN", 0.068)
    assert row["national_line"] == "0101.30.00.00"
    assert row["valid_from"] == dt.date(2025, 7, 1) and row["valid_to"] is None
    assert row["confidence"] == "confirmed" and row["source_id"] == "usitc-hts:usitc_hts_excerpt.csv"


def test_hts_free_is_zero_and_high_rates_survive(hts):
    """0902.30.00 black tea 'Free' -> 0.0; 2401.10.65 tobacco '350%' -> 3.5."""
    assert one(hts, "090230")["rate"] == 0.0
    assert one(hts, "090240")["national_line"] == "0902.40.00.00"
    assert one(hts, "240110")["rate"] == 3.5


def test_hts_compound_duty_gives_rate_and_specific(hts):
    """2309.90.28 and 2309.90.48 both read '80.4¢/kg + 6.4%': one row, 6.4 % plus 0.804 USD per kg."""
    row = one(hts, "230990")
    assert (row["rate"], row["specific"], row["specific_unit"], row["specific_currency"]) == (0.064, 0.804, "kg", "USD")
    assert row["national_line"] == "2309.90.28 / 2309.90.48"


def test_hts_purely_specific_duty_leaves_rate_empty(hts):
    """1210.10.00.00 hop cones '13.2¢/kg': no ad valorem part, as the built-in table writes it."""
    row = one(hts, "121010")
    assert row["rate"] is None and (row["specific"], row["specific_unit"]) == (0.132, "kg")


def test_differing_national_lines_are_never_collapsed_to_a_guess(hts):
    """Under 0902.10 flavoured green tea is 6.4 % and other green tea Free: the HS6 row has no rate."""
    row = one(hts, "090210")
    assert row["rate"] is None and row["specific"] is None and row["confidence"] == "unconfirmed"
    assert "0902.10.10 '6.4%'" in row["notes"] and "0902.10.90 'Free'" in row["notes"]
    assert row["national_line"] == "0902.10.10 / 0902.10.90"


@pytest.mark.parametrize(
    ("prefix", "raw"),
    [
        ("260300", "1.7¢/kg on lead content"),  # a duty on a metal content, not on the goods' weight
        ("261310", "12.8¢/kg on molybdenum content + 1.8%"),
    ],
)
def test_inexpressible_duty_keeps_the_raw_expression(hts, prefix, raw):
    """A duty the table cannot hold leaves rate and specific empty and quotes the schedule in notes."""
    row = one(hts, prefix)
    assert row["rate"] is None and row["specific"] is None and raw in row["notes"]


def test_hts_json_export_reads_like_the_csv_and_keeps_footnotes():
    """The JSON export gives the same 0101.30.00.00 rate and keeps its 'See 9903.88.15.' endnote."""
    frame = read_schedule(HTS_JSON)
    row = one(frame, "010130")
    assert row["rate"] == 0.068 and "See 9903.88.15." in row["notes"]
    assert one(frame, "010121")["rate"] == 0.0
    assert one(frame, "080620")["rate"] is None  # 1.8¢/kg and 2.8¢/kg under one HS6


# --------------------------------------------------------------------------- UK Global Tariff


def test_ukgt_rates_area_and_date(ukgt):
    """Green tea 09021000 '2.0%' -> 0.02 for GB from 2021-01-01, the dataset's start."""
    row = one(ukgt, "090210")
    assert (row["area"], row["rate"], row["valid_from"]) == ("GB", 0.02, dt.date(2021, 1, 1))
    assert row["national_line"] == "09021000"
    assert one(ukgt, "090220")["rate"] == 0.0


@pytest.mark.parametrize(
    ("prefix", "rate", "specific", "unit"),
    [
        ("010229", 0.10, 0.77, "kg"),  # '10.00% + 77.00 GBP/100kg'
        ("071410", None, 0.079, "kg"),  # '7.90 GBP/100kg'
        ("080390", None, 0.095, "kg"),  # '95.00 GBP/1000kg'
        ("010511", None, 0.043, "item"),  # '43.00 GBP/1000 items'
        ("220710", None, 0.16, "liter"),  # '16.00 GBP/hl'
        ("220840", None, 0.5, "lpa"),
    ],  # '0.50 GBP/%vol/hl': per litre of pure alcohol
)
def test_ukgt_specific_duties_are_scaled_exactly(ukgt, prefix, rate, specific, unit):
    """TARIC-style amounts per 100 kg, tonne, hl, % vol/hl or 1000 items become per kg, liter, lpa, item."""
    row = one(ukgt, prefix)
    assert (row["rate"], row["specific"], row["specific_unit"], row["specific_currency"]) == (
        rate,
        specific,
        unit,
        "GBP",
    )


def test_ukgt_seasonal_and_flagged_lines(ukgt):
    """Seasonal orange rates stay raw; a suspension flag on 0804100030 is carried into notes."""
    oranges = one(ukgt, "080510")
    assert oranges["rate"] is None and "10.00% (01 NOV - 30 APR)" in oranges["notes"]
    dates = one(ukgt, "080410")
    assert dates["rate"] == 0.06 and dates["national_line"] == "08041000 / 0804100030"
    assert "0804100030: a tariff suspension applies" in dates["notes"]
    spirits = one(ukgt, "220890")  # 0.0% lines next to per-% vol/hl lines
    assert spirits["rate"] is None and "0.80 GBP/%vol/hl + 5.30 GBP/hl" in spirits["notes"]


def test_ukgt_workbook_reads_like_the_csv_even_after_excel_drops_leading_zeros(tmp_path, ukgt):
    """The same excerpt saved as XLSX, codes stored as numbers and flags as booleans, gives the same rows."""
    import openpyxl

    with UKGT.open(encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([int(row[0]), *row[1:5], *(value == "True" for value in row[5:])])
    path = tmp_path / "global-uk-tariff.xlsx"
    book.save(path)
    frame = read_schedule(path)
    assert detect_format(path) == "uk-global-tariff"
    assert frame.drop("source_id").equals(ukgt.drop("source_id"))


def test_as_of_sets_valid_from_when_given():
    """`as_of` overrides the UKGT dataset date."""
    frame = read_schedule(UKGT, as_of=dt.date(2024, 1, 1))
    assert set(frame["valid_from"]) == {dt.date(2024, 1, 1)}


# --------------------------------------------------------------------------- WITS / TRAINS


def test_wits_real_excerpt_has_no_schedule_rows_and_says_why():
    """The real excerpt holds only AHS and BND rows (statistics, not schedule rates): nothing is read."""
    frame, issues = parse_schedule(WITS)
    assert frame.height == 0 and len(issues) == 1
    issue = issues[0]
    assert (issue.file, issue.column) == ("wits_trains_excerpt.csv", "DutyType")
    assert "AHS for partner 000 x2" in issue.reason and "BND for partner 380 x1" in issue.reason
    with pytest.raises(ImportValidationError):
        read_schedule(WITS)


def test_wits_mfn_rows_become_rates_only_when_every_line_agrees():
    """Derived input: min = max = average gives the rate; a spread (10-30 %) leaves it empty."""
    frame = read_schedule(WITS_MFN)
    bahrain = one(frame, "0201", "BH")
    assert (bahrain["rate"], bahrain["valid_from"], bahrain["agreement"]) == (0.05, dt.date(1999, 1, 1), "MFN")
    assert "nomenclature H0" in bahrain["notes"]
    assert one(frame, "0201", "GA")["rate"] == 0.2
    spread = one(frame, "0202", "GA")
    assert spread["rate"] is None and "min 10%, max 30%" in spread["notes"]
    assert "DJ" not in set(frame["area"])  # the BND row for partner Italy is not a schedule rate


def test_wits_area_that_contradicts_the_reporter_is_an_issue():
    """`area` must agree with the WITS reporter code of each row."""
    _, issues = parse_schedule(WITS_MFN, area="US")
    assert {(i.row, i.column) for i in issues} == {(2, "Reporter"), (4, "Reporter"), (5, "Reporter")}


# --------------------------------------------------------------------------- generic mapping


def test_generic_mapping_reads_the_hts_export_like_the_dedicated_reader(hts):
    """Mapping the HTS CSV's code and general columns gives the same duties as the USITC reader."""
    frame = read_schedule(
        HTS_CSV,
        "generic",
        area="US",
        as_of="2025-07-01",
        currency="USD",
        columns={"code": "HTS Number", "duty": "General Rate of Duty"},
    )
    keep = [
        "area",
        "hs_prefix",
        "agreement",
        "rate",
        "specific",
        "specific_unit",
        "specific_currency",
        "national_line",
        "valid_from",
        "confidence",
    ]
    assert frame.select(keep).equals(hts.select(keep))


def test_generic_does_not_guess_which_dollar(hts):
    """Without `currency`, '$' and '¢' amounts are left raw instead of assumed to be US dollars."""
    frame = read_schedule(HTS_CSV, "generic", area="US", columns={"code": "HTS Number", "duty": "General Rate of Duty"})
    row = one(frame, "121010")
    assert row["specific"] is None and "13.2¢/kg" in row["notes"]


# --------------------------------------------------------------------------- malformed input


def test_malformed_row_names_file_row_and_column_and_returns_nothing():
    """'09O2.10.10' (letter O) in row 3 is reported with its column; no row of the file is returned."""
    frame, issues = parse_schedule(MALFORMED)
    assert frame.height == 0
    assert [(i.file, i.row, i.column, i.value) for i in issues] == [
        ("usitc_hts_malformed.csv", 3, "HTS Number", "09O2.10.10")
    ]
    with pytest.raises(ImportValidationError) as err:
        read_schedule(MALFORMED)
    assert "row 3, column HTS Number" in str(err.value)


def _rewrite(src: Path, dst: Path, edit) -> Path:
    with src.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    with dst.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(edit(rows))
    return dst


def test_missing_required_column_is_reported_on_the_header_row(tmp_path):
    """The HTS export without 'General Rate of Duty', read as usitc-hts, names the column on row 1."""
    path = _rewrite(HTS_CSV, tmp_path / "hts.csv", lambda rows: [r[:4] + r[5:] for r in rows])
    _, issues = parse_schedule(path, "usitc-hts")
    assert [(i.row, i.column) for i in issues] == [(1, "General Rate of Duty")]


def test_a_line_listed_twice_is_an_issue(tmp_path):
    """A national line repeated further down is refused, pointing at the first occurrence."""
    path = _rewrite(UKGT, tmp_path / "ukgt.csv", lambda rows: [*rows, rows[13]])
    _, issues = parse_schedule(path)
    assert len(issues) == 1 and issues[0].row == 28 and "first seen in row 14" in issues[0].reason


def test_area_contradicting_the_file_is_an_issue():
    """A USITC schedule is area US; asking for GB is refused rather than relabelled."""
    with pytest.raises(ImportValidationError, match="contradicts the file"):
        read_schedule(HTS_CSV, area="GB")


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(fmt="pdf"),  # not one of FORMATS
        dict(area="us"),  # areas are codes in capitals
        dict(as_of="2025/07/01"),  # dates are YYYY-MM-DD
        dict(confidence="sure"),
    ],  # not a confidence level
)
def test_invalid_arguments_raise(kwargs):
    """Bad arguments raise InvalidInputError before the file is used."""
    with pytest.raises(InvalidInputError):
        parse_schedule(HTS_CSV, **kwargs)


def test_generic_needs_code_and_duty_columns():
    """fmt='generic' without a column mapping says what it needs."""
    with pytest.raises(InvalidInputError, match="'code' and 'duty'"):
        read_schedule(HTS_CSV, "generic", area="US")


def test_missing_file_raises(tmp_path):
    """A path that does not exist is an InvalidInputError, not an OSError."""
    with pytest.raises(InvalidInputError, match="Cannot read schedule file"):
        read_schedule(tmp_path / "nowhere.csv")


def test_formats_are_listed():
    """The public list of formats is what the importer offers."""
    assert FORMATS == ("usitc-hts", "uk-global-tariff", "wits-trains", "generic")


# --------------------------------------------------------------------------- duty expressions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Free", (0.0, None, None, None, None)),
        ("6.4%", (0.064, None, None, None, None)),
        ("80.4¢/kg + 6.4%", (0.064, 0.804, "kg", "USD", None)),
        ("0.9¢ each", (None, 0.009, "item", "USD", None)),
        ("10.00% + 77.00 GBP/100kg", (0.10, 0.77, "kg", "GBP", None)),
        ("12.80% MIN 2.4€/100kg/net", (0.128, None, None, "EUR", 0.024)),  # EU CET column of the UKGT file
        ("8.00 % + 176.80 GBP / 100 kg", (0.08, 1.768, "kg", "GBP", None)),
    ],
)
def test_parse_duty_reads_schedule_expressions(text, expected):
    """Expressions quoted from the excerpts parse to (rate, specific, unit, currency, min per kg)."""
    duty = parse_duty(text, dollar_currency="USD")
    assert duty.expressible
    assert (duty.rate, duty.specific, duty.specific_unit, duty.currency, duty.min_per_kg) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Entry Price",  # EU/UK entry-price system
        "10.00% (01 NOV - 30 APR), 2.00% (01 MAY - 31 OCT)",  # seasonal
        "0.80 GBP/%vol/hl + 5.30 GBP/hl",  # two specific parts
        "1.30 EUR / % vol / hl MIN 7.20 EUR / hl",  # minimum not per kg
        "1.7¢/kg on lead content",  # on a metal content
        "See 9903.88.15",  # a pointer, not a duty
        "1.62 EUR / kg / tot alc",  # per kg of total alcohol
        "$1.78/pf. liter",  # US proof litre: not a unit the engine prices
        "$1.13/m3",  # per cubic metre, likewise
        "7.2 MIN 0.36 EUR/100 kg",
    ],  # no % sign: ambiguous
)
def test_parse_duty_never_guesses(text):
    """Anything outside rate + one specific + a minimum per kg is marked not expressible."""
    duty = parse_duty(text, dollar_currency="USD")
    assert not duty.expressible and duty.rate is None and duty.specific is None and duty.raw == text


def test_specific_units_are_those_the_tariffs_table_accepts():
    """Every unit a reader writes is one the tariffs spec (and the costing engine) knows."""
    written = {unit for unit, _ in schedules._UNITS.values()}
    assert written == set(schedules._TABLE_UNITS)
    choices = TABLE_SPECS["tariffs"].by_name["specific_unit"].choices
    if choices is not None:
        assert written <= set(choices)


def test_parse_duty_refuses_blank():
    """An empty cell is not a duty; readers skip it before parsing."""
    with pytest.raises(InvalidInputError):
        parse_duty("  ")


# --------------------------------------------------------------------------- properties

_percent = st.decimals(min_value=0, max_value=999, places=2, allow_nan=False, allow_infinity=False)
_cents = st.decimals(min_value=0, max_value=9999, places=1, allow_nan=False, allow_infinity=False)
_duty_text = st.one_of(
    st.just("Free"),
    _percent.map(lambda p: f"{p.normalize():f}%"),
    _cents.map(lambda c: f"{c.normalize():f}¢/kg"),
    st.tuples(_cents, _percent).map(lambda t: f"{t[0].normalize():f}¢/kg + {t[1].normalize():f}%"),
    st.text(alphabet="abc ¢%$/+0123456789.", min_size=1, max_size=20).filter(str.strip),
)
_hts_code = st.tuples(st.integers(1, 97), st.integers(0, 99), st.integers(0, 99), st.integers(0, 99)).map(
    lambda t: f"{t[0]:02d}{t[1]:02d}.{t[2]:02d}.{t[3]:02d}"
)


@given(st.lists(st.tuples(_hts_code, _duty_text), min_size=1, max_size=12, unique_by=lambda t: t[0]))
def test_property_rates_are_never_negative_and_prefixes_are_hs6(lines):
    """Any HTS-shaped file yields rates >= 0, six-digit prefixes, and each line in exactly one row."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hts.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["HTS Number", "Indent", "Description", "General Rate of Duty"])
            writer.writerows([code, "2", "Goods", duty] for code, duty in lines)
        frame = read_schedule(path)
    assert all(r is None or r >= 0 for r in frame["rate"])
    assert all(s is None or s >= 0 for s in frame["specific"])
    assert all(re.fullmatch(r"\d{6}", p) for p in frame["hs_prefix"])
    listed = [code for joined in frame["national_line"] for code in joined.split(" / ")]
    assert sorted(listed) == sorted(code for code, _ in lines)


@given(_percent)
def test_property_percent_is_read_as_an_exact_fraction(percent):
    """'p%' is read as p / 100, never negative."""
    duty = parse_duty(f"{percent.normalize():f}%")
    assert duty.rate == float(percent / Decimal(100)) and duty.rate >= 0
