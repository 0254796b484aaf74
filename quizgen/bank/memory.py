"""Big banks stay cheap: pausing Python's cycle collector around bulk work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block.

    Reading, checking and building a deck make millions of small objects and no reference
    cycles; the collector would walk all of them again and again (measured: reads 2.5x
    slower, checks 31 s instead of 20 s at 100,000 questions, a deck 10-15% slower).
    Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
