"""Optional engine modules found by name: how engines join the CLI, the demo and the messages.

An engine ``e`` plugs in by providing ``qiankua.commands.e`` (``register(app)``),
``qiankua.services.e`` (``demo_sections(ref, store)``) and ``qiankua.i18n.e``
(``MESSAGES``); an engine that is absent is skipped, an engine that fails to import
raises as usual.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

ENGINES = ("costing", "routing", "opportunity", "pooling", "warehouse", "web")


def engine_modules(package: str, engines: tuple[str, ...] = ENGINES) -> Iterator[tuple[str, ModuleType]]:
    """``(engine, module)`` for each ``qiankua.<package>.<engine>`` that exists."""
    for engine in engines:
        name = f"qiankua.{package}.{engine}"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise  # the engine exists but something it imports is missing: say so
            continue
        yield engine, module
