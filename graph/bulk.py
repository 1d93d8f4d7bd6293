"""Building a large structure of long-lived objects (a graph, its file's parsed JSON) at once.

Python's cyclic garbage collector runs after every few hundred new container objects; each
collection of the oldest generation traverses every object alive — a loaded corpus, a graph of a
few hundred thousand nodes — only to find nothing to free, since everything just made is kept. On
the full corpus that was about half the time of building or loading the graph. The collector is
paused while such a structure is built and resumed afterwards (reference counting frees as usual).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off inside the block, and on again after it if it was on before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
