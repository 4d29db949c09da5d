"""Bonded retail import (1210) for a special customs zone (Guiyang Comprehensive Bonded Zone): order
checks, the three-document match, composite tax, the annual quota and the positive list. Pure: frames
in, frames out; the ledger lives in :mod:`qiankua.store.bonded`."""

from qiankua.bonded.engine import CheckResult, check_batch, order_tax
from qiankua.bonded.identity import check_char, hash_ids, is_valid, valid_mask
from qiankua.bonded.rules import POSITIVE_LIST_LINES_2022, BondedRules, Limits
from qiankua.bonded.tax import composite_rate, tax_parts

__all__ = [
    "POSITIVE_LIST_LINES_2022",
    "BondedRules",
    "CheckResult",
    "Limits",
    "check_batch",
    "check_char",
    "composite_rate",
    "hash_ids",
    "is_valid",
    "order_tax",
    "tax_parts",
    "valid_mask",
]
