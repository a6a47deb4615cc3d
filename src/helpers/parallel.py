"""Work side by side: the cores this process may use, and a function mapped over items by threads (for
numpy and scipy, which release the interpreter lock) or by processes (for work that holds it, such as
tomotopy's training). Results come back in the order of the items, whatever the number of workers."""

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from .config import JOBS_ENV


def usable_cores() -> int:
    """The cores this process may use: the affinity mask (``os.sched_getaffinity``; Python 3.13's
    ``os.process_cpu_count``) capped by a Linux cgroup v2 CPU quota (``cpu.max``), not the host's count."""
    if hasattr(os, "process_cpu_count"):
        cores = os.process_cpu_count()
    elif hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count()
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            cores = min(cores or 1, max(1, int(quota) // int(period)))
    except (OSError, ValueError):
        pass
    return max(1, cores or 1)


def default_jobs() -> int:
    """Workers a notebook's computations use: ``$HELPERS_JOBS`` (the notebook runner sets it to its own
    ``--jobs``), else :func:`usable_cores`."""
    value = os.environ.get(JOBS_ENV, "")
    return max(1, int(value)) if value.isdigit() else usable_cores()


def in_threads(function: Callable, items: Iterable, jobs: int) -> list:
    """``[function(item) for item in items]``, computed by ``jobs`` threads (1: in this one)."""
    if jobs <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(function, items))


def in_processes(function: Callable, items: Iterable, jobs: int) -> list:
    """``[function(item) for item in items]``, computed by up to ``jobs`` worker processes (1, or a single
    item: in this one). The workers are started with ``spawn`` on every platform (a Jupyter kernel runs
    threads, which ``fork`` would copy in an undefined state), so ``function`` and the items must pickle: a
    module-level function or a ``functools.partial`` of one, and a script that calls this (directly or through
    :func:`helpers.topics.choose_k`) needs the usual ``if __name__ == "__main__":`` guard, since each worker
    imports the script's main module (notebooks need nothing). An exception in a worker is raised here."""
    items = list(items)
    if jobs <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(jobs, len(items)), mp_context=context) as pool:
        return list(pool.map(function, items))
