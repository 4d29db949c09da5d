"""The built-in CBEC positive list (``positive_list.csv``): eight-digit tariff lines unique per edition, each
remark kept as written and its type justified by the remark's own words, confidence no higher than the
sources cited, and the coverage of the 2022 edition (eight ministries' announcement 2022 No.7, 1,476
lines) reported as the share the file actually holds."""

from __future__ import annotations

import re

import polars as pl
import pytest

from qiankua.bonded.remarks import classify, join_kinds, split_kinds
from qiankua.bonded.rules import POSITIVE_LIST_LINES_2022, BondedRules, typed
from qiankua.bonded.tables import EDITIONS as EDITIONS_SPEC
from qiankua.bonded.tables import POSITIVE_LIST
from qiankua.exceptions import DatasetIntegrityError
from qiankua.reference import DATA_DIR

RANK = {"unconfirmed": 0, "likely": 1, "confirmed": 2}
EDITIONS = {"2016", "2018", "2019", "2022"}  # 2016 first and second batch, Ann. 2018 No.157, 2019 No.96, 2022 No.7
OFFICIAL = re.compile(r"^https?://([a-z0-9-]+\.)*(gov\.cn|customs\.gov\.cn|mofcom\.gov\.cn|mof\.gov\.cn)/")
CJK_GAP = re.compile(r"[\u4e00-\u9fff《》、]\s+[\u4e00-\u9fff《》、]")


@pytest.fixture(scope="module")
def raw() -> pl.DataFrame:
    return pl.read_csv(DATA_DIR / "positive_list.csv", infer_schema=False)


@pytest.fixture(scope="module")
def provenance() -> pl.DataFrame:
    prov = pl.read_csv(DATA_DIR / "provenance.csv", infer_schema=False)
    return prov.filter(pl.col("table") == "positive_list")


def test_parses_against_the_engine_spec(raw: pl.DataFrame) -> None:
    parsed = typed(POSITIVE_LIST, raw)
    assert parsed.height == raw.height > 0
    assert list(raw.columns) == list(POSITIVE_LIST.column_names)


def test_lines_are_eight_digits_and_unique_per_edition(raw: pl.DataFrame) -> None:
    assert raw["hs_code"].str.contains(r"^\d{8}$").all()
    assert set(raw["edition"].to_list()) <= EDITIONS
    dup = raw.group_by("edition", "hs_code").len().filter(pl.col("len") > 1)
    assert dup.is_empty(), dup
    assert raw.filter(pl.col("edition") == "2022").height <= POSITIVE_LIST_LINES_2022


def test_every_row_cites_its_evidence(raw: pl.DataFrame, provenance: pl.DataFrame) -> None:
    assert raw["notes"].is_not_null().all() and raw["source_id"].is_not_null().all()
    known = set(provenance["source_id"].to_list())
    cited = {s for ids in raw["source_id"].to_list() for s in ids.split(";")}
    assert cited <= known, cited - known


def test_confidence_is_no_higher_than_the_sources(raw: pl.DataFrame, provenance: pl.DataFrame) -> None:
    best = dict(zip(provenance["source_id"], provenance["confidence"], strict=True))
    for n, row in enumerate(raw.iter_rows(named=True), start=2):
        top = max(RANK[best[s]] for s in row["source_id"].split(";"))
        assert RANK[row["confidence"]] <= top, f"positive_list.csv row {n}: {row['confidence']} above its sources"
    # a source is confirmed only on the official page itself (MOF / MOFCOM / GACC / gov.cn)
    for src in provenance.filter(pl.col("confidence") == "confirmed").iter_rows(named=True):
        assert OFFICIAL.match(src["url"] or ""), src["source_id"]


def test_remarks_are_classified_by_their_own_words(raw: pl.DataFrame) -> None:
    for n, row in enumerate(raw.iter_rows(named=True), start=2):
        where = f"positive_list.csv row {n} ({row['hs_code']})"
        remark, kind, cap, unit = row["remark"], row["remark_type"], row["qty_cap"], row["qty_unit"]
        if remark is None:
            assert kind is None and cap is None and unit is None, f"{where}: a type or cap without a remark"
            continue
        assert not CJK_GAP.search(remark), f"{where}: remark not tidied: {remark!r}"
        clauses = remark.split(";")
        assert all(c.strip() == c and c for c in clauses), f"{where}: empty or padded clause"
        assert kind is not None, f"{where}: remark without a type"
        kinds = split_kinds(kind)
        assert kinds and join_kinds(kinds) == kind, f"{where}: kinds not joined most binding first: {kind!r}"
        assert (cap is not None) == ("quantity_cap" in kinds) == (unit is not None), f"{where}: cap vs type"
        if "quantity_cap" in kinds:
            assert "每人" in remark and cap.rstrip("0").rstrip(".") in remark and unit in remark, where
        if "bonded_only" in kinds:
            assert "网购保税" in remark, where
        if "name_restriction" in kinds:
            assert any(c.startswith(("仅限", "限")) for c in clauses), where
        if "exclusion" in kinds:
            assert any(c.endswith("除外") or "不包括" in c for c in clauses), where
        # every kind the remark states is listed (the product's own reading of the remark)
        assert kinds == classify(remark).kinds, where


def test_coverage_of_the_2022_edition_is_what_the_file_holds(raw: pl.DataFrame) -> None:
    names = ("bonded_rules", "cn_import_vat", "cn_consumption_tax", "positive_list", "positive_list_editions")
    tables = {n: pl.read_csv(DATA_DIR / f"{n}.csv", infer_schema=False) for n in names}
    cov = BondedRules.from_tables(tables).coverage()
    assert cov["lines"] == raw.height
    assert cov["edition_2022_lines"] == POSITIVE_LIST_LINES_2022 == 1476
    in_2022 = raw.filter(pl.col("edition") == "2022").height
    assert cov["lines_2022"] == in_2022 and cov["share_of_2022"] == round(in_2022 / 1476, 4) <= 1
    assert cov["editions"] == sorted(set(raw["edition"].to_list()))
    assert cov["complete"] is False  # the built-in list is partial: unknown lines stay unknown, not rejected
    # per edition, newest first, each with the lines the file holds of it
    by = {e["edition"]: e for e in cov["by_edition"]}  # type: ignore[attr-defined]
    assert [e["edition"] for e in cov["by_edition"]] == ["2022", "2019", "2018", "2016"]  # type: ignore[attr-defined]
    for name, e in by.items():
        assert e["lines"] == raw.filter(pl.col("edition") == name).height
        assert e["complete"] is False and e["origin"] == ("built_in" if e["lines"] else None)


def test_editions_are_dated_and_follow_each_other() -> None:
    """Each edition starts when the one before it ends (valid_to derived from the next start), the 2016
    first batch from 2016-04-08 (Cai Guan Shui [2016] No.18), the 2022 edition from 2022-03-01 and still
    open; every row cites a source of its own."""
    eds = typed(EDITIONS_SPEC, pl.read_csv(DATA_DIR / "positive_list_editions.csv", infer_schema=False)).sort(
        "valid_from"
    )
    assert eds["edition"].to_list() == ["2016", "2018", "2019", "2022"]
    assert eds["valid_from"].cast(pl.String).to_list() == ["2016-04-08", "2019-01-01", "2020-01-01", "2022-03-01"]
    assert eds["valid_to"].to_list()[:-1] == eds["valid_from"].to_list()[1:] and eds["valid_to"][-1] is None
    assert eds.filter(pl.col("edition") == "2022")["lines"].item() == POSITIVE_LIST_LINES_2022
    prov = pl.read_csv(DATA_DIR / "provenance.csv", infer_schema=False).filter(
        pl.col("table") == "positive_list_editions"
    )
    assert set(eds["source_id"].to_list()) <= set(prov["source_id"].to_list())
    assert "*" in prov["row_key"].to_list()


def test_a_duplicated_line_is_named(raw: pl.DataFrame) -> None:
    broken = pl.concat([raw, raw.head(1)])
    with pytest.raises(DatasetIntegrityError) as err:
        typed(POSITIVE_LIST, broken)
    assert "duplicate key" in str(err.value.issues[0].reason) and err.value.issues[0].row == raw.height + 2
