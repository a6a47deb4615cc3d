"""``python -m helpers build --engine dask``: the per-report stages over a Dask bag partitioned by report.

An optional extra (``pip install -e .[dask]``). The function is the process pool's,
:func:`helpers.pipeline.process_chunk`; each worker process loads the segmenter and the codebook on its first
report. Results come back to this process in manifest order, ``WINDOW`` reports at a time, and are written by
the same writer as the serial build (not by Dask's ``to_parquet``, whose files follow the partitions), so the
outputs are byte-identical to it; the cross-report statistics then run here on what was gathered.

Without ``scheduler``, Dask's local ``processes`` scheduler runs the tasks in ``jobs`` worker processes. With
the address of a running Dask cluster (``tcp://host:8786``), a ``distributed.Client`` sends them there: every
worker must have this package installed and see the report files, the dictionaries and the codebook at the
same paths (a shared file system); start workers with one thread each (``dask worker ADDRESS --nthreads 1``).
"""

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack

from . import pipeline
from .errors import InputError
from .manifest import Report
from .report_cache import Entry

WINDOW = 64  # reports computed at once: this process holds at most this many reports' tables


def map_reports(
    reports: list[Report], options: dict, jobs: int = 1, scheduler: str | None = None, encoded: bool = False
) -> Iterator[pipeline.Frames] | Iterator[Entry]:
    """:func:`helpers.pipeline.process_chunk` of every report over a Dask bag of one report per partition,
    in manifest order (``encoded``: as cache entries, encoded on the workers). The first failing report's
    error is raised here. Raises InputError when Dask (or, with ``scheduler``, ``distributed``) is not
    installed."""
    try:
        import dask
        import dask.bag as db
    except ImportError:
        raise InputError("--engine dask", "Dask is not installed", "pip install -e '.[dask]'") from None
    bag = db.from_sequence(reports, partition_size=1)
    partitions = bag.map_partitions(_process, options, encoded).to_delayed()
    with ExitStack() as stack:
        if scheduler:
            kwargs = {"scheduler": stack.enter_context(_client(scheduler))}
        else:
            pool = stack.enter_context(ProcessPoolExecutor(max(1, min(jobs, len(reports)))))
            kwargs = {"scheduler": "processes", "pool": pool}
        for start in range(0, len(partitions), WINDOW):
            for partition in dask.compute(*partitions[start : start + WINDOW], **kwargs):
                yield from partition


def _client(address: str):
    try:
        from distributed import Client
    except ImportError:
        raise InputError(
            address, "Dask's distributed scheduler is not installed", "pip install -e '.[dask]'"
        ) from None
    return Client(address)


_loaded: list[dict] = []  # the options this process's worker state was loaded for


def _process(reports: list[Report], options: dict, encoded: bool) -> list[pipeline.Frames] | list[Entry]:
    if _loaded != [options]:
        pipeline.init_worker(options)
        _loaded[:] = [options]
    return pipeline.process_chunk(list(reports), encoded)
