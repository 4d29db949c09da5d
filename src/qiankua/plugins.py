"""Optional engine modules found by name: how engines join the CLI, the demo and the messages.

An engine ``e`` of :data:`qiankua.vocabulary.ENGINES` plugs in by providing ``qiankua.commands.e``
(``register(app)``), ``qiankua.services.e`` (``demo_sections(ref, store)``) and ``qiankua.i18n.e``
(``MESSAGES``); an engine that is absent is skipped, an engine that fails to import raises as usual.
The web app joins the same way (``qiankua.commands.web``: ``serve`` and ``account``; ``qiankua.i18n.web``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

from qiankua.vocabulary import ENGINES as _REGISTRY

# the engines in the registry, then the web app (commands and messages, no engine of its own)
ENGINES: tuple[str, ...] = (*(e.name for e in _REGISTRY), "web")


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
