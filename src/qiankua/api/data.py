"""User-data routes, scoped to the caller's organisation: tables, rows, import, validate, template, export."""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from qiankua.api import schemas as s
from qiankua.api.auth import WorkspaceDep
from qiankua.api.errors import ApiError, problem_responses
from qiankua.services import data, workspace

router = APIRouter(prefix="/data", tags=["data"], responses=problem_responses(400, 401, 404, 409, 413, 422))

_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _file_response(name: str, content: bytes, fmt: str) -> Response:
    return Response(content, media_type=_MEDIA[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _filename(upload: UploadFile) -> str | None:
    """The upload's name if it can name a file: a name with control characters, an over-long name or a
    path such as ``..`` is refused with 422 (the file itself is stored under a safe name anyway)."""
    name = upload.filename
    if name is None or not name.strip():
        return None
    base = PurePath(name.replace("\\", "/")).name.strip()
    if _CONTROL.search(name) or len(name.encode("utf-8", "replace")) > 255 or base in ("", ".", ".."):
        raise ApiError(
            422, "not a usable file name; rename the file (letters, digits, . _ -)", field="file", location="body"
        )
    return base


def _read(upload: UploadFile, *, allow_empty: bool = False) -> bytes:
    content = upload.file.read(workspace.MAX_UPLOAD_BYTES + 1)
    if len(content) > workspace.MAX_UPLOAD_BYTES:
        raise ApiError(413, "file larger than 20 MiB", field="file", location="body")
    if not content and not allow_empty:
        raise ApiError(422, "the uploaded file is empty", field="file", location="body")
    return content


_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in _MEDIA.values()},
        "description": "the file",
    }
}


@router.get("/tables", response_model=s.TableList, summary="User tables of my organisation, with row counts")
def tables(ws: WorkspaceDep) -> s.TableList:
    return s.TableList(org=ws.identity.org, tables=[s.TableInfo(**t) for t in workspace.list_user_tables(ws)])


@router.get(
    "/templates/{table}",
    response_class=Response,
    responses=_FILE_RESPONSES,
    summary="Empty template with Chinese and English headers",
)
def template(table: s.UserTable, format: s.FileFormat = s.FileFormat.xlsx) -> Response:
    name, content = workspace.template_bytes(table.value, format.value)
    return _file_response(name, content, format.value)


@router.get("/{table}/rows", response_model=s.RowsOut, summary="Rows of one of my tables")
def rows(
    table: s.UserTable,
    ws: WorkspaceDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> s.RowsOut:
    total, items = workspace.user_rows(ws, table.value, limit=limit, offset=offset)
    return s.RowsOut(org=ws.identity.org, table=table.value, total=total, rows=items)


@router.get(
    "/{table}/export",
    response_class=Response,
    responses=_FILE_RESPONSES,
    summary="Export one of my tables (formula injection neutralised)",
)
def export(table: s.UserTable, ws: WorkspaceDep, format: s.FileFormat = s.FileFormat.xlsx) -> Response:
    name, content = workspace.export_bytes(ws, table.value, format.value)
    return _file_response(name, content, format.value)


@router.post(
    "/{table}/validate",
    response_model=s.ValidateOut,
    summary="Check a CSV/XLSX cell by cell without importing it",
    responses=problem_responses(503),
)
async def validate(
    table: s.UserTable,
    ws: WorkspaceDep,
    file: Annotated[UploadFile, File()],
    sheet: Annotated[str | None, Query(max_length=31)] = None,
) -> s.ValidateOut:
    # checking writes nothing; the workspace only says which currencies its FX book converts. It parses the
    # whole file as an import does, so it queues in the same gate (503 + Retry-After when full)
    from qiankua.services.jobs import import_gate

    name = _filename(file)
    content = await run_in_threadpool(_read, file, allow_empty=True)

    def check() -> workspace.CheckResult:
        currencies = data.fx_currencies(ws.db)
        return workspace.check_upload(table.value, content, name, sheet=sheet, currencies=currencies)

    result = await import_gate().run(check)
    return s.ValidateOut(ok=result.ok, table=result.table, file=result.file, rows=result.rows, issues=result.issues)


@router.post(
    "/{table}/import",
    response_model=s.ImportOut,
    summary="Import a CSV/XLSX into my organisation's table; any bad cell and nothing is written",
    responses=problem_responses(503),
)
async def import_(
    table: s.UserTable,
    ws: WorkspaceDep,
    file: Annotated[UploadFile, File()],
    mode: s.ImportMode = s.ImportMode.append,
    sheet: Annotated[str | None, Query(max_length=31)] = None,
) -> s.ImportOut:
    # async: a queued import waits in the import gate without a worker thread; full queue -> 503 + Retry-After
    from qiankua.services.jobs import import_gate

    name = _filename(file)
    content = await run_in_threadpool(_read, file)
    gate = import_gate()
    result = await gate.run(workspace.import_upload, ws, table.value, content, name, mode=mode.value, sheet=sheet)
    return s.ImportOut(**result.to_dict())


reference_router = APIRouter(prefix="/reference", tags=["reference"], responses=problem_responses(400, 404, 409, 422))


@reference_router.get(
    "/{table}/export", response_class=Response, responses=_FILE_RESPONSES, summary="Export a built-in reference table"
)
def export_reference(table: s.RefTable, format: s.FileFormat = s.FileFormat.xlsx) -> Response:
    name, content = workspace.export_bytes(None, table.value, format.value, reference=True)
    return _file_response(name, content, format.value)
