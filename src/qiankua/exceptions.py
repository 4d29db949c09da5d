"""Errors and warnings raised by qiankua.

One root, drawn as a tree (the style of httpx); each subclass also inherits the
builtin a caller would expect, so ``except ValueError`` still works::

    QiankuaError
    ├── InvalidInputError(ValueError)      malformed argument or record
    │   ├── UnknownReferenceError(LookupError)  a code that no reference table knows
    │   └── CurrencyMismatchError          arithmetic across currencies
    ├── DataError                          reference data broken or missing
    │   ├── DatasetNotFoundError(LookupError)
    │   └── DatasetIntegrityError          schema / provenance / referential failure
    ├── ImportValidationError(ValueError)  a user file with bad cells; carries every CellIssue
    └── StoreError                         the embedded database cannot be used

    warnings: LowConfidenceDataWarning (a result rests on an unconfirmed figure)

Infeasible answers (a route that cannot carry alcohol, a market with no rule on a
date) are results, not exceptions; engines raise only on malformed input.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CellIssue",
    "CurrencyMismatchError",
    "DataError",
    "DatasetIntegrityError",
    "DatasetNotFoundError",
    "ImportValidationError",
    "InvalidInputError",
    "LowConfidenceDataWarning",
    "QiankuaError",
    "StoreError",
    "UnknownReferenceError",
]


class QiankuaError(Exception):
    """Root of every error qiankua raises on purpose."""


class InvalidInputError(QiankuaError, ValueError):
    """An argument or record is malformed; the message says what was expected."""


class UnknownReferenceError(InvalidInputError, LookupError):
    """A code (product id, adcode, ISO code, currency) that no reference table knows."""


class CurrencyMismatchError(InvalidInputError):
    """Arithmetic between amounts in different currencies without an explicit FX step."""


class DataError(QiankuaError):
    """Reference data are missing or inconsistent."""


class DatasetNotFoundError(DataError, LookupError):
    """A reference table file is missing."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CellIssue:
    """One bad cell (or row, or table-level problem) found while validating data.

    ``row`` is the 1-based row number as a spreadsheet shows it (the header is row 1);
    ``None`` for file- or table-level problems.
    """

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    reason: str

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        shown = "" if self.value is None else f" (value {self.value!r})"
        return f"{self.location()}{shown}: {self.reason}"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


class _IssuesError(QiankuaError):
    """An error that carries a list of CellIssue (capped in the message, complete in ``issues``)."""

    shown_in_message = 20

    def __init__(self, summary: str, issues: list[CellIssue], *, table: str | None = None) -> None:
        self.summary = summary
        self.issues = list(issues)
        self.table = table  # the user table the file was for, when it was one (its columns' headers name them)
        lines = [summary] + [f"  - {i}" for i in self.issues[: self.shown_in_message]]
        hidden = len(self.issues) - self.shown_in_message
        if hidden > 0:
            lines.append(f"  … and {hidden} more")
        super().__init__("\n".join(lines))


class DatasetIntegrityError(_IssuesError, DataError):
    """Reference data failed validation (schema, keys, references or provenance)."""


class ImportValidationError(_IssuesError, InvalidInputError):
    """A user file has bad cells; nothing was written. ``issues`` lists every bad cell."""


class StoreError(QiankuaError):
    """The embedded database cannot be opened or written."""


class LowConfidenceDataWarning(UserWarning):
    """A result rests on a figure flagged ``unconfirmed`` in reference data."""
