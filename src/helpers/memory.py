"""Handing freed memory back to the operating system.

Three things keep memory a program has freed: objects in reference cycles wait for the cyclic garbage
collector (nbconvert's exporters leave hundreds of thousands after one large notebook); Arrow's allocator
(mimalloc or jemalloc) keeps freed buffers for reuse (350 MB of 800 KB results, until asked); and glibc keeps
freed blocks of up to 32 MB in its heap (its ``mmap`` threshold grows with the blocks freed), so a build that
reads and drops many report-sized buffers — cache entries, encoded tables — holds hundreds of MB it no longer
uses (600 MB after loading 10,000 cached reports). :func:`release` collects the cycles, asks Arrow's pool to
``release_unused`` and calls ``malloc_trim(0)``, as Dask's workers do (``distributed``'s memory manager).
Elsewhere (macOS, Windows, other C libraries) there is no heap to trim.
"""

import ctypes
import gc
import sys
from functools import cache


@cache
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (e.g. musl)
        return None


def release() -> None:
    """Free the objects only a cycle keeps alive (``gc.collect``), then return the free pages that Arrow's
    allocator keeps (when pyarrow is loaded: ``release_unused``) and the C heap's (glibc's ``malloc_trim``;
    elsewhere nothing) to the operating system."""
    gc.collect()
    if "pyarrow" in sys.modules:
        sys.modules["pyarrow"].default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def load_ipython_extension(ipython) -> None:
    """``%load_ext helpers.memory``: :func:`release` after every cell, so that what a cell used for a moment
    is not kept resident for the rest of the notebook (the notebook runner loads it in every kernel)."""
    ipython.events.register("post_run_cell", _after_cell)


def _after_cell(result) -> None:
    release()
