"""The per-report stages, run report by report in this process or over a pool of worker processes.

Every table up to the cross-report statistics is computed from one report alone (read, normalize, split,
segment, code themes, voices, practices, numbers, entities): :func:`process_report` maps
one manifest row to its tables. :func:`map_reports` applies it to every report, chunk by chunk, serially
(``jobs=1``) or in a ``concurrent.futures.ProcessPoolExecutor`` of ``jobs`` workers (which also encode the
tables for writing and caching), and yields the results **in manifest order**,
so what is built from them is byte-identical whatever ``jobs`` is. Each worker loads the segmenter and the
codebook once (the pool's initializer); the pool works with the ``spawn`` start method (macOS, Windows).
The first report that fails raises its error in the caller, exactly as the serial loop would.
"""

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

import pandas as pd
from threadpoolctl import ThreadpoolController

from .manifest import Report
from .report_cache import Entry, encode_entries

Frames = dict[str, pd.DataFrame]
Stage = Callable[[Frames, dict], Frames]
CHUNK_REPORTS = 32  # reports sent to a worker at once: fewer round trips and encodings, results in order
AHEAD = 2  # chunks per worker submitted beyond the one being consumed


def report_stages() -> list[Stage]:
    """The stages computed from one report's tables, in dependency order (imported on first use: a build that
    computes no report does without their libraries). Each takes the report's tables so far and the options
    and returns new tables."""
    from .entities import entities_stage
    from .numbers import numbers_stage
    from .practices import practices_stage
    from .segment import tokens_stage
    from .themes import coding_stage
    from .voices import voices_stage

    return [
        tokens_stage,
        coding_stage,
        voices_stage,  # after coding (quotes carry sentence themes); entities use the speakers
        practices_stage,
        numbers_stage,
        entities_stage,
    ]


_context: dict = {}  # this process's loaded segmenter, codebook and stages (set by ``init_worker``)


def init_worker(options: dict) -> None:
    """Load what every report needs once per process: the segmenter, the codebook and the stages. A worker
    process also exits as soon as its parent is gone (killed outright, out of memory), rather than linger."""
    from . import segment
    from .codebook import load_codebook

    parent = multiprocessing.parent_process()
    if parent is not None:  # a pool worker: the parent's sentinel closes when it dies (fork and spawn alike)
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()

    segment.use(options["segmenter"])
    if "inputs" in options:  # a corpus folder's own dictionaries (see helpers.inputs)
        segment.use_dictionaries(options["inputs"]["userdict"], options["inputs"]["stopwords"])
    segment.pos_tokenizer(segment.dictionaries()[0])  # the tag table loads here, not in the first report
    _context.update(
        options,
        themes=load_codebook(options["codebook"]),
        stages=report_stages(),
        threads=ThreadpoolController(),
    )


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()
    os._exit(1)


def process_report(report: Report) -> Frames:
    """Every per-report table of ``report`` (after ``init_worker`` in this process); only ``excluded`` for
    a report no reader can read (see :func:`helpers.corpus.read_or_exclude`; ``strict`` raises instead)."""
    from .corpus import read_or_exclude  # loads jieba: not imported by a build that computes no report

    frames = read_or_exclude(report, _context.get("strict", False))
    if "excluded" in frames:
        return frames
    with _context["threads"].limit(limits=1):  # one report's arrays are small: threads only cost CPU time
        for stage in _context["stages"]:
            frames |= stage(frames, _context)
    return frames


def process_chunk(reports: list[Report], encoded: bool = False) -> list[Frames] | list[Entry]:
    """:func:`process_report` of each of ``reports``; with ``encoded``, as cache entries (their tables in
    stored form, :func:`helpers.report_cache.encode_entries`): the encoding is done here, in the worker."""
    parts = [process_report(report) for report in reports]
    return encode_entries(parts) if encoded else parts


def map_reports(
    reports: list[Report], options: dict, jobs: int = 1, encoded: bool = False
) -> Iterator[Frames] | Iterator[Entry]:
    """:func:`process_chunk` of every report, one result per report in manifest order, with ``jobs``
    processes (1: this one), in chunks of reports (:func:`chunk_size`).

    ``options``: ``segmenter`` (engine name), ``codebook`` (path). With ``jobs`` > 1 every chunk, even a
    single one, is computed in a worker process, so this one never loads the segmenter (its memory goes
    with the worker). The pool uses multiprocessing's default start method; it works ``AHEAD`` chunks per
    worker ahead of the one consumed, no more (results wait in memory only that long). It stops at the
    first error, which is raised here.
    """
    size = chunk_size(len(reports), jobs)
    chunks = [reports[start : start + size] for start in range(0, len(reports), size)]
    if jobs <= 1:  # with more, even one chunk goes to a worker: the segmenter's memory goes with it
        init_worker(options)
        for chunk in chunks:
            yield from process_chunk(chunk, encoded)
        return
    with ProcessPoolExecutor(min(jobs, len(chunks)), initializer=init_worker, initargs=(options,)) as pool:
        pending: deque[Future] = deque()
        try:
            for chunk in chunks:
                pending.append(pool.submit(process_chunk, chunk, encoded))
                if len(pending) > AHEAD * jobs:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        finally:
            pool.shutdown(cancel_futures=True)


def chunk_size(n_reports: int, jobs: int) -> int:
    """Chunks small enough that every worker gets several (load balance), at most ``CHUNK_REPORTS``."""
    return max(1, min(CHUNK_REPORTS, n_reports // (4 * jobs)))


def stack(parts: Iterable[Frames]) -> Frames:
    """Concatenate per-report tables, table by table, in the order given (empty parts do not change the
    column types)."""
    tables: dict[str, list[pd.DataFrame]] = {}
    for part in parts:
        for name, frame in part.items():
            tables.setdefault(name, []).append(frame)
    return {name: _concat(frames) for name, frames in tables.items()}


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    filled = [f for f in frames if len(f)] or frames[:1]
    return pd.concat(filled, ignore_index=True)
