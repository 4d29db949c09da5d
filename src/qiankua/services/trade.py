"""The ``trade`` engine's use cases (the registry serves an engine when ``qiankua.services.<engine>`` imports):
the product space lives in :mod:`qiankua.services.complexity`."""

from __future__ import annotations

from qiankua.services.complexity import complexity_file, complexity_rows, diversify

__all__ = ["complexity_file", "complexity_rows", "diversify"]
