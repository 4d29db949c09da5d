"""Orders routes: import platform order exports, confirm SKU mappings, margin per order, 9610 documents.

Thin: parse, call :mod:`qiankua.services.orders`, return its document (the CLI's ``--json``). Errors follow
the API's problem format (:mod:`qiankua.api.errors`): a bad file is a 422 listing every bad cell with file,
row, column and reason, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from pydantic import BaseModel, Field

from qiankua.api.auth import WorkspaceDep
from qiankua.api.data import _read
from qiankua.api.errors import ApiError, problem_responses
from qiankua.services.requests import user_db

router = APIRouter(prefix="/orders", tags=["orders"], responses=problem_responses(400, 401, 404, 422))


class MappingIn(BaseModel):
    platform: str = Field(min_length=1, max_length=40)
    key_kind: str = Field(default="sku", pattern=r"^(sku|asin|title)$")
    key: str = Field(min_length=1, max_length=500)
    product_id: str = Field(min_length=1, max_length=120)
    quoted_price: float | None = Field(default=None, ge=0)
    quoted_currency: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$")
    quoted_on: dt.date | None = None


class DeclareIn(BaseModel):
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    config: dict[str, Any] = Field(default_factory=dict)


@router.post("/import", summary="Import platform order exports (all or nothing), map SKUs, feed sales")
def import_files(
    ws: WorkspaceDep,
    files: Annotated[list[UploadFile], File()],
    platform: Annotated[
        str, Query(max_length=20, description="auto, amazon, aliexpress, temu, tiktok, shopee or mapped")
    ] = "auto",
    currency: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")] = None,
    tz: Annotated[str, Query(max_length=64)] = "UTC",
    column_map: Annotated[str | None, Form(description="column map as JSON (platform, columns, statuses)")] = None,
) -> dict[str, Any]:
    from qiankua.services.orders import import_orders

    spec = None
    if column_map:
        try:
            spec = json.loads(column_map)
        except json.JSONDecodeError as exc:
            raise ApiError(422, f"column_map is not valid JSON ({exc})", field="column_map", location="body") from None
    sources = [(f.filename or "upload", _read(f)) for f in files]
    return import_orders(
        sources,
        user_db(ws.db),
        platform=platform,
        column_map=spec,
        currency=currency.upper() if currency else None,
        tz=tz,
    )


@router.get("/unmapped", summary="Stored order lines without a product, with suggestions; remembered mappings")
def unmapped(ws: WorkspaceDep) -> dict[str, Any]:
    from qiankua.services.orders import mapping_suggestions

    return mapping_suggestions(user_db(ws.db))


@router.post("/mappings", summary="Confirm SKU/ASIN/title -> product mappings (remembered), with an optional quote")
def mappings(ws: WorkspaceDep, body: list[MappingIn]) -> dict[str, Any]:
    from qiankua.services.orders import confirm_mappings

    return confirm_mappings(user_db(ws.db), [m.model_dump() for m in body])


@router.get("/margin", summary="True margin per order line vs the quote; summaries by product, market, platform, week")
def margin(
    ws: WorkspaceDep,
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
    quoted_on: Annotated[dt.date | None, Query()] = None,
    mode: Annotated[Literal["9610", "9710", "9810", "0110"], Query()] = "9610",
    service: Annotated[str, Query(max_length=20)] = "postal",
) -> dict[str, Any]:
    from qiankua.services.orders import order_margins

    return order_margins(user_db(ws.db), start=start, end=end, quoted_on=quoted_on, mode=mode, service=service)


@router.post(
    "/declare",
    summary="9610 inventory list (CEB603 XML + Excel) and waybill CSV; JSON summary or a zip of the files",
    responses={200: {"content": {"application/zip": {}}}},
)
def declare_files(
    ws: WorkspaceDep, body: DeclareIn, format: Annotated[str, Query(pattern=r"^(json|zip)$")] = "json"
) -> Any:
    from qiankua.services.orders import declare

    with tempfile.TemporaryDirectory() as tmp:
        doc = declare(user_db(ws.db), start=body.start, end=body.end, out_dir=Path(tmp), config=body.config)
        if format == "json":
            doc["files"] = {k: Path(v).name for k, v in doc["files"].items()}
            return doc
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for path in doc["files"].values():
                z.write(path, Path(path).name)
    name = f"ceb603_{body.start:%Y%m%d}_{body.end:%Y%m%d}.zip"
    return Response(
        buf.getvalue(), media_type="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
