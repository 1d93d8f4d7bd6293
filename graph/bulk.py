"""Making a large structure of long-lived objects (a graph, its file's parsed JSON, a corpus) at once.

Python's cyclic garbage collector runs after every few hundred new container objects, and each
collection of the oldest generation walks every object alive — a loaded corpus, a graph of a few
hundred thousand nodes — only to find nothing to free, since everything just made is kept. On the
full corpus that was more than half the time of loading the graph, and it slowed all the work
after it: every later full collection walked the graph again.

So the collector is paused while such a structure is made. A block that leaves many new objects is
followed by ``gc.freeze()``, which moves every object then alive out of the collector's generations
(a constant-time splice, not a walk): later collections no longer walk them. Reference counting
still frees them when they are dropped; only a reference cycle among them would outlive its last
reference, and the structures made here (graphs, records, parsed JSON) hold none.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

LARGE = 100_000  # new objects left by a block past which they are frozen


@contextmanager
def long_lived() -> Iterator[None]:
    """The cyclic collector off inside the block; on again after it if it was on before, with the
    objects then alive frozen when the block left more than ``LARGE`` new ones."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_count()[0] > LARGE:
                gc.freeze()
            gc.enable()
