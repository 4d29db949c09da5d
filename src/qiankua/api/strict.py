"""Strict request models: what the OpenAPI document says is exactly what the server accepts.

pydantic's default (lax) mode turns ``true`` into ``1.0`` and ``"3"`` into ``3``, so a body that breaks
the schema would be answered 200. The request models of the region, scenarios, warehouse and trade
routers use :data:`STRICT` (no coercion, no unknown fields) and :data:`IsoDate` for dates: a JSON
string ``YYYY-MM-DD`` that is a real calendar date, nothing else (no timestamps, no ``2024-1-5``).

FastAPI validates a body in pydantic's Python mode, where a strict ``date`` field would refuse every
string; :data:`IsoDate` parses the string first (a ``BeforeValidator``), so the strict check then sees
a ``date``. JSON Schema counts ``3.0`` as the integer 3 (and JSON parsers give a float for it), so
integer fields of a :class:`StrictModel` (``int``, ``int | None``, ``list[int]``) take a number with no
fraction — never ``true`` nor ``"3"``. The OpenAPI schema says ``{"type": "string", "format": "date"}`` with a pattern for the years
1900-2099 (the years the rules and data of qiankua can speak about).
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, WithJsonSchema, model_validator

__all__ = ["DATE_PATTERN", "STRICT", "IsoDate", "StrictModel", "iso_date", "whole_number"]

STRICT = ConfigDict(strict=True, extra="forbid")
DATE_PATTERN = r"^(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
_ISO = re.compile(DATE_PATTERN)


def iso_date(value: Any) -> dt.date:
    """``value`` as a date when it is an ISO ``YYYY-MM-DD`` string of a real date; ValueError otherwise."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO.fullmatch(value):
        raise ValueError("expected a date as a string YYYY-MM-DD, years 1900-2099")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a calendar date (YYYY-MM-DD)") from None


IsoDate = Annotated[
    dt.date,
    BeforeValidator(iso_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]


def whole_number(value: Any) -> Any:
    """A float with no fraction (``3.0``) as the int it is; anything else unchanged (strict checks follow)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _is_int(annotation: Any) -> bool:
    if typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    if annotation is int:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_int(arg) for arg in typing.get_args(annotation))
    return False


def _is_int_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_int_list(arg) for arg in typing.get_args(annotation))
    return typing.get_origin(annotation) is list and _is_int(typing.get_args(annotation)[0])


def _whole(value: Any, *, many: bool) -> Any:
    if many and isinstance(value, list):
        return [whole_number(v) for v in value]
    return whole_number(value)


class StrictModel(BaseModel):
    """A strict request model whose integer fields (``int``, ``int | None``, ``list[int]``) take ``3.0`` as 3.

    Mix it into a subclass of a lax model to make that model strict with the same fields and constraints.
    """

    model_config = STRICT

    @model_validator(mode="before")
    @classmethod
    def _whole_numbers(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fields = cls.model_fields
        ints = {name for name, field in fields.items() if _is_int(field.annotation)}
        lists = {name for name, field in fields.items() if _is_int_list(field.annotation)}
        return {k: _whole(v, many=k in lists) if k in ints | lists else v for k, v in data.items()}
