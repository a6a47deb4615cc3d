"""Freed memory handed back to the operating system (``helpers.memory``)."""

import gc
import subprocess
import sys
import weakref

import pytest

RELEASE = """
import psutil
from helpers import memory

process = psutil.Process()
kept, dropped = [], []
for i in range(4000):  # 100 KB blocks (below glibc's mmap threshold) between 1 KB blocks that stay
    dropped.append(bytes(100_000))
    kept.append(bytes(1_000))  # past Python's small-object allocator: from glibc's heap too
del dropped
before = process.memory_info().rss
memory.release()
print((before - process.memory_info().rss) // 2**20)
"""


ARROW_DROPPED = """import numpy as np, psutil, pyarrow as pa, pyarrow.compute as pc
base = pa.array(np.arange(100_000))  # 800 KB results from Arrow's own pool, between small ones that stay
dropped, kept = [pc.add(base, 1) for _ in range(400)], [pc.add(base[:100], 1) for _ in range(400)]
del dropped
after_del = psutil.Process().memory_info().rss
"""
ARROW = (
    ARROW_DROPPED
    + """from helpers import memory
memory.release()
print((after_del - psutil.Process().memory_info().rss) // 2**20)
"""
)


def test_release_returns_what_arrows_pool_keeps():
    """320 MB of Arrow buffers freed stay with Arrow's allocator until released: at least 200 MB go back."""
    run = subprocess.run([sys.executable, "-c", ARROW], capture_output=True, text=True, check=True)
    assert int(run.stdout) >= 200


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap; elsewhere nothing to release")
def test_release_returns_freed_heap_memory_to_the_system():
    """400 MB freed in 100 KB blocks stay resident under glibc until released: at least 200 MB go back."""
    run = subprocess.run([sys.executable, "-c", RELEASE], capture_output=True, text=True, check=True)
    assert int(run.stdout) >= 200


class _Node:
    pass


def test_release_frees_what_only_a_reference_cycle_keeps():
    """Objects that refer to each other (as nbconvert's exporters leave behind) are freed by ``release``,
    without waiting for the collector's own schedule."""
    from helpers import memory

    gc.disable()
    try:
        node = _Node()
        node.cycle = node
        freed = weakref.ref(node)
        del node
        assert freed() is not None
        memory.release()
        assert freed() is None
    finally:
        gc.enable()


def test_a_kernel_releases_after_a_cell_only_once_it_has_grown(monkeypatch):
    """After a cell the extension releases only when the process holds more than ``RELEASE_AFTER`` above its
    lowest since the last release (a full collection costs a quarter of a second in a notebook's kernel)."""
    from helpers import memory

    low, grown = 2**30, memory.RELEASE_AFTER
    resident = iter(
        [low, low + grown // 2, low + grown, low + grown + 1, low + 5, low, low + grown, low + grown + 1, 0]
    )
    released = []
    monkeypatch.setattr(memory, "_resident", lambda: next(resident))
    monkeypatch.setattr(memory, "release", lambda: released.append(True))
    after_cell = memory._AfterCell()
    calls = []
    # six cells: a release past ``low + grown`` (then low + 5); the lowest since, ``low``, counts next
    for _ in range(6):
        before = len(released)
        after_cell(None)
        calls.append(len(released) > before)
    assert calls == [False, False, True, False, False, True]
