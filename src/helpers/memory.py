"""Handing freed memory back to the operating system.

glibc keeps freed blocks of up to 32 MB in its heap for reuse (its ``mmap`` threshold grows with the
blocks freed), so a build that reads and drops many report-sized buffers — cache entries, encoded tables —
holds hundreds of MB it no longer uses (600 MB after loading 10,000 cached reports). ``malloc_trim(0)``
returns those pages; Dask's workers do the same (``distributed``'s memory manager). Elsewhere (macOS,
Windows, other C libraries) there is nothing to trim and :func:`release` does nothing.
"""

import ctypes
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
    """Return the C heap's free pages to the operating system (glibc's ``malloc_trim``; elsewhere nothing)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
