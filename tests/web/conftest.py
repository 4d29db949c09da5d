"""Real-browser fixtures: a qiankua server on a free loopback port (subprocess) and Debian's chromium.

Playwright drives the system chromium (``/usr/bin/chromium``, installed by ``.ci/run`` with
fonts-noto-cjk); ``playwright install`` is never needed. Generous timeouts: the suite must pass
on a loaded 2-core machine.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
import pytest

CHROMIUM = os.environ.get("QIANKUA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TIMEOUT_MS = 60_000
START_TIMEOUT_S = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    home: Path
    process: subprocess.Popen[bytes]
    log: IO[bytes] | None = None


def start_server(home: Path, *extra: str) -> Server:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(QIANKUA_HOME=str(home), QIANKUA_LANG="zh", NICEGUI_STORAGE_PATH=str(home / ".nicegui"))
    log = (home / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "qiankua.api", "--host", "127.0.0.1", "--port", str(port), "--home", str(home), *extra],
        cwd=home,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.close()
            raise RuntimeError(f"server exited: {(home / 'server.log').read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                return Server(url=url, home=home, process=process, log=log)
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_server(Server(url=url, home=home, process=process, log=log))
    raise RuntimeError(f"server did not start in {START_TIMEOUT_S} s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)
    if server.log is not None:
        server.log.close()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing: .ci/run must apt-get install chromium fonts-noto-cjk")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium fonts-noto-cjk)")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Local single-user mode."""
    s = start_server(tmp_path_factory.mktemp("web-local"))
    yield s
    stop_server(s)


@pytest.fixture(scope="session")
def multi_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Multi-user mode with alice (org danzhai) and carol (org leishan)."""
    from qiankua.services.accounts import AccountStore

    home = tmp_path_factory.mktemp("web-multi")
    store = AccountStore(home / "accounts.sqlite3")
    store.add_user("alice", "alice-password", "danzhai")
    store.add_user("carol", "carol-password", "leishan")
    s = start_server(home, "--multi-user")
    yield s
    stop_server(s)


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    yield pg
    context.close()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def have_chromium() -> bool:
    return shutil.which(CHROMIUM) is not None
