"""Pause Python's cyclic garbage collector while a bulk check or import builds its many row objects.

A district land file of 733,710 rows makes millions of long-lived containers (the reader's cell lists,
one dict and one result per row, the plan's steps, the insert parameters) and none of them form
reference cycles; each full collection on the way traverses all of them again. Measured on the bench
district file, the collector costs about a quarter of the import's CPU. Collection resumes afterwards (if
it was on): nothing cyclic is lost, only deferred. The collector is process-wide, so a pause also
defers collection for other threads (a web worker's requests) for the duration of the import.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """``with paused_gc():`` or ``@paused_gc()``: the collector is off inside, back on (if it was on)
    after, whatever is raised."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
