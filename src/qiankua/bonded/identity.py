"""Resident identity numbers (GB 11643-1999): the check digit, vectorised, and salted hashing.

An 18-character number is 17 digits and a check character: the weighted sum of the 17 digits with
weights 2^(17-i) mod 11 (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2), taken mod 11, indexes ``10X98765432``.
Numbers are only ever kept as keyed BLAKE2b digests (a per-store salt), never in clear.
"""

from __future__ import annotations

import hashlib

import numpy as np
import polars as pl

__all__ = ["WEIGHTS", "check_char", "hash_columns", "hash_ids", "hash_index", "is_valid", "valid_mask"]

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK = "10X98765432"
_CHECK_CODES = np.frombuffer(_CHECK.encode(), dtype=np.uint8)
_WEIGHTS32 = WEIGHTS.astype(np.int32)


def check_char(first17: str) -> str:
    """The check character of 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("expected 17 digits")
    total = sum(int(d) * int(w) for d, w in zip(first17, WEIGHTS, strict=True))
    return _CHECK[total % 11]


def is_valid(number: str) -> bool:
    """Whether an 18-character identity number has the right form and check character."""
    text = number.strip().upper()
    return len(text) == 18 and text[:17].isdigit() and check_char(text[:17]) == text[17]


def valid_mask(numbers: pl.Series) -> np.ndarray:
    """Vectorised :func:`is_valid` over a string Series (nulls are invalid)."""
    text = numbers.cast(pl.String).str.strip_chars().str.to_uppercase()
    form = text.str.contains(r"^\d{17}[\dX]$").fill_null(False).to_numpy()
    out = np.zeros(len(text), dtype=bool)
    if not form.any():
        return out
    good = text.filter(pl.Series(form))
    raw = np.frombuffer(good.str.join("").item().encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    digits = raw[:, :17].astype(np.int32)
    digits -= 48
    expected = _CHECK_CODES[(digits @ _WEIGHTS32) % 11]
    out[form] = raw[:, 17] == expected
    return out


def hash_columns(columns: list[pl.Series], salt: bytes) -> list[pl.Series]:
    """Keyed BLAKE2b-128 hex digest of each (normalised: stripped, upper-case) number in every column;
    the same number and salt give the same digest. Each distinct number is hashed once across all the
    columns (a day's orders and payments share their buyers)."""
    return _hash_columns(columns, salt)[0]


def _hash_columns(columns: list[pl.Series], salt: bytes) -> tuple[list[pl.Series], pl.Series]:
    raw = pl.concat([c.cast(pl.String).rename("_id") for c in columns]).drop_nulls().unique()
    norm = raw.str.strip_chars().str.to_uppercase().to_list()
    keyed = hashlib.blake2b(key=salt, digest_size=16)  # keyed once; each number hashes a copy

    def digest(text: str) -> str:
        h = keyed.copy()
        h.update(text.encode())
        return h.hexdigest()

    digests = [digest(text) for text in norm]
    new = pl.Series("_h", digests, dtype=pl.String)
    return [
        c.cast(pl.String).replace_strict(raw, new, default=None, return_dtype=pl.String).alias(c.name) for c in columns
    ], new


def hash_ids(numbers: pl.Series, salt: bytes) -> pl.Series:
    """Keyed BLAKE2b-128 hex digest of each (normalised) number (:func:`hash_columns` of one column)."""
    return hash_columns([numbers], salt)[0]


def hash_index(numbers: pl.Series, salt: bytes) -> tuple[pl.Series, pl.Series]:
    """``(digests, distinct)``: :func:`hash_ids` of ``numbers`` and the distinct digests among them
    (known from the hashing itself, so no second pass over the rows is needed)."""
    columns, distinct = _hash_columns([numbers], salt)
    return columns[0], distinct.unique()
