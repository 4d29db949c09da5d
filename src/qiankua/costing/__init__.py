"""Landed cost and margin engine (pure): dated tax regimes, tariffs, China export side,
logistics fallback, channel fees and FX, batch first (a polars table in, a table out)."""

from qiankua.costing.engine import (
    COLUMNS,
    FLAGS,
    REASONS,
    STATUS,
    decode_flags,
    quote_batch,
    quote_batch_reference,
    solve_price,
)
from qiankua.costing.rules import MODES, SERVICES, TABLE_SPECS, CompiledRules, CostingTables, compile_rules

__all__ = [
    "COLUMNS",
    "FLAGS",
    "MODES",
    "REASONS",
    "SERVICES",
    "STATUS",
    "TABLE_SPECS",
    "CompiledRules",
    "CostingTables",
    "compile_rules",
    "decode_flags",
    "quote_batch",
    "quote_batch_reference",
    "solve_price",
]
