"""Password hashing parameters, rehash on login, and the bundled common-password list (issue 21)."""

from __future__ import annotations

import sqlite3
from importlib.resources import files

from argon2 import PasswordHasher

from qiankua.services.accounts import AccountStore
from qiankua.services.passwords import (
    HASH_MEMORY_KIB,
    HASH_PARALLELISM,
    HASH_TIME_COST,
    common_passwords,
    is_common,
    password_hasher,
)


def _stored_hash(path, username: str) -> str:  # type: ignore[no-untyped-def]
    with sqlite3.connect(path) as con:
        return str(con.execute("SELECT password_hash FROM users WHERE username = ?", (username,)).fetchone()[0])


def test_hashes_use_owasp_minimum_argon2id_parameters(tmp_path):
    """OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, parallelism 1."""
    assert (HASH_MEMORY_KIB, HASH_TIME_COST, HASH_PARALLELISM) == (19456, 2, 1)
    store = AccountStore(tmp_path / "accounts.sqlite3")
    store.add_user("dana", "dana-long-password", "org")
    assert _stored_hash(store.path, "dana").startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_hash_with_old_parameters_verifies_and_is_rehashed_on_login(tmp_path):
    store = AccountStore(tmp_path / "accounts.sqlite3")
    store.add_user("erin", "erin-long-password", "org")
    old = PasswordHasher().hash("erin-long-password")  # argon2-cffi's default: m=65536, t=3, p=4
    assert "m=65536,t=3,p=4" in old
    with sqlite3.connect(store.path) as con:
        con.execute("UPDATE users SET password_hash = ? WHERE username = 'erin'", (old,))
    assert store.verify_password("erin", "erin-long-password").username == "erin"
    new = _stored_hash(store.path, "erin")
    assert new != old and new.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert password_hasher().verify(new, "erin-long-password")
    assert store.verify_password("erin", "erin-long-password").username == "erin"  # and keeps verifying
    assert _stored_hash(store.path, "erin") == new  # not rehashed again


def test_common_password_list_is_package_data_with_its_provenance():
    resource = files("qiankua.services") / "passwords_common.txt"
    header = [line for line in resource.read_text(encoding="utf-8").splitlines() if line.startswith("# ")]
    assert any("SecLists" in line and "MIT" in line for line in header)
    assert "password" in common_passwords() and "123456" in common_passwords()
    assert is_common("Password2026!") and not is_common("quiet-river-stone-lantern")
    assert not (files("qiankua.services") / "data").is_dir()  # not beside services/data.py any more
