"""The one JSON encoder of every edge: the CLI's ``--json``, the API's responses, the web's documents.

Rules: non-finite floats (NaN, ±infinity) become ``null``; numpy scalars become numbers; dates and
datetimes ISO 8601; ``Decimal`` a number; paths and sets strings and sorted lists; dict keys strings;
UTF-8, never ``\\uXXXX`` escapes. :func:`to_json` encodes once with orjson (it ships with NiceGUI) and
falls back to the standard library with the same document.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from pathlib import PurePath
from typing import Any

try:  # fast: NaN/inf -> null, numpy scalars, ISO dates natively
    import orjson
except ImportError:  # pragma: no cover - the stdlib path gives the same document, slower
    orjson = None  # type: ignore[assignment]

__all__ = ["dumps", "finite", "to_json"]


def _default(value: Any) -> Any:
    """What neither encoder knows: Decimal, paths, sets, numpy scalars and arrays."""
    if isinstance(value, Decimal):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # numpy scalars and arrays
        return finite(value.tolist())
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return finite(value.item())
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def finite(value: Any) -> Any:
    """``value`` as plain JSON-safe Python (the document :func:`to_json` writes): non-finite floats
    ``None``, numpy scalars numbers, dates ISO strings, tuples lists, keys strings."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return finite(_default(value))


def to_json(doc: Any, *, indent: bool = False) -> bytes:
    """``doc`` as UTF-8 JSON (compact, or indented by two spaces): see the module rules."""
    if orjson is not None:
        option = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
        if indent:
            option |= orjson.OPT_INDENT_2
        try:
            return orjson.dumps(doc, default=_default, option=option)
        except TypeError:  # e.g. an integer wider than 64 bits: the slower path knows it
            pass
    return json.dumps(
        finite(doc),
        ensure_ascii=False,
        allow_nan=False,
        indent=2 if indent else None,
        separators=(",", ": ") if indent else (",", ":"),
    ).encode()


def dumps(doc: Any, *, indent: bool = False) -> str:
    """:func:`to_json` as text."""
    return to_json(doc, indent=indent).decode()
