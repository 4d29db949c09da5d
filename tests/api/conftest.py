"""In-process API fixtures: the FastAPI app without the NiceGUI pages, driven through httpx.ASGITransport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from qiankua.api import Settings, create_app

BAD_PRODUCTS_CSV = (
    "id,name_en,name_zh,category,hs6,origin_adcode,unit,unit_value_cny,unit_gross_kg\n"
    "x1,Tea X,茶X,tea,0902,522701,tin,abc,0.4\n"
    "x2,Tea Y,茶Y,tea,090210,522701,tin,120,0.4\n"
).encode()

GOOD_PRODUCTS_CSV = (
    "产品编号,英文名称,中文名称,品类,HS编码(6位),产地县级代码,销售单位,单位货值(元),单位毛重(kg)\n"
    "my-tea-1,My tea,我的茶,tea,090210,522701,tin,120,0.4\n"
    "my-tea-2,My tea 2,我的茶2,tea,090210,522701,tin,80,0.3\n"
).encode()


def client_for(app) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
def local_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Single-user mode with a fresh DuckDB file."""
    return create_app(Settings(ui=False, home=tmp_path, db=tmp_path / "local.duckdb"))


@pytest.fixture
async def client(local_app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    async with client_for(local_app) as c:
        yield c


@pytest.fixture
def multi_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Multi-user mode: alice and bob in org ``danzhai``, carol in org ``leishan``."""
    app = create_app(Settings(ui=False, home=tmp_path, multi_user=True))
    store = app.state.accounts.store
    store.add_user("alice", "alice-password", "danzhai")
    store.add_user("bob", "bob-password-1", "danzhai")
    store.add_user("carol", "carol-password", "leishan")
    return app


@pytest.fixture
def login(multi_app) -> Callable[[str, str], httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """An (unopened) client; call ``await c.post('/api/v1/auth/login', ...)`` to log in."""

    def make(_user: str = "", _password: str = "") -> httpx.AsyncClient:
        return client_for(multi_app)

    return make


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
