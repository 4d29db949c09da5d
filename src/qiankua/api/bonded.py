"""Bonded retail import (1210) routes: ``POST /bonded/tax``, ``POST /bonded/check`` (multipart: orders,
payments, waybills), ``POST /bonded/quota``, ``POST /bonded/returns``, ``GET /bonded/templates/{kind}``.

Thin: parse, call :mod:`qiankua.services.bonded`, return its document — the same bytes as
``qiankua bonded … --json`` (:func:`qiankua.jsonio.to_json`). A bad upload is a 422 listing every bad cell
with file, row, column and reason, and nothing is written. Identity numbers are hashed with the store's
salt and never returned in clear (``quota`` shows a masked number). An identity number is only ever
sent in a request body, never in a URL (URLs end up in access logs, proxies and browser history).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Path, Query, Response, UploadFile
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from qiankua.api import schemas as s
from qiankua.api.auth import WorkspaceDep
from qiankua.api.data import _read
from qiankua.api.errors import problem_responses
from qiankua.jsonio import to_json
from qiankua.services.requests import user_db

router = APIRouter(prefix="/bonded", tags=["bonded"], responses=problem_responses(400, 401, 422))

_JSON: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {"schema": {"type": "object"}}}}}
_MEDIA = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


_FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {m: {"schema": {"type": "string", "format": "binary"}} for m in _MEDIA.values()}}
}


def _iso_text(value: Any) -> Any:
    """A date comes as ``YYYY-MM-DD`` text (a number is not read as a Unix time)."""
    if value is not None and not isinstance(value, (str, dt.date)):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


class TaxIn(BaseModel):
    """One order: its dutiable value and either a CN tariff code or the rates."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {"required": ["hs"], "properties": {"hs": {"type": "string"}}},
                {"required": ["vat_rate"], "properties": {"vat_rate": {"type": "number"}}},
            ]
        },
    )

    value: float = Field(
        ge=0, le=1e10, description="dutiable price in CNY (transaction price incl. freight and insurance)"
    )
    hs: str | None = Field(default=None, pattern=r"^\d{8}(\d{2})?$", description="CN tariff code, 8 or 10 digits")
    vat_rate: float | None = Field(default=None, ge=0, le=1, description="import VAT rate, e.g. 0.13")
    ct_rate: float | None = Field(default=None, ge=0, lt=1, description="consumption tax rate, e.g. 0.15")
    duty_rate: float | None = Field(
        default=None, ge=0, le=10, description="duty rate, used when one item above the single limit is taxed in full"
    )
    items: int = Field(default=1, ge=1, le=100_000)
    annual_used: float = Field(default=0.0, ge=0, le=1e10, description="the buyer's annual quota already used (CNY)")
    date: Annotated[dt.date, BeforeValidator(_iso_text)] | None = Field(
        default=None, description="the rules in force on this day, YYYY-MM-DD (default today)"
    )

    @field_validator("value", "vat_rate", "ct_rate", "duty_rate", "items", "annual_used", mode="before")
    @classmethod
    def _not_bool(cls, v: Any) -> Any:
        if isinstance(v, bool):  # JSON true/false is not a number
            raise ValueError("expected a number")
        return v


def _doc(doc: Any) -> Response:
    return Response(to_json(doc), media_type="application/json")


@router.post("/tax", summary="Duty, VAT, consumption tax, channel (cbec / general_trade) and reason of one order",
             responses=_JSON)  # fmt: skip
def tax(body: TaxIn, ws: WorkspaceDep) -> Response:
    from qiankua.services import bonded

    return _doc(bonded.tax(body.model_dump()))


def _upload(file: UploadFile | None) -> tuple[str, bytes] | None:
    return None if file is None else (file.filename or "upload.csv", _read(file))


@router.post(
    "/check",
    summary="Check a day's orders with their payments and waybills: decisions, tax, quota ledger (idempotent)",
    responses=_JSON,
)
def check(
    ws: WorkspaceDep,
    orders: Annotated[UploadFile, File(description="orders (CSV GBK/UTF-8 or XLSX)")],
    payments: Annotated[UploadFile | None, File(description="payments")] = None,
    waybills: Annotated[UploadFile | None, File(description="waybills")] = None,
    dry_run: Annotated[bool, Query(description="check only, write nothing to the ledger")] = False,
    duty_rate: Annotated[float | None, Query(ge=0, le=10, description="duty rate for full-tax orders")] = None,
) -> Response:
    from qiankua.services import bonded

    order_file = _upload(orders)
    assert order_file is not None
    result = bonded.check_uploads(
        order_file, _upload(payments), _upload(waybills), user_db(ws.db), commit=not dry_run, duty_rate=duty_rate
    )
    return _doc(bonded.document(result))


class QuotaIn(BaseModel):
    """A buyer whose annual quota is asked for: the identity number travels in the body, not the URL."""

    model_config = ConfigDict(extra="forbid")

    buyer: str = Field(
        pattern=r"^\d{17}[\dXx]$",
        description="the buyer's identity number (18 characters, GB 11643); hashed, never stored or returned",
    )
    year: int | None = Field(default=None, ge=2016, le=2100, description="calendar year (default this year)")

    @field_validator("year", mode="before")
    @classmethod
    def _not_bool(cls, v: Any) -> Any:
        if isinstance(v, bool):  # JSON true/false is not a number
            raise ValueError("expected a number")
        return v


@router.post(
    "/quota",
    summary="A buyer's annual quota used and left (the number is hashed, never shown)",
    description="400 when the identity number fails its GB 11643 check digit; 422 when it is not 18 characters.",
    responses=_JSON,
)
def quota(body: QuotaIn, ws: WorkspaceDep) -> Response:
    from qiankua.services import bonded

    response = _doc(bonded.quota(body.buyer.upper(), user_db(ws.db), body.year))
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/returns", summary="Record cancellations and returns; those within the rules restore the quota",
             responses=_JSON)  # fmt: skip
def returns(
    ws: WorkspaceDep,
    file: Annotated[UploadFile, File(description="order_id, event (cancel|return), event_date[, arrived_date]")],
) -> Response:
    from qiankua.services import bonded

    upload = _upload(file)
    assert upload is not None
    return _doc(bonded.restore_upload(upload, user_db(ws.db)))


@router.get(
    "/templates/{kind}",
    summary="Upload template (orders, payments or waybills) with Chinese or English headers and a sample row",
    responses=_FILE,
)
def template(
    kind: Annotated[str, Path(pattern=r"^(orders|payments|waybills)$")],
    lang: Annotated[Literal["zh", "en"], Query()] = "zh",
    format: s.FileFormat = s.FileFormat.csv,
) -> Response:
    from qiankua.services import bonded

    name, content = bonded.template(kind, lang, format.value)
    return Response(
        content, media_type=_MEDIA[format.value], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
