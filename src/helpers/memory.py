"""Handing freed memory back to the operating system.

Objects in reference cycles (nbconvert's exporters leave hundreds of thousands after one large notebook) are
freed only when the cyclic garbage collector runs, so :func:`release` collects them first.
glibc keeps freed blocks of up to 32 MB in its heap for reuse (its ``mmap`` threshold grows with the
blocks freed), so a build that reads and drops many report-sized buffers — cache entries, encoded tables —
holds hundreds of MB it no longer uses (600 MB after loading 10,000 cached reports). ``malloc_trim(0)``
returns those pages; Dask's workers do the same (``distributed``'s memory manager). Elsewhere (macOS,
Windows, other C libraries) there is nothing to trim and :func:`release` does nothing.
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
    """Free the objects only a cycle keeps alive (``gc.collect``), then return the C heap's free pages to the
    operating system (glibc's ``malloc_trim``; elsewhere nothing)."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
