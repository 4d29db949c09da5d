"""`qiankua serve --json` describes the server; `qiankua account add/list` manage multi-user accounts."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from qiankua.cli import app


def _json(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, json.loads(result.stdout)


def test_serve_json_describes_the_server():
    code, doc = _json("serve", "--port", "8123", "--multi-user", "--json")
    assert code == 0 and doc["api"] == "http://127.0.0.1:8123/api/v1" and doc["multi_user"] is True


def test_account_add_and_list(tmp_path):
    code, doc = _json(
        "account",
        "add",
        "dora",
        "--org",
        "danzhai",
        "--password",
        "Wide-river-lantern-47",
        "--home",
        str(tmp_path),
        "--json",
    )
    assert code == 0 and doc == {"ok": True, "username": "dora", "org": "danzhai", "role": "member"}
    code, doc = _json("account", "list", "--home", str(tmp_path), "--json")
    assert [(u["username"], u["org"], u["role"], u["disabled"]) for u in doc["users"]] == [
        ("dora", "danzhai", "member", False)
    ]
    code, doc = _json(
        "account",
        "add",
        "Dora",
        "--org",
        "danzhai",
        "--password",
        "Wide-river-lantern-47",
        "--home",
        str(tmp_path),
        "--json",
    )
    assert code == 2 and doc["ok"] is False  # already exists
