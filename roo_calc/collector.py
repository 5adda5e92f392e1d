"""Python's cycle collector paused around work that makes many objects and no garbage cycles.

The collector runs after every few hundred container objects made, and each run walks the
objects made since; every tenth, the older ones too, and now and then every object in the
process.  Importing pandas, numpy and pydantic, or reading a file of ten thousand scenarios,
makes hundreds of thousands of objects that are not garbage (modules, classes) or are in no
cycle (a file's tables and models): paused around that work, the collector runs a few times
after it rather than hundreds of times during it, and frees the same objects.  Once made, such
objects live until the command ends: left out of the collector's walks (`kept_out`), they are
not walked again each time it looks at its older objects.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The cycle collector off for the block (as it was after it: a caller that turned it off keeps it off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def kept_out() -> Iterator[Callable[[], None]]:
    """For the block, a `keep` to call once long-lived objects are made: every object alive then
    is left out of the collector's walks (`gc.freeze`).  After the block they are given back to it
    (`gc.unfreeze`), so that a process running many commands (the tests) frees them as before."""
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()
