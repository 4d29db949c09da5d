"""Multi-user mode: passwords, sessions, API tokens, and separation of imported data by organisation."""

from __future__ import annotations

import pytest

from qiankua.exceptions import InvalidInputError
from qiankua.services.accounts import AccountStore, AuthError, org_db_path
from tests.api.conftest import BAD_PRODUCTS_CSV, GOOD_PRODUCTS_CSV, client_for

pytestmark = pytest.mark.anyio

DATA_ROUTES = [
    ("GET", "/api/v1/data/tables"),
    ("GET", "/api/v1/data/products/rows"),
    ("GET", "/api/v1/data/products/export"),
    ("POST", "/api/v1/data/products/import"),
    ("POST", "/api/v1/data/products/validate"),
]


async def _login(client, user: str, password: str) -> None:
    r = await client.post("/api/v1/auth/login", json={"username": user, "password": password})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(("method", "url"), DATA_ROUTES)
async def test_data_routes_need_credentials(multi_app, method, url):
    """Without a session or token every data route is 401, and nothing is written."""
    async with client_for(multi_app) as c:
        files = {"file": ("p.csv", GOOD_PRODUCTS_CSV)} if method == "POST" else None
        r = await c.request(method, url, files=files)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_wrong_password_is_401(multi_app):
    async with client_for(multi_app) as c:
        r = await c.post("/api/v1/auth/login", json={"username": "alice", "password": "nope-nope"})
        unknown = await c.post("/api/v1/auth/login", json={"username": "mallory", "password": "nope-nope"})
    assert r.status_code == 401 and unknown.status_code == 401


async def test_one_org_cannot_read_or_change_anothers_data(multi_app, tmp_path):
    """alice (danzhai) imports; carol (leishan) sees none of it and her writes land in her own file;
    bob, alice's colleague, sees alice's rows."""
    async with client_for(multi_app) as alice, client_for(multi_app) as carol, client_for(multi_app) as bob:
        await _login(alice, "alice", "alice-password")
        await _login(carol, "carol", "carol-password")
        await _login(bob, "bob", "bob-password-1")
        r = await alice.post("/api/v1/data/products/import", files={"file": ("mine.csv", GOOD_PRODUCTS_CSV)})
        assert r.status_code == 200

        seen_by_carol = (await carol.get("/api/v1/data/products/rows")).json()
        assert seen_by_carol["org"] == "leishan" and seen_by_carol["total"] == 0
        export = await carol.get("/api/v1/data/products/export", params={"format": "csv"})
        assert "my-tea-1" not in export.content.decode("utf-8-sig")

        # carol's replace-import empties only leishan's table
        replaced = await carol.post(
            "/api/v1/data/products/import", params={"mode": "replace"}, files={"file": ("other.csv", GOOD_PRODUCTS_CSV)}
        )
        assert replaced.status_code == 200
        bad = await carol.post(
            "/api/v1/data/products/import", params={"mode": "replace"}, files={"file": ("bad.csv", BAD_PRODUCTS_CSV)}
        )
        assert bad.status_code == 422

        seen_by_bob = (await bob.get("/api/v1/data/products/rows")).json()
        assert seen_by_bob["org"] == "danzhai" and seen_by_bob["total"] == 2
    assert org_db_path(tmp_path, "danzhai").is_file() and org_db_path(tmp_path, "leishan").is_file()


async def test_api_token_authenticates_and_can_be_revoked(multi_app):
    async with client_for(multi_app) as alice:
        await _login(alice, "alice", "alice-password")
        created = await alice.post("/api/v1/auth/tokens", json={"name": "script"})
        assert created.status_code == 201
        token, token_id = created.json()["token"], created.json()["token_id"]
    headers = {"Authorization": f"Bearer {token}"}
    async with client_for(multi_app) as script:
        me = await script.get("/api/v1/auth/me", headers=headers)
        assert me.json() == {"username": "alice", "org": "danzhai", "multi_user": True}
        listed = await script.get("/api/v1/auth/tokens", headers=headers)
        assert [t["token_id"] for t in listed.json()["tokens"]] == [token_id]
    async with client_for(multi_app) as carol:
        await _login(carol, "carol", "carol-password")
        # carol cannot revoke alice's token
        assert (await carol.delete(f"/api/v1/auth/tokens/{token_id}")).status_code == 404
    async with client_for(multi_app) as script:
        assert (await script.delete(f"/api/v1/auth/tokens/{token_id}", headers=headers)).status_code == 200
        assert (await script.get("/api/v1/auth/me", headers=headers)).status_code == 401


async def test_logout_ends_the_session(multi_app):
    async with client_for(multi_app) as c:
        await _login(c, "alice", "alice-password")
        assert (await c.get("/api/v1/auth/me")).status_code == 200
        await c.post("/api/v1/auth/logout")
        assert (await c.get("/api/v1/auth/me")).status_code == 401


async def test_accounts_are_off_in_local_mode(client):
    r = await client.post("/api/v1/auth/login", json={"username": "a", "password": "b"})
    assert r.status_code == 409


def test_passwords_are_stored_as_argon2_hashes(tmp_path):
    store = AccountStore(tmp_path / "a.sqlite3")
    store.add_user("dora", "correct horse", "org1")
    raw = (tmp_path / "a.sqlite3").read_bytes()
    assert b"correct horse" not in raw and b"$argon2id$" in raw
    assert store.verify_password("dora", "correct horse").org == "org1"
    with pytest.raises(AuthError):
        store.verify_password("dora", "wrong horse")


@pytest.mark.parametrize(
    ("user", "password", "org"),
    [
        ("dora", "short", "org1"),  # password under 8 characters
        ("bad name", "long enough", "org1"),  # space in the user name
        ("dora", "long enough", "../etc"),  # organisation id that is a path
    ],
)
def test_invalid_accounts_are_refused(tmp_path, user, password, org):
    with pytest.raises(InvalidInputError):
        AccountStore(tmp_path / "a.sqlite3").add_user(user, password, org)
