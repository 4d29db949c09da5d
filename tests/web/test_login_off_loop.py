"""The web login form writes the session (sqlite) off the event loop and otherwise answers as before
(issue 21). The NiceGUI pages mount once per process, so the app runs in a process of its own here,
driven in-process there (httpx's ASGI transport), with the real accounts store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = r"""
import asyncio, json, sys
from pathlib import Path

import httpx

from qiankua.api import Settings, create_app

home = Path(sys.argv[1])
app = create_app(Settings(home=home, multi_user=True, warm_up=False, storage_secret="test-secret"))
store = app.state.accounts.store
store.add_user("alice", "alice-password", "danzhai")
real = store.create_session
threads = []


def recorded(identity):
    try:
        asyncio.get_running_loop()
        threads.append("loop")
    except RuntimeError:
        threads.append("worker")
    return real(identity)


store.create_session = recorded


async def main():
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    origin = {"Origin": "http://testserver"}
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        wrong = await c.post("/auth/web-login", data={"username": "alice", "password": "nope-nope-nope"}, headers=origin)
        right = await c.post(
            "/auth/web-login", data={"username": "alice", "password": "alice-password", "next": "/data"}, headers=origin
        )
        session = right.cookies.get("qk_session")
        print(json.dumps({
            "wrong": [wrong.status_code, wrong.headers.get("location")],
            "right": [right.status_code, right.headers.get("location")],
            "cookie": right.headers.get("set-cookie", ""),
            "live": session is not None and store.session_identity(session) is not None,
            "threads": threads,
        }))


asyncio.run(main())
"""


def test_web_login_writes_the_session_off_the_event_loop(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(QIANKUA_HOME=str(tmp_path), NICEGUI_STORAGE_PATH=str(tmp_path / ".nicegui"))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["wrong"] == [303, "/login?failed=1&next=/"]  # as before: back to the form, no session
    assert result["right"] == [303, "/data"]
    assert "qk_session=" in result["cookie"] and "HttpOnly" in result["cookie"] and "SameSite=lax" in result["cookie"]
    assert result["live"]
    assert result["threads"] == ["worker"]  # one session written, on a worker thread
