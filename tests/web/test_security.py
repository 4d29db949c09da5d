"""Issue 21 in a real browser: the CSP keeps the UI working, stored script never runs, a logged-out tab
is closed and cannot upload, login/logout refuse foreign origins, admins manage their organisation."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest

from tests.web.conftest import Server, shot, start_server, stop_server

pytestmark = pytest.mark.slow

XSS = "<img src=x onerror=window.__xss=1>"
XSS2 = "<script>window.__xss=2</script>"
XSS3 = "\"'><svg onload=window.__xss=3>"
PRODUCTS = (
    "id,name_en,name_zh,category,hs6,origin_adcode,unit,unit_value_cny,unit_gross_kg\n"
    f'xss-tea,"{XSS}","{XSS2}",tea,090210,522701,tin,120,0.4\n'
    f'xss-tea-2,"{XSS3.replace(chr(34), chr(34) * 2)}",茶二,tea,090210,522701,tin,90,0.3\n'
)
QUOTES = (
    "quote_id,provider,mode,origin,destination,currency,per_kg,transit_days,notes\n"
    f'q-xss,"{XSS}",air,KWE,DE,CNY,30,7,"{XSS2}"\n'
)
COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="module")
def secure_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Multi-user: alice (admin of danzhai), bob (member of danzhai), carol (leishan)."""
    from qiankua.services.accounts import AccountStore

    home = tmp_path_factory.mktemp("web-security")
    store = AccountStore(home / "accounts.sqlite3")
    store.add_user("alice", "alice-password", "danzhai", role="admin")
    store.add_user("bob", "bob-password-1", "danzhai")
    store.add_user("carol", "carol-password", "leishan")
    s = start_server(home, "--multi-user")
    yield s
    stop_server(s)


def _context(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(60_000)
    context.add_init_script(COLLECT_VIOLATIONS)
    return context


def _login(page, server: Server, user: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/login")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_selector("header")


def test_stored_script_never_runs_and_csp_allows_the_ui(secure_server, browser):
    """Script-bearing product names and quote texts are shown on every page as text: nothing executes,
    no CSP violation is reported (the UI itself needs none), and the pages still draw."""
    context = _context(browser)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _login(page, secure_server, "alice", "alice-password")
    for table, body in (("products", PRODUCTS), ("freight_quotes", QUOTES)):
        r = page.request.post(
            f"{secure_server.url}/api/v1/data/{table}/import",
            multipart={"file": {"name": f"{table}.csv", "mimeType": "text/csv", "buffer": body.encode()}},
            headers={"Origin": secure_server.url},
        )
        assert r.status in (200, 422), r.text()
    assert page.request.get(f"{secure_server.url}/api/v1/data/products/rows").json()["total"] == 2
    for path in ("/", "/quote", "/routes", "/opportunities", "/pooling", "/data", "/admin"):
        page.goto(secure_server.url + path)
        page.wait_for_selector("[data-nav='/data']")
        page.wait_for_timeout(1500)
        for box in page.locator("canvas").all()[:2]:  # hover charts: tooltips render labels as HTML
            with contextlib.suppress(Exception):
                box.hover(timeout=2000)
        assert page.evaluate("window.__xss") is None, path
        assert page.evaluate("window.__violations") == [], path
    stored = page.request.get(f"{secure_server.url}/api/v1/data/products/rows").json()["rows"]
    assert {r["name_en"] for r in stored} >= {XSS}  # the script-bearing text really is in the store
    assert dialogs == []
    shot(page, "security-xss")
    context.close()


def test_logout_is_post_and_closes_the_open_tab(secure_server, browser):
    """Ghost tab: after logout (a POST) the open page is sent to the login form and its upload URL is refused."""
    context = _context(browser)
    page = context.new_page()
    _login(page, secure_server, "bob", "bob-password-1")
    page.goto(secure_server.url + "/data")
    page.wait_for_selector("#data-upload input[type=file]", state="attached")
    client_id = page.evaluate("window.clientId")
    upload = f"{secure_server.url}/_nicegui/client/{client_id}/upload/1"
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    files = {"file": ("p.csv", b"id\n1\n")}
    # a foreign page cannot upload into the tab, nor can a request without the session cookie
    assert (
        httpx.post(upload, files=files, cookies=cookies, headers={"Origin": "https://evil.example"}).status_code == 403
    )
    assert httpx.post(upload, files=files).status_code == 403
    # GET changes nothing: it only shows the confirmation form
    other = context.new_page()
    other.goto(secure_server.url + "/auth/web-logout")
    assert page.request.get(f"{secure_server.url}/api/v1/auth/me").status == 200
    # a foreign origin cannot log the user out
    forged = httpx.post(
        secure_server.url + "/auth/web-logout", cookies=cookies, headers={"Origin": "https://evil.example"}
    )
    assert forged.status_code == 403
    other.click("#logout-submit")
    other.wait_for_selector("#login-submit")
    page.wait_for_url("**/login**", timeout=30_000)  # the ghost tab was closed
    assert httpx.post(upload, files=files, cookies=cookies).status_code == 403
    assert httpx.get(f"{secure_server.url}/api/v1/auth/me", cookies=cookies).status_code == 401
    context.close()


def test_web_login_refuses_foreign_origin_and_is_throttled(secure_server):
    form = {"username": "carol", "password": "carol-password", "next": "/"}
    forged = httpx.post(secure_server.url + "/auth/web-login", data=form, headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403 and "qk_session" not in forged.headers.get("set-cookie", "")
    codes = [
        httpx.post(secure_server.url + "/auth/web-login", data=form | {"password": f"nope-{i}"}).status_code
        for i in range(6)
    ]
    assert codes[:3] == [303, 303, 303] and 429 in codes
    page = httpx.get(secure_server.url + "/login")
    assert (
        page.headers["x-frame-options"] == "DENY"
        and "frame-ancestors 'none'" in page.headers["content-security-policy"]
    )


def test_admin_page_ends_a_members_sessions(secure_server, browser):
    """alice (admin) ends bob's sessions on the admin page: bob's open tab goes to the login form; bob
    (a member) sees no admin link and the page refuses him."""
    bob_ctx = _context(browser)
    bob = bob_ctx.new_page()
    _login(bob, secure_server, "bob", "bob-password-1")
    bob.goto(secure_server.url + "/data")
    bob.wait_for_selector("[data-nav='/data']")
    assert bob.locator("[data-nav='/admin']").count() == 0
    bob.goto(secure_server.url + "/admin")
    bob.wait_for_selector("#admin-forbidden")
    bob.goto(secure_server.url + "/data")
    bob.wait_for_selector("[data-nav='/data']")

    alice_ctx = _context(browser)
    alice = alice_ctx.new_page()
    _login(alice, secure_server, "alice", "alice-password")
    alice.goto(secure_server.url + "/admin")
    row = alice.locator("[data-user='bob']")
    row.wait_for()
    assert alice.locator("[data-user='carol']").count() == 0  # another organisation's account is not listed
    row.locator("[data-action=revoke]").click()
    alice.wait_for_selector("#admin-done")
    bob.wait_for_url("**/login**", timeout=30_000)
    shot(alice, "security-admin")
    alice_ctx.close()
    bob_ctx.close()
