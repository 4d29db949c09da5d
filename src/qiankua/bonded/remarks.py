"""The positive list's remarks (监管要求 / 备注), read into the kind the checks act on.

The 2022 list (eight ministries' announcement 2022 No.7) attaches four kinds of remark to a tariff line:
a per-person yearly quantity cap (每人每年限购 …), bonded-only (仅限网购保税商品), a name restriction
(仅限 / 限 …) and an exclusion (… 除外 / 不包括 …). A line may carry several (bonded-only AND capped …):
:func:`classify` returns every kind found, most binding first (cap, then bonded-only, then name restriction,
then exclusion), and the cap's number and unit. A line's kinds are stored as one text, joined with ";"
(:func:`join_kinds`), and read back with :func:`split_kinds`. The wording rules are written by hand (no library reads these remarks); a clause matching none is
returned as unclassified so a human looks at it — never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CLAUSE_SPLIT = re.compile(r"\s*[;；。]\s*")
# longer units first (千克 before 克, 毫升 before 升): the regex takes the first alternative that matches
UNITS = "千克|公斤|kg|KG|克|毫升|升|件|个|瓶|罐|盒|袋|台|套|双|支|片"
_CAP = re.compile(r"每人每年[^0-9０-９]{0,12}?(\d+(?:\.\d+)?)\s*(" + UNITS + ")")
# most binding first
KINDS = ("quantity_cap", "bonded_only", "name_restriction", "exclusion")


_KIND_SPLIT = re.compile(r"\s*[;；,，|]\s*")


@dataclass(frozen=True)
class Remark:
    """A remark's kinds (most binding first; empty when none), its most binding kind ('' when none), its
    cap and unit (None when it sets none), and the clauses no rule recognised."""

    kind: str = ""
    qty_cap: float | None = None
    qty_unit: str | None = None
    unclassified: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    @property
    def joined(self) -> str | None:
        """The kinds as stored (``quantity_cap;bonded_only``), None when there are none."""
        return join_kinds(self.kinds)


def split_kinds(text: str | None) -> tuple[str, ...]:
    """A stored kinds text (``quantity_cap;bonded_only``, or one kind) as a tuple, most binding first;
    unknown words are dropped (the table's pattern refuses them on import)."""
    found = {k for k in _KIND_SPLIT.split(text or "") if k}
    return tuple(k for k in KINDS if k in found)


def join_kinds(kinds: tuple[str, ...] | list[str] | set[str]) -> str | None:
    """Kinds as one text, most binding first and each once; None when there are none."""
    ordered = [k for k in KINDS if k in set(kinds)]
    return ";".join(ordered) if ordered else None


def clauses(remark: str) -> list[str]:
    """A remark's clauses (split at ; ； 。), blank ones dropped."""
    return [c.strip() for c in _CLAUSE_SPLIT.split(remark or "") if c.strip()]


def classify(remark: str | None) -> Remark:
    """Every kind, the most binding kind, the cap and unit of a remark as written (see the module
    docstring)."""
    kinds: set[str] = set()
    cap: float | None = None
    unit: str | None = None
    unclassified: list[str] = []
    for clause in clauses(remark or ""):
        m = _CAP.search(clause)
        if m:
            kinds.add("quantity_cap")
            cap, unit = float(m.group(1)), m.group(2)
            if "网购保税" in clause:
                kinds.add("bonded_only")
        elif "网购保税" in clause:
            kinds.add("bonded_only")
        elif clause.endswith("除外") or "不包括" in clause:
            kinds.add("exclusion")
        elif clause.startswith(("仅限", "限")):
            kinds.add("name_restriction")
        else:
            unclassified.append(clause)
    found = tuple(k for k in KINDS if k in kinds)
    return Remark(
        kind=found[0] if found else "", qty_cap=cap, qty_unit=unit, unclassified=tuple(unclassified), kinds=found
    )
