"""Uploads queue instead of piling up (issue 21 item 8): bounded imports, 503 + Retry-After, reads never
wait behind an import. In process (httpx over ASGI) with a real DuckDB file; the timing under a
50-upload burst is measured by benchmarks/api_soak.py, not asserted here."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from qiankua.api import Settings, create_app
from qiankua.services import jobs
from qiankua.services.jobs import ImportGate, ImportsBusy
from qiankua.store import Store
from tests.api.conftest import client_for

pytestmark = pytest.mark.anyio

HEADER = "id,name_en,name_zh,category,hs6,origin_adcode,unit,unit_value_cny,unit_gross_kg\n"


def _products(prefix: str, n: int = 1) -> bytes:
    return (HEADER + "".join(f"{prefix}-{i},Tea,茶,tea,090210,522701,tin,120,0.4\n" for i in range(n))).encode()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> ImportGate:
    small = ImportGate(concurrency=1, queue=3, wait_s=60)
    monkeypatch.setattr(jobs, "_GATE", small)
    return small


async def test_the_gate_runs_a_bounded_number_and_refuses_beyond_its_queue() -> None:
    gate = ImportGate(concurrency=2, queue=2, wait_s=30)
    release = threading.Event()
    running: list[int] = []
    peak = 0

    def job(n: int) -> int:
        nonlocal peak
        running.append(n)
        peak = max(peak, len(running))
        release.wait(30)
        running.remove(n)
        return n

    tasks = [asyncio.create_task(gate.run(job, n)) for n in range(4)]
    await asyncio.sleep(0.3)
    assert (gate.running, gate.waiting) == (2, 2)
    with pytest.raises(ImportsBusy) as busy:  # the fifth: nowhere to wait
        await gate.run(job, 99)
    assert busy.value.retry_after >= 1 and "retry after" in str(busy.value) and "请" in str(busy.value)
    release.set()
    assert sorted(await asyncio.gather(*tasks)) == [0, 1, 2, 3]
    assert peak == 2 and (gate.running, gate.waiting) == (0, 0)


async def test_a_waiter_gives_up_after_its_wait() -> None:
    gate = ImportGate(concurrency=1, queue=5, wait_s=0.2)
    release = threading.Event()
    first = asyncio.create_task(gate.run(release.wait, 30))
    await asyncio.sleep(0.1)
    with pytest.raises(ImportsBusy):
        await gate.run(lambda: None)
    assert gate.waiting == 0
    release.set()
    assert await first is True
    assert await gate.run(lambda: 7) == 7  # the slot came back


async def test_upload_burst_is_served_or_told_to_retry_and_reads_go_on(tmp_path: Path, gate: ImportGate) -> None:
    app = create_app(Settings(ui=False, home=tmp_path, db=tmp_path / "burst.duckdb"))
    async with client_for(app) as client:

        async def upload(n: int):  # type: ignore[no-untyped-def]
            files = {"file": (f"b{n}.csv", _products(f"burst-{n}"), "text/csv")}
            return await client.post("/api/v1/data/products/import", files=files)

        uploads = [asyncio.create_task(upload(n)) for n in range(12)]
        reads = await asyncio.gather(*(client.get("/api/v1/catalogue") for _ in range(5)))
        answers = await asyncio.gather(*uploads)
        tables = await client.get("/api/v1/data/tables")
    assert {r.status_code for r in reads} == {200}
    codes = [r.status_code for r in answers]
    assert set(codes) <= {200, 503} and 503 in codes and 200 in codes, codes
    for r in answers:
        if r.status_code == 503:
            assert int(r.headers["Retry-After"]) >= 1
            assert r.headers["content-type"].startswith("application/problem+json")
            assert "retry after" in r.json()["detail"]
    rows = next(t["rows"] for t in tables.json()["tables"] if t["table"] == "products")
    assert rows == codes.count(200)  # each accepted upload whole, each refused one not at all


async def test_reads_do_not_wait_while_an_import_checks_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "shared.duckdb"
    app = create_app(Settings(ui=False, home=tmp_path, db=db))
    async with client_for(app) as client:
        assert (await client.post("/api/v1/data/products/import", files={"file": ("a.csv", _products("a"))})).is_success
        # another process's import is checking its file: it holds the write turn, the file is shared
        writer = Store(db, short_writes=True)
        try:
            monkeypatch.setenv("QIANKUA_LOCK_TIMEOUT", "0.5")
            tables = await client.get("/api/v1/data/tables")
            rows = await client.get("/api/v1/data/products/rows")
            quote = await client.post("/api/v1/quote", json={"market": "US", "product_id": "a-0"})
            second = await client.post("/api/v1/data/products/import", files={"file": ("b.csv", _products("b"))})
        finally:
            writer.close()
        assert (tables.status_code, rows.status_code, quote.status_code) == (200, 200, 200)
        assert rows.json()["total"] == 1
        # the second import could not have its turn within the (shortened) lock timeout: busy, not broken
        assert second.status_code == 503, second.text
        assert int(second.headers["Retry-After"]) >= 1
        assert str(tmp_path) not in second.text and "pid" not in second.text.lower()
        monkeypatch.delenv("QIANKUA_LOCK_TIMEOUT")
        again = await client.post("/api/v1/data/products/import", files={"file": ("b.csv", _products("b"))})
        assert again.status_code == 200, again.text


async def test_openapi_declares_the_busy_answers(tmp_path: Path) -> None:
    app = create_app(Settings(ui=False, home=tmp_path, db=tmp_path / "x.duckdb"))
    paths = app.openapi()["paths"]
    for path in ("/api/v1/data/{table}/import", "/api/v1/data/{table}/validate"):
        assert "503" in paths[path]["post"]["responses"], path


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
