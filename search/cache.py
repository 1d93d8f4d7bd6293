"""A bounded, thread-safe least-recently-used cache, for ranked queries and query vectors.

Keys carry whatever makes an entry valid (the search index's build id for rankings, the model for
vectors), so an entry of an older build is never served: it is simply never asked for again and
falls out as newer entries arrive.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
RANKINGS_KEPT = 512  # ranked queries a cache of rankings keeps (each holds at most 1,000 units' scores)


class LRUCache(Generic[K, V]):
    """At most ``size`` entries; the least recently used goes first. ``size`` 0 keeps nothing."""

    def __init__(self, size: int):
        if size < 0:
            raise ValueError(f"cache size must be 0 or more, not {size}")
        self.size = size
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
            self.misses += 1
            return None

    def put(self, key: K, value: V) -> None:
        if not self.size:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The cached value, or ``make()`` stored and returned (made outside the lock: two threads
        asking for the same new key may both make it, and the value is the same)."""
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
