"""Orders routes: import platform order exports, confirm SKU mappings, margin per order, 9610 documents.

Thin: parse, call :mod:`qiankua.services.orders`, return its document (the CLI's ``--json``). Errors follow
the API's problem format (:mod:`qiankua.api.errors`): a bad file is a 422 listing every bad cell with file,
row, column and reason, and nothing is written.

Strict at the boundary: bodies forbid unknown fields and take numbers as JSON numbers (a ``true`` or a
``"12"`` is refused), dates only as ``YYYY-MM-DD`` text (never a number read as a Unix time). What no
schema can state is answered with a declared status: a product id not in the catalogue, or a period
without orders, is a 404 naming it; a store busy with another write is a 409.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Body, File, Form, Query, Response, UploadFile
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, WithJsonSchema

from qiankua.api.auth import WorkspaceDep
from qiankua.api.data import _read
from qiankua.api.errors import ApiError, problem_responses
from qiankua.api.strict import IsoDate, iso_date
from qiankua.jsonio import to_json
from qiankua.orders.ceb603 import BASE_TRANSFER_FIELDS, CONFIG_HEAD
from qiankua.services.requests import user_db
from qiankua.vocabulary import MODES, SERVICES

router = APIRouter(prefix="/orders", tags=["orders"], responses=problem_responses(400, 401, 404, 409, 422))

# a quote date prices with the FX rates and rules of that day: 1990-2099 (the FX history and the rules lie within)
_QUOTE_YEARS = r"^(199\d|20\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"


def _quote_date(value: Any) -> Any:
    value = iso_date(value)
    if not 1990 <= value.year <= 2099:
        raise ValueError("expected a quote date between 1990-01-01 and 2099-12-31")
    return value


QuoteDate = Annotated[
    dt.date,
    BeforeValidator(_quote_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": _QUOTE_YEARS}),
]
# text that goes into a declaration's XML and Excel cells: no control characters
_TEXT = r"^[^\x00-\x1F\x7F]*$"
Text = Annotated[str, Field(max_length=200, pattern=_TEXT)]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")]
Key = Annotated[str, Field(min_length=1, max_length=40)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class MappingIn(_Strict):
    platform: str = Field(min_length=1, max_length=40, pattern=_TEXT)
    key_kind: str = Field(default="sku", pattern=r"^(sku|asin|title)$")
    key: str = Field(min_length=1, max_length=500, pattern=_TEXT)
    product_id: str = Field(
        min_length=1, max_length=120, pattern=_TEXT, description="a catalogue product id (404 when unknown)"
    )
    quoted_price: Annotated[float, Field(strict=True, ge=0, le=1e12, allow_inf_nan=False)] | None = None
    quoted_currency: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$")
    quoted_on: QuoteDate | None = None


def _config_model() -> type[BaseModel]:
    """The declaration config: the head fields the user's codes fill (CEB603), the transfer fields, and the
    code tables; every one optional, every value text (``packNo`` a whole number)."""
    from pydantic import create_model

    names = [*CONFIG_HEAD, *(name for name, _, _ in BASE_TRANSFER_FIELDS if name not in CONFIG_HEAD)]
    fields: dict[str, Any] = {name: (Text | None, None) for name in names}
    fields.update(
        ie_date=(str | None, Field(default=None, pattern=r"^\d{8}$", description="export date YYYYMMDD")),
        packNo=(StrictInt | None, Field(default=None, ge=1, le=1_000_000)),
        origin_country_code=(Text | None, None),
        legal_unit_code=(Text | None, None),
        currency_codes=(dict[Key, Code] | None, Field(default=None, max_length=300)),
        country_codes=(dict[Key, Code] | None, Field(default=None, max_length=300)),
        unit_codes=(dict[Key, Code] | None, Field(default=None, max_length=300)),
    )
    return create_model("DeclareConfig", __config__=ConfigDict(strict=True, extra="forbid"), **fields)


DeclareConfig = _config_model()


class DeclareIn(_Strict):
    model_config = ConfigDict(strict=True, extra="forbid", populate_by_name=False)

    start: IsoDate = Field(alias="from")
    end: IsoDate = Field(alias="to")
    config: DeclareConfig = Field(default_factory=DeclareConfig)  # type: ignore[valid-type]


def _json(doc: dict[str, Any]) -> Response:
    # the one encoder of every edge: NaN/inf -> null, dates ISO
    return Response(to_json(doc), media_type="application/json")


_OBJECT: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {"schema": {"type": "object"}}}}}


@router.post(
    "/import", summary="Import platform order exports (all or nothing), map SKUs, feed sales", responses=_OBJECT
)
def import_files(
    ws: WorkspaceDep,
    files: Annotated[list[UploadFile], File()],
    platform: Annotated[
        str,
        Query(
            pattern=r"^(auto|amazon|aliexpress|temu|tiktok|shopee|mapped)$",
            description="auto, amazon, aliexpress, temu, tiktok, shopee or mapped",
        ),
    ] = "auto",
    currency: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")] = None,
    tz: Annotated[str, Query(max_length=64, pattern=r"^[A-Za-z0-9_+\-/]+$")] = "UTC",
    column_map: Annotated[str | None, Form(description="column map as JSON (platform, columns, statuses)")] = None,
) -> Response:
    from qiankua.services.orders import import_orders

    spec = None
    if column_map:
        try:
            spec = json.loads(column_map)
        except json.JSONDecodeError as exc:
            raise ApiError(422, f"column_map is not valid JSON ({exc})", field="column_map", location="body") from None
    sources = [(f.filename or "upload", _read(f)) for f in files]
    return _json(
        import_orders(
            sources,
            user_db(ws.db),
            platform=platform,
            column_map=spec,
            currency=currency.upper() if currency else None,
            tz=tz,
        )
    )


@router.get(
    "/unmapped",
    summary="Stored order lines without a product, with suggestions; remembered mappings",
    responses=_OBJECT,
)
def unmapped(ws: WorkspaceDep) -> Response:
    from qiankua.services.orders import mapping_suggestions

    return _json(mapping_suggestions(user_db(ws.db)))


@router.post(
    "/mappings",
    summary="Confirm SKU/ASIN/title -> product mappings (remembered), with an optional quote",
    responses=_OBJECT,
)
def mappings(ws: WorkspaceDep, body: Annotated[list[MappingIn], Body(max_length=10_000)]) -> Response:
    from qiankua.services.orders import confirm_mappings

    return _json(confirm_mappings(user_db(ws.db), [m.model_dump() for m in body]))


@router.get(
    "/margin",
    summary="True margin per order line vs the quote; summaries by product, market, platform, week; carrier "
    "invoices used and unmatched; the low-value (de minimis) outcome per order",
    responses=_OBJECT,
)
def margin(
    ws: WorkspaceDep,
    start: Annotated[IsoDate | None, Query(alias="from", description="first order date, YYYY-MM-DD")] = None,
    end: Annotated[IsoDate | None, Query(alias="to", description="last order date; before `from`: no lines")] = None,
    quoted_on: Annotated[QuoteDate | None, Query(description="quote every line on this date (1990-2099)")] = None,
    mode: Annotated[Literal[MODES], Query()] = "9610",  # type: ignore[valid-type]
    service: Annotated[Literal[SERVICES], Query()] = "postal",  # type: ignore[valid-type]
) -> Response:
    from qiankua.services.orders import order_margins

    return _json(order_margins(user_db(ws.db), start=start, end=end, quoted_on=quoted_on, mode=mode, service=service))


@router.post(
    "/declare",
    summary="9610 inventory list (CEB603 XML + Excel) and waybill CSV; JSON summary or a zip of the files",
    responses={
        200: {
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
            }
        }
    },
)
def declare_files(
    ws: WorkspaceDep,
    body: DeclareIn,
    format: Annotated[str, Query(pattern=r"^(json|zip)$")] = "json",
) -> Response:
    from qiankua.services.orders import declare

    config = cast(BaseModel, body.config).model_dump(exclude_none=True)
    with tempfile.TemporaryDirectory() as tmp:
        doc = declare(user_db(ws.db), start=body.start, end=body.end, out_dir=Path(tmp), config=config)
        if format == "json":
            doc["files"] = {k: Path(v).name for k, v in doc["files"].items()}
            return _json(doc)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for path in doc["files"].values():
                z.write(path, Path(path).name)
    name = f"ceb603_{body.start:%Y%m%d}_{body.end:%Y%m%d}.zip"
    return Response(
        buf.getvalue(), media_type="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
