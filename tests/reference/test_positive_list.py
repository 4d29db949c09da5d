"""The built-in CBEC positive list (``positive_list.csv``): eight-digit tariff lines unique per edition, each
remark kept as written and its type justified by the remark's own words, confidence no higher than the
sources cited, and the coverage of the 2022 edition (eight ministries' announcement 2022 No.7, 1,476
lines) reported as the share the file actually holds."""

from __future__ import annotations

import re

import polars as pl
import pytest

from qiankua.bonded.rules import POSITIVE_LIST_LINES_2022, BondedRules, typed
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
    # the engine keys the list by tariff line alone: one row per line across editions too
    assert raw["hs_code"].n_unique() == raw.height
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
        assert (cap is not None) == (kind == "quantity_cap") == (unit is not None), f"{where}: cap vs type"
        if kind == "quantity_cap":
            assert "每人" in remark and cap.rstrip("0").rstrip(".") in remark and unit in remark, where
        elif kind == "bonded_only":
            assert "网购保税" in remark, where
        elif kind == "name_restriction":
            assert any(c.startswith(("仅限", "限")) for c in clauses), where
        else:
            assert kind == "exclusion", where
            assert any(c.endswith("除外") or "不包括" in c for c in clauses), where
        # most binding kind first: a cap wins over bonded-only, which wins over a name restriction
        if "网购保税" in remark:
            assert kind in ("quantity_cap", "bonded_only"), where


def test_coverage_of_the_2022_edition_is_what_the_file_holds(raw: pl.DataFrame) -> None:
    names = ("bonded_rules", "cn_import_vat", "cn_consumption_tax", "positive_list")
    tables = {n: pl.read_csv(DATA_DIR / f"{n}.csv", infer_schema=False) for n in names}
    cov = BondedRules.from_tables(tables).coverage()
    assert cov["lines"] == raw.height
    assert cov["edition_2022_lines"] == POSITIVE_LIST_LINES_2022 == 1476
    assert cov["share_of_2022"] == round(raw.height / 1476, 4) <= 1
    assert cov["editions"] == sorted(set(raw["edition"].to_list()))
    assert cov["complete"] is False  # the built-in list is partial: unknown lines stay unknown, not rejected


def test_a_duplicated_line_is_named(raw: pl.DataFrame) -> None:
    broken = pl.concat([raw, raw.head(1)])
    with pytest.raises(DatasetIntegrityError) as err:
        typed(POSITIVE_LIST, broken)
    assert "duplicate key" in str(err.value.issues[0].reason) and err.value.issues[0].row == raw.height + 2
