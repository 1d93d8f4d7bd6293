"""Building a large structure of long-lived objects (a graph, its file's parsed JSON) at once.

Python's cyclic garbage collector runs after every few hundred new container objects; each
collection of the oldest generation traverses every object alive — a loaded corpus, a graph of a
few hundred thousand nodes — only to find nothing to free, since everything just made is kept. On
the full corpus that was about half the time of building or loading the graph. The collector is
paused while such a structure is built and resumed afterwards (reference counting frees as usual).

Objects made while it is paused stay in the youngest generation, so the collections after the pause
would walk all of them again, and again in the next generation: after loading two graphs of the
full corpus, 60,000 triples then took 17.9 s to make instead of 2.6. A block that leaves more than
``LARGE`` new objects is therefore followed by one full collection (about 5 s at that size), which
moves them to the oldest generation in a single walk.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

LARGE = 100_000


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
            if gc.get_count()[0] > LARGE:
                gc.collect()
