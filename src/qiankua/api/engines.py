"""Engine modules the web app and API serve when present (costing, routing, opportunity, pooling).

An engine's pages and routes are wired to ``qiankua.services.<engine>``; when that module is
absent at start-up the page says so (模块尚未就绪) and the API lists it as unavailable in
``/api/v1/modules`` — never a server error.
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

ENGINES: dict[str, tuple[str, str]] = {
    "costing": ("报价", "Quote"),
    "routing": ("线路", "Routes"),
    "opportunity": ("机会", "Opportunities"),
    "pooling": ("拼货", "Pooling"),
}


@cache
def service(engine: str) -> ModuleType | None:
    """``qiankua.services.<engine>`` or ``None`` when that engine has not landed."""
    name = f"qiankua.services.{engine}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


def module_infos() -> list[dict[str, object]]:
    return [
        {"name": name, "available": service(name) is not None, "title_zh": zh, "title_en": en}
        for name, (zh, en) in ENGINES.items()
    ]
