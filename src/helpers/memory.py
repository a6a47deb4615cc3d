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

import psutil

RELEASE_AFTER = 64 * 2**20  # bytes a kernel grows by, from its lowest since the last release, before one


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


def _resident() -> int:
    return psutil.Process().memory_info().rss


class _AfterCell:
    """:func:`release` after a cell once the process holds ``RELEASE_AFTER`` bytes more than its lowest since
    the last release: a full collection takes about 0.25 s in a kernel holding pandas and matplotlib, too long
    to pay after each of a hundred small cells, while a cell that leaves memory resident pays it once."""

    def __init__(self):
        self.low = _resident()

    def __call__(self, result) -> None:
        resident = _resident()
        if resident - self.low > RELEASE_AFTER:
            release()
            self.low = _resident()
        else:
            self.low = min(self.low, resident)


def load_ipython_extension(ipython) -> None:
    """``%load_ext helpers.memory``: :func:`release` after a cell that left the kernel larger by more than
    ``RELEASE_AFTER`` (64 MiB), so that what a cell used for a moment is not kept resident for the rest of the
    notebook (the notebook runner loads it in every kernel)."""
    ipython.events.register("post_run_cell", _AfterCell())
