"""Which engines' use cases are installed: the API's routes and the web's pages ask here before wiring one.

An engine of :data:`qiankua.vocabulary.ENGINES` is served when ``qiankua.services.<engine>`` imports;
when it is absent the page says so and ``/api/v1/modules`` lists it unavailable — never a server error.
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

__all__ = ["service"]


@cache
def service(engine: str) -> ModuleType | None:
    """``qiankua.services.<engine>`` or ``None`` when that engine has not landed (an engine that fails to
    import for another reason raises as usual)."""
    name = f"qiankua.services.{engine}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise
