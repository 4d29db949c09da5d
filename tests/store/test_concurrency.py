"""One store, many clients (issue 21 item 9): ``qiankua serve`` and the CLI on the same DuckDB file.

Real processes: the server runs in a subprocess on a free port; CLI commands run in this process (typer's
runner: a second process as far as DuckDB is concerned) and, once, as a subprocess of their own. Before
the fix every CLI command failed with a DuckDB lock error while the server had the file, and an API
import failed while a CLI import ran.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from qiankua.cli import app
from qiankua.store import Store
from qiankua.store.locking import StoreBusyError

pytestmark = pytest.mark.slow

HEADER = "id,name_en,name_zh,category,hs6,origin_adcode,unit,unit_value_cny,unit_gross_kg\n"
runner = CliRunner()
CLI = [sys.executable, "-c", "from qiankua.cli import main; main()"]  # `qiankua` in a process of its own


def _products(prefix: str, n: int) -> bytes:
    rows = "".join(f"{prefix}-{i},Tea {i},茶{i},tea,090210,522701,tin,120,0.4\n" for i in range(n))
    return (HEADER + rows).encode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(QIANKUA_HOME=str(home), NICEGUI_STORAGE_PATH=str(home / ".nicegui"), **extra)
    return env


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``qiankua --db <db> serve`` (web app and API) on a free port: (base URL, database file)."""
    home = tmp_path_factory.mktemp("one-store")
    db = home / "shared.duckdb"
    port = _free_port()
    log = (home / "server.log").open("wb")
    process = subprocess.Popen(
        [*CLI, "--db", str(db), "serve", "--port", str(port)],
        cwd=home,
        env=_env(home),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    try:
        while True:
            assert process.poll() is None, (home / "server.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "server did not start"
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        yield base, db
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def _cli(db: Path, *args: str) -> tuple[int, dict[str, object]]:
    result = runner.invoke(app, ["--db", str(db), *args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def _api_import(base: str, name: str, content: bytes) -> httpx.Response:
    return httpx.post(f"{base}/api/v1/data/products/import", files={"file": (name, content, "text/csv")}, timeout=120)


def _count(base: str) -> int:
    r = httpx.get(f"{base}/api/v1/data/tables", timeout=60)
    assert r.status_code == 200, r.text
    return next(int(t["rows"]) for t in r.json()["tables"] if t["table"] == "products")


def test_cli_reads_imports_and_quotes_while_the_server_runs(served: tuple[str, Path], tmp_path: Path) -> None:
    base, db = served
    assert _api_import(base, "api-a.csv", _products("api-a", 2)).status_code == 200
    code, listed = _cli(db, "data", "list")
    assert code == 0, listed
    assert {"schema": "user", "table": "products", "rows": 2} in listed["tables"]  # type: ignore[operator]
    mine = tmp_path / "cli-b.csv"
    mine.write_bytes(_products("cli-b", 3))
    code, imported = _cli(db, "data", "import", str(mine), "--table", "products")
    assert code == 0, imported
    code, quoted = _cli(db, "quote", "--product", "api-a-1", "--market", "US")
    assert code == 0, quoted
    assert quoted["product"]["source"] == "user"  # type: ignore[index]
    # and the server sees what the CLI wrote, at once
    assert _count(base) == 5
    r = httpx.post(f"{base}/api/v1/quote", json={"market": "DE", "product_id": "cli-b-2"}, timeout=60)
    assert r.status_code == 200, r.text


def test_cli_and_api_imports_never_interleave_and_no_half_import_is_seen(
    served: tuple[str, Path], tmp_path: Path
) -> None:
    base, db = served
    before = _count(base)
    big, small = 5_000, 7
    big_file = tmp_path / "big.csv"
    big_file.write_bytes(_products("big", big))
    seen: list[int] = []
    stop = threading.Event()

    def watch() -> None:  # a reader polling all along: it must only ever see whole imports
        with httpx.Client(base_url=base, timeout=60) as client:
            while not stop.is_set():
                r = client.get("/api/v1/data/tables")
                assert r.status_code == 200, r.text
                seen.append(next(int(t["rows"]) for t in r.json()["tables"] if t["table"] == "products"))

    watcher = threading.Thread(target=watch)
    watcher.start()
    cli = subprocess.Popen(
        [*CLI, "--db", str(db), "data", "import", str(big_file), "--table", "products", "--json"],
        env=_env(db.parent),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    answers: list[httpx.Response] = []
    try:
        while cli.poll() is None and len(answers) < 40:  # API imports all the while the CLI import runs
            n = len(answers)
            answers.append(_api_import(base, f"api-{n}.csv", _products(f"api-{n}", small)))
        out, err = cli.communicate(timeout=300)
    finally:
        stop.set()
        watcher.join(timeout=120)
    assert cli.returncode == 0, err.decode()[-2000:]
    assert json.loads(out)["rows_written"] == big
    assert answers and {a.status_code for a in answers} == {200}, [a.text for a in answers if a.status_code != 200]
    k = len(answers)
    assert _count(base) == before + big + k * small
    # every count a reader saw is a whole number of whole imports, never part of one
    whole = {before + b * big + j * small for b in (0, 1) for j in range(k + 1)}
    assert seen and set(seen) <= whole, sorted(set(seen) - whole)[:5]
    with Store(db, read_only=True) as store:
        log = store.frame("imports", "meta").sort("import_id")
    last = log.tail(k + 1)
    assert sorted(last["rows_written"].to_list()) == [small] * k + [big]
    assert last["import_id"].n_unique() == k + 1  # one log row per import: no two writes shared an id


def test_a_store_held_too_long_is_a_clear_busy_error_in_both_languages(tmp_path: Path) -> None:
    db = tmp_path / "held.duckdb"
    Store(db).close()
    mine = tmp_path / "p.csv"
    mine.write_bytes(_products("held", 1))
    holder = subprocess.Popen(  # another process holds the file for writing (a long import, say)
        [
            sys.executable,
            "-c",
            f"from qiankua.store import Store; s = Store({str(db)!r}); print('held', flush=True); "
            "import time; time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        os.environ["QIANKUA_LOCK_TIMEOUT"] = "0.5"
        try:
            started = time.monotonic()
            zh = runner.invoke(
                app, ["--lang", "zh", "--db", str(db), "data", "import", str(mine), "--table", "products"]
            )
            en = runner.invoke(app, ["--lang", "en", "--db", str(db), "data", "list", "--json"])
            waited = time.monotonic() - started
            with pytest.raises(StoreBusyError):
                Store(db, read_only=True)
        finally:
            del os.environ["QIANKUA_LOCK_TIMEOUT"]
        assert zh.exit_code == 2 and en.exit_code == 2
        assert "正忙" in zh.output and "QIANKUA_LOCK_TIMEOUT" in zh.output
        doc = json.loads(en.stdout)
        assert doc["error"] == "StoreBusyError" and "is busy" in doc["message"]
        assert str(tmp_path) not in doc["message"]  # the file's name, not where it lives
        assert waited < 20  # the stated time, not forever
    finally:
        holder.kill()
        holder.wait(timeout=10)
        assert holder.stdout is not None
        holder.stdout.close()
    with Store(db, lock_timeout=10) as store:  # the holder gone, its lock went with it
        assert store.row_count("products") == 0
