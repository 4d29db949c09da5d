"""Issue 21 regressions (API, in process): brute force, CSRF, headers, error hygiene, accounts policy."""

from __future__ import annotations

import asyncio
import os
import stat
import time

import pytest

from qiankua.api.errors import scrub
from qiankua.exceptions import InvalidInputError
from qiankua.services.accounts import AccountStore, AuthError
from qiankua.services.passwords import check_password
from qiankua.services.throttle import LoginThrottle, LoginThrottled, Policy
from tests.api.conftest import GOOD_PRODUCTS_CSV, client_for

pytestmark = pytest.mark.anyio

LOGIN = "/api/v1/auth/login"
FOREIGN = {"Origin": "https://evil.example"}


async def _login(client, user: str = "alice", password: str = "alice-password"):  # type: ignore[no-untyped-def]
    return await client.post(LOGIN, json={"username": user, "password": password})


# ---- brute force -------------------------------------------------------------------------


async def test_brute_force_is_throttled_with_retry_after(multi_app):
    """30 wrong passwords: after 3 the answer is 429 + Retry-After (no password checked), and even the
    right password is refused while the account waits (30 is enough to reach the lock at 10 failures; the
    refusal flood guard pauses answers above 50 a second, so 100 sequential tries would take minutes)."""
    async with client_for(multi_app) as c:
        codes = [(await _login(c, password=f"wrong-{i:03d}-guess")).status_code for i in range(30)]
        right = await _login(c)
    assert codes[:3] == [401, 401, 401]
    assert set(codes) == {401, 429} and codes.count(401) <= 10  # a guess only when the backoff ran out; locked at 10
    assert right.status_code == 429 and int(right.headers["Retry-After"]) >= 1
    assert right.headers["content-type"].startswith("application/problem+json")


async def test_parallel_wrong_logins_are_bounded_and_health_stays_up(multi_app):
    """32 parallel wrong logins (distinct accounts): at most 2 argon2 checks run at once, every answer is
    401/429/503, and /health answers meanwhile."""
    gate = multi_app.state.accounts.gate
    async with client_for(multi_app) as c:
        flood = [asyncio.create_task(_login(c, user=f"user{i}", password="wrong-password-x")) for i in range(32)]
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        health = await c.get("/api/v1/health")
        health_s = time.perf_counter() - started
        answers = await asyncio.gather(*flood)
    assert health.status_code == 200 and health_s < 2.0
    assert {r.status_code for r in answers} <= {401, 429, 503}
    assert 1 <= gate.peak <= gate.concurrency


def test_backoff_doubles_then_locks():
    """Free failures, then 1 s, 2 s, 4 s … and a 900 s lock after 10 failures (fake clock)."""
    now = [1000.0]
    throttle = LoginThrottle(account=Policy(), address=Policy(free=1000, lock_after=10_000), clock=lambda: now[0])
    for _ in range(3):
        throttle.begin("alice", "10.0.0.1")
    waits = []
    for _ in range(6):
        with pytest.raises(LoginThrottled) as exc:
            throttle.begin("alice", "10.0.0.1")
        waits.append(exc.value.retry_after)
        now[0] += exc.value.retry_after
        throttle.begin("alice", "10.0.0.1")
    assert waits == [1, 2, 4, 8, 16, 32]
    now[0] += 64
    throttle.begin("alice", "10.0.0.1")  # the 10th failure locks the account
    with pytest.raises(LoginThrottled) as locked:
        now[0] += 300
        throttle.begin("alice", "10.0.0.1")
    assert locked.value.locked and locked.value.retry_after > 500
    throttle.succeeded("bob", "10.0.0.2")  # another account's success does not unlock alice
    with pytest.raises(LoginThrottled):
        throttle.begin("alice", "10.0.0.3")


def test_one_address_guessing_many_accounts_is_throttled():
    """Per-address counting: 20 accounts from one address, then 429 for the 21st account."""
    throttle = LoginThrottle(clock=lambda: 5.0)
    for i in range(20):
        throttle.begin(f"user{i}", "10.9.9.9")
    with pytest.raises(LoginThrottled):
        throttle.begin("user-new", "10.9.9.9")
    throttle.begin("user-new", "10.9.9.10")  # another address is not affected


# ---- CSRF --------------------------------------------------------------------------------


async def test_cookie_import_from_foreign_origin_is_refused(multi_app):
    """The replace-import of issue 21 with a foreign Origin: 403 and nothing written; same origin works."""
    async with client_for(multi_app) as c:
        assert (await _login(c)).status_code == 200
        files = {"file": ("mine.csv", GOOD_PRODUCTS_CSV)}
        url = "/api/v1/data/products/import?mode=replace"
        forged = await c.post(url, files=files, headers=FOREIGN)
        assert forged.status_code == 403
        assert (await c.get("/api/v1/data/products/rows")).json()["total"] == 0
        for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Referer": "https://evil.example/x"}, {"Origin": "null"}):
            assert (await c.post(url, files=files, headers=headers)).status_code == 403
        same = await c.post(url, files=files, headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"})
        assert same.status_code == 200
        # logout is a state change too
        assert (await c.post("/api/v1/auth/logout", headers=FOREIGN)).status_code == 403
        assert (await c.get("/api/v1/auth/me")).status_code == 200


async def test_csrf_token_or_bearer_pass_a_foreign_origin(multi_app):
    async with client_for(multi_app) as c:
        await _login(c)
        token = (await c.post("/api/v1/auth/tokens", json={"name": "t"})).json()["token"]
        c.cookies.set("qk_csrf", "k" * 32)
        with_token = await c.post(
            "/api/v1/auth/tokens", json={"name": "t2"}, headers=FOREIGN | {"X-CSRF-Token": "k" * 32}
        )
        assert with_token.status_code == 201
        wrong = await c.post("/api/v1/auth/tokens", json={"name": "t3"}, headers=FOREIGN | {"X-CSRF-Token": "x" * 32})
        assert wrong.status_code == 403
    async with client_for(multi_app) as script:
        bearer = await script.post(
            "/api/v1/auth/tokens", json={"name": "s"}, headers=FOREIGN | {"Authorization": f"Bearer {token}"}
        )
        assert bearer.status_code == 201


async def test_login_csrf_is_refused(multi_app):
    async with client_for(multi_app) as c:
        r = await c.post(LOGIN, json={"username": "alice", "password": "alice-password"}, headers=FOREIGN)
    assert r.status_code == 403 and "qk_session" not in r.headers.get("set-cookie", "")


async def test_local_mode_refuses_cross_site_writes(client):
    """Local single-user mode has no cookie at all: a foreign page must still not write the store."""
    r = await client.post("/api/v1/data/products/import", files={"file": ("p.csv", GOOD_PRODUCTS_CSV)}, headers=FOREIGN)
    assert r.status_code == 403


# ---- headers and errors ---------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/health", "/api/v1/nowhere", "/api/v1/data/templates/products?format=csv"])
async def test_security_headers_on_every_response(client, url):
    r = await client.get(url)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "same-origin"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


async def test_secure_cookie_flag(tmp_path):
    from qiankua.api import Settings, create_app

    app = create_app(Settings(ui=False, home=tmp_path, multi_user=True, secure_cookies=True))
    app.state.accounts.store.add_user("alice", "alice-password", "danzhai")
    async with client_for(app) as c:
        r = await _login(c)
    assert "secure" in r.headers["set-cookie"].lower() and "httponly" in r.headers["set-cookie"].lower()


@pytest.mark.parametrize("name", ["..", ".", "a/../..", "../../etc/passwd"])
async def test_hostile_upload_names_are_4xx(client, name):
    r = await client.post("/api/v1/data/products/import", files={"file": (name, b"id\n1\n")})
    assert 400 <= r.status_code < 500


def test_locked_store_message_has_no_path_or_pid():
    duck = (
        'IO Error: Could not set lock on file "/srv/q/orgs/a/qiankua.duckdb": Conflicting lock is held in '
        "/usr/bin/python3.11 (PID 4242) by user root. See also https://duckdb.org/docs/connect/concurrency"
    )
    out = scrub(duck) or ""
    assert "/srv" not in out and "4242" not in out and "/usr/bin" not in out


async def test_store_lock_409_is_scrubbed(tmp_path):
    from qiankua.api import Settings, create_app
    from qiankua.exceptions import StoreError

    app = create_app(Settings(ui=False, home=tmp_path, db=tmp_path / "x.duckdb"))

    @app.get("/boom")
    def boom() -> None:
        raise StoreError('Could not set lock on file "/srv/q/qiankua.duckdb": held by PID 4242')

    async with client_for(app) as c:
        r = await c.get("/boom")
    assert r.status_code == 409 and "/srv" not in r.text and "4242" not in r.text


# ---- accounts policy -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "12345678",  # short and common
        "password",  # the most common
        "        ",  # blank
        " " * 14,  # long but blank
        "password1234",  # common word + digits, 12 characters
        "qwertyuiop!!",  # common + punctuation
        "aaaaaaaaaaaa",  # 12 characters, one distinct
        "short pass",  # two words only, 10 characters
    ],
)
def test_weak_passwords_are_refused(tmp_path, password):
    with pytest.raises(InvalidInputError, match="`password`"):
        AccountStore(tmp_path / "a.sqlite3").add_user("dora", password, "org1")


@pytest.mark.parametrize(
    "password", ["tea from leishan", "correct horse battery staple", "黔东南苗族银饰", "Kx9#mLq2vZ7!"]
)
def test_strong_passwords_and_passphrases_pass(password):
    check_password(password, username="dora")


def test_usernames_are_unique_after_nfkc_and_casefold(tmp_path):
    store = AccountStore(tmp_path / "a.sqlite3")
    store.add_user("alice", "alice-password", "org1")
    for twin in ("Alice", "ALICE", "ａｌｉｃｅ"):
        with pytest.raises(InvalidInputError, match="already exists"):
            store.add_user(twin, "another-password-9", "org2")
    with pytest.raises(InvalidInputError, match="username"):
        store.add_user("alice.", "another-password-9", "org2")
    assert store.verify_password("ALICE", "alice-password").username == "alice"


def test_accounts_file_is_private(tmp_path):
    path = tmp_path / "accounts.sqlite3"
    AccountStore(path).add_user("dora", "correct horse", "org1")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_disable_reset_revoke_remove(tmp_path):
    store = AccountStore(tmp_path / "a.sqlite3")
    dora = store.add_user("dora", "correct horse", "org1")
    session = store.create_session(dora)
    _, token = store.create_token(dora, "t")
    ended: list[tuple[str | None, str | None]] = []
    store.listeners.append(lambda user, session_hash: ended.append((user, session_hash)))
    store.set_disabled("Dora", True)
    assert store.session_identity(session) is None and store.token_identity(token) is None
    with pytest.raises(AuthError, match="disabled"):
        store.verify_password("dora", "correct horse")
    store.set_disabled("dora", False)
    assert store.token_identity(token) is not None
    session = store.create_session(dora)
    store.reset_password("dora", "a brand new passphrase")
    assert store.session_identity(session) is None
    assert store.verify_password("dora", "a brand new passphrase").username == "dora"
    store.remove_user("dora")
    assert store.token_identity(token) is None and store.users() == []
    assert ("dora", None) in ended
