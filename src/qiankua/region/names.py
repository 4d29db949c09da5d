"""Area names: the 31 provinces (region_units.csv) and Guizhou's counties (divisions.csv), by code or by any
spelling a user writes — Chinese full or short, English, pinyin, older romanisations — in any case and spacing.

One resolver for the importer (a region panel's ``area`` column) and the region use cases.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from qiankua.exceptions import InvalidInputError

if TYPE_CHECKING:
    from qiankua.reference import ReferenceData


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


@dataclass(frozen=True, slots=True)
class AreaNames:
    """Area code <-> names: codes, Chinese (full and short), English and pinyin variants, any case and spacing."""

    names: dict[str, tuple[str, str]]  # code -> (zh, en)
    lookup: dict[str, str]  # folded spelling -> code
    level: dict[str, str]  # code -> province | county
    west: frozenset[str]

    def resolve(self, value: str) -> str:
        code = self.lookup.get(_key(str(value)))
        if code is None:
            raise InvalidInputError(
                f"Unknown area {value!r}: expected a 6-digit code or a province/county name in Chinese, English "
                "or pinyin (e.g. 520000, 贵州, Guizhou)."
            )
        return code


_BUILT: dict[str, AreaNames] = {}


def area_names_of(ref: ReferenceData) -> AreaNames:
    """Area names of the reference data (built once per data directory)."""
    key = str(ref.data_dir)
    if key not in _BUILT:
        _BUILT[key] = _area_names(ref)
    return _BUILT[key]


def _area_names(ref: ReferenceData) -> AreaNames:
    names: dict[str, tuple[str, str]] = {}
    lookup: dict[str, str] = {}
    level: dict[str, str] = {}
    west: set[str] = set()
    for row in ref.table("region_units").iter_rows(named=True):
        code = row["code"]
        names[code] = (row["name_zh"], row["name_en"])
        level[code] = row["level"]
        if str(row["west"]).lower() == "true":
            west.add(code)
        for spelling in (code, row["name_zh"], row["name_en"], *(row["aliases"] or "").split("|")):
            if spelling:
                lookup[_key(spelling)] = code
    for row in ref.divisions.filter(pl.col("level") == "county").iter_rows(named=True):
        code = row["adcode"]
        names[code] = (row["name_zh"], row["name_en"])
        level[code] = "county"
        for spelling in (code, row["name_zh"], row["name_en"]):
            lookup.setdefault(_key(spelling), code)
    return AreaNames(names=names, lookup=lookup, level=level, west=frozenset(west))


__all__ = ["AreaNames", "area_names_of"]
