"""Engine modules the web app and API serve when present (the engines of :data:`qiankua.vocabulary.ENGINES`
that have a web page: costing, routing, opportunity, pooling).

An engine's pages and routes are wired to ``qiankua.services.<engine>``; when that module is
absent at start-up the page says so (模块尚未就绪) and the API lists it as unavailable in
``/api/v1/modules`` — never a server error.
"""

from __future__ import annotations

from qiankua.services.registry import service
from qiankua.vocabulary import ENGINES as _REGISTRY

__all__ = ["ENGINES", "module_infos", "service"]

# engine -> (zh title, en title), read from the registry
ENGINES: dict[str, tuple[str, str]] = {e.name: (e.zh, e.en) for e in _REGISTRY if e.page is not None}


def module_infos() -> list[dict[str, object]]:
    return [
        {"name": name, "available": service(name) is not None, "title_zh": zh, "title_en": en}
        for name, (zh, en) in ENGINES.items()
    ]
