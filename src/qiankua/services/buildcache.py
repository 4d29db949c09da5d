"""One cache for values that are costly to build and keyed on a store version or a request value, shared by
the services a multi-user server runs concurrently (the routing network with a user's quotes, the ranking's
store reads). ``functools.lru_cache`` is bounded but lets threads that miss together each build the value;
this one builds it once per key. Hand-written: no maintained library offers a thread-safe, build-once LRU
without a dependency we do not otherwise need."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["BuildOnceCache"]

_V = TypeVar("_V")


class BuildOnceCache(Generic[_V]):
    """A bounded cache (least recently used dropped past ``maxsize``) of values that are costly to build and
    keyed on a store version (:func:`qiankua.store.database.table_version`) or a request value, for a server
    answering many requests at once: a value is built once per key even when threads ask for it together
    (the others wait for that build instead of repeating it), and a build that raises stores nothing.
    ``builds`` counts the builds (for tests and benchmarks)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.builds = 0
        self._items: OrderedDict[Hashable, _V] = OrderedDict()
        self._lock = threading.Lock()  # guards _items, _building and builds; never held during a build
        self._building: dict[Hashable, threading.Lock] = {}

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def get(self, key: Hashable, build: Callable[[], _V]) -> _V:
        """The value for ``key``, built by ``build()`` unless kept (or being built by another thread)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            gate = self._building.setdefault(key, threading.Lock())
        with gate:
            with self._lock:  # built by the thread this one waited for?
                if key in self._items:
                    self._items.move_to_end(key)
                    return self._items[key]
            try:
                value = build()
                with self._lock:
                    self.builds += 1
                    self._items[key] = value
                    while len(self._items) > self.maxsize:
                        self._items.popitem(last=False)
            finally:
                with self._lock:
                    self._building.pop(key, None)
        return value
