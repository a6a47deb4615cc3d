"""The pipeline: manifest → every table in ``data/processed/``, cached on content hashes, atomic."""

import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import groupby
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from . import memory, provenance
from .config import MANIFEST, PROCESSED_DIR, processed_dir
from .errors import EXCLUDED_COLUMNS, InputError, ReportExcluded
from .faults import checkpoint
from .inputs import corpus_inputs, record, sha256
from .manifest import group_columns, read_manifest, warn_empty_groups
from .outputs import LOCK_TIMEOUT, current
from .overrides import OVERRIDES
from .processed_folder import BUILD_INFO, build_info, processed_set
from .report_cache import (
    CACHE_DIR,
    CROSS_REPORT_INPUTS,
    Entry,
    ReportCache,
    files_digest,
    project_files,
    report_keys,
)
from .segment import DEFAULT_ENGINE as DEFAULT_SEGMENTER
from .store import PARQUET_SCHEMAS, TableAppender, read_table, table_files, table_path, write_table

Frames = dict[str, pd.DataFrame]
Stage = Callable[[Frames, dict], Frames]
PROGRESS_MIN_REPORTS = 20  # builds of fewer reports show no progress bars
TOKEN_COUNTING_COLUMNS = ["report_id", "sentence_id", "token", "is_stopword"]  # of content tokens only
BATCH_REPORTS = 64  # reports whose kept tables are turned into pandas at once


def stages() -> list[Stage]:
    """The cross-report stages, in dependency order, after the per-report ones of :mod:`helpers.pipeline`:
    each takes every report's tables (and the build options) and returns new tables. Imported on first use:
    they load scipy and scikit-learn."""
    from .align import alignment_stage
    from .keyness import vocabulary_stage
    from .near_duplicates import duplicates_stage
    from .themes import theme_summary_stage
    from .validation import validation_stage

    return [
        duplicates_stage,  # before the inference: a cluster of near-duplicates counts as one report
        vocabulary_stage,
        theme_summary_stage,
        validation_stage,  # the theme coding against the hand labels (inputs['labels'])
        alignment_stage,
    ]


def input_hash(manifest: Path, codebook: Path | None = None, segmenter: str = DEFAULT_SEGMENTER) -> str:
    """Hash of everything a build reads: manifest, overrides, reports, the input files it uses
    (:mod:`helpers.inputs`), the project's other dictionaries, the package code and the segmenter's name."""
    inputs = corpus_inputs(manifest, codebook)
    files = [manifest, Path(manifest).parent / OVERRIDES, *(r.path for r in read_manifest(manifest))]
    return files_digest([*files, *inputs.values(), *project_files()], segmenter).hexdigest()


def build_frames(
    manifest: Path = MANIFEST,
    codebook: Path | None = None,
    strict: bool = False,
    segmenter: str = DEFAULT_SEGMENTER,
    jobs: int = 1,
    write: Callable[[str, bytes | pa.Table], None] | None = None,
    engine: str = "processes",
    scheduler: str | None = None,
    cache: ReportCache | None = None,
) -> Frames:
    """Compute every table: the per-report stages with ``jobs`` processes (see :mod:`helpers.pipeline`; with
    ``engine="dask"`` over a Dask bag, on the cluster at ``scheduler`` if given, see
    :mod:`helpers.dask_engine`), then the cross-report ones. Large builds show progress bars on stderr.

    Without ``write`` every table is returned (nothing is written). With ``write``, memory stays bounded:
    each report's tables are passed to ``write(name, rows)`` (rows in :func:`helpers.store.encode` form) as
    soon as the report is done, in manifest order, and only what the cross-report stages read is kept
    (``CROSS_REPORT_INPUTS``; of ``tokens`` only the content tokens' ``TOKEN_COUNTING_COLUMNS``, ``report_id``
    and ``token`` as categoricals); the tables returned are those plus the cross-report ones and ``excluded``
    (not passed to ``write``). With ``write`` and a ``cache`` (:mod:`helpers.report_cache`), a report whose
    key is in the cache is not computed: its entry is written instead, and every report computed is saved
    there.

    ``codebook`` overrides the corpus folder's or the project's (see :mod:`helpers.inputs`). A report no
    reader can read is left out with a :class:`~helpers.errors.ReportExcluded` warning and listed in
    ``excluded`` (its ``file`` relative to the manifest's folder); with ``strict``, or when no report
    can be read, its InputError is raised.
    """
    from .pipeline import map_reports, stack

    reports = read_manifest(manifest)
    warn_empty_groups(Path(manifest), reports)
    quiet = len(reports) < PROGRESS_MIN_REPORTS
    inputs = corpus_inputs(manifest, codebook)
    cross_report = stages()  # imported before a pool starts: forked workers share the libraries they need
    options = {
        "manifest": Path(manifest),
        "codebook": inputs["codebook"],
        "inputs": inputs,
        "segmenter": segmenter,
        "strict": strict,
        "jobs": jobs,
    }

    def computed(todo: list, encoded: bool) -> Iterator[Frames] | Iterator[Entry]:
        if engine == "dask":
            from .dask_engine import map_reports as dask_map_reports

            return dask_map_reports(todo, options, jobs, scheduler, encoded)
        return map_reports(todo, options, jobs, encoded)

    bar = tqdm(desc="per-report stages", total=len(reports), unit="report", disable=quiet)
    if write is None:
        frames = stack(_reached(reports, computed(reports, encoded=False), bar))
    else:
        keys = report_keys(reports, inputs, segmenter) if cache is not None else [None] * len(reports)
        hits = [cache is not None and key in cache for key in keys]
        todo = [report for report, hit in zip(reports, hits, strict=True) if not hit]
        fresh = computed(todo, encoded=True) if todo else iter([])
        entries = _entries(reports, keys, hits, cache, fresh, bar)
        codes: dict[str, dict[str, int]] = {"report_id": {}, "token": {}}
        frames = stack(_written(entries, write, codes))
        if "tokens" in frames:
            frames["tokens"] = _decoded(frames["tokens"], codes)
    bar.close()
    excluded = frames.get("excluded", pd.DataFrame(columns=EXCLUDED_COLUMNS))
    frames["excluded"] = _excluded(excluded, len(reports), Path(manifest).parent)
    memory.release()  # what reading and encoding the reports freed: glibc would keep it
    bar = tqdm(cross_report, "cross-report stages", unit="stage", disable=quiet)
    for stage in bar:
        name = stage.__name__.removesuffix("_stage")
        bar.set_postfix_str(name)
        frames |= stage(frames, options)
        memory.release()
        checkpoint(f"stage:{name}")
    return frames


def _reached(reports: list, parts: Iterable[Frames], bar: tqdm) -> Iterator[Frames]:
    """``parts`` as they come, passing the checkpoint ``report:<id>`` of each (see :mod:`helpers.faults`)."""
    for report, part in zip(reports, parts, strict=True):
        checkpoint(f"report:{report.report_id}")
        bar.update()
        yield part


def _entries(
    reports: list,
    keys: list,
    hits: list[bool],
    cache: ReportCache | None,
    computed: Iterator[Entry],
    bar: tqdm,
) -> Iterator[list[Entry]]:
    """Every report's entry, in manifest order, ``BATCH_REPORTS`` at a time: loaded from the cache for a hit,
    else the next one ``computed`` and saved to the cache, if any, unless the report was excluded. Passes
    each report's checkpoint ``report:<id>`` once its entry is saved."""
    for start in range(0, len(reports), BATCH_REPORTS):
        entries = []
        for i in range(start, min(start + BATCH_REPORTS, len(reports))):
            entry = cache.load(keys[i]) if hits[i] else next(computed)
            if not hits[i] and cache is not None and "excluded" not in entry.kept:
                cache.save(keys[i], entry)
            checkpoint(f"report:{reports[i].report_id}")
            bar.update()
            entries.append(entry)
        yield entries
    next(computed, None)  # the pool's end: it shuts down now, not whenever the generator is collected


def _written(
    batches: Iterable[list[Entry]],
    write: Callable[[str, bytes | pa.Table], None],
    codes: dict[str, dict[str, int]],
) -> Iterator[Frames]:
    """Pass each report's tables to ``write`` and yield what the cross-report stages read of a batch of
    reports, one pandas conversion per table and run of same-typed reports: ``CROSS_REPORT_INPUTS``, of
    ``tokens`` the content tokens' ``TOKEN_COUNTING_COLUMNS``, their ``report_id`` and ``token`` as integer
    codes into ``codes`` (text → code in order of first appearance, one mapping per column;
    :func:`_decoded` turns them into categoricals)."""
    for batch in batches:
        kept: dict[str, list[pa.Table]] = {}
        for entry in batch:
            for name, rows in entry.tables().items():
                write(name, rows)
                if name in CROSS_REPORT_INPUTS and name in PARQUET_SCHEMAS:
                    kept.setdefault(name, []).append(rows)
            for name, table in entry.kept_tables().items():
                kept.setdefault(name, []).append(table)
        for name, tables in kept.items():
            for _, run in groupby(tables, key=lambda t: (t.schema, t.schema.metadata)):
                table = pa.concat_tables(list(run))
                if name == "tokens":
                    table = table.filter(pc.invert(table["is_stopword"])).select(TOKEN_COUNTING_COLUMNS)
                frame = table.to_pandas()
                yield {name: _coded(frame, codes) if name == "tokens" else frame}


def _coded(tokens: pd.DataFrame, codes: dict[str, dict[str, int]]) -> pd.DataFrame:
    """``tokens`` with each column of ``codes`` as integer codes (new values get the next codes, in order of
    first appearance)."""
    for column, of in codes.items():
        local, values = pd.factorize(tokens[column])
        known = np.fromiter((of.setdefault(v, len(of)) for v in values), np.int32, len(values))
        tokens[column] = known[local]
    return tokens


def _decoded(tokens: pd.DataFrame, codes: dict[str, dict[str, int]]) -> pd.DataFrame:
    """The tokens kept by :func:`_written` with their coded columns as categoricals (one string per
    distinct value, 4 bytes per token)."""
    categorical = {name: pd.Categorical.from_codes(tokens[name], list(of)) for name, of in codes.items()}
    return tokens.assign(**categorical)


def _excluded(excluded: pd.DataFrame, n_reports: int, folder: Path) -> pd.DataFrame:
    """Warn once per excluded report; raise the first one's InputError when every report is excluded."""
    if len(excluded) and len(excluded) == n_reports:
        raise InputError(*excluded.iloc[0][["file", "problem", "fix"]])
    for row in excluded.itertuples():
        warnings.warn(
            f"{row.file}: {row.problem}; report {row.report_id} is left out and the build goes on "
            f"(--strict stops it). Fix: {row.fix}",
            ReportExcluded,
            stacklevel=3,
        )
    return excluded.assign(file=[_relative(Path(file), folder) for file in excluded.file])


def _relative(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix() if path.is_relative_to(folder) else str(path)


def _refuse_excluded(out: Path, manifest: Path) -> None:
    """Under ``strict``, an up-to-date build that left reports out is refused as a fresh build would be."""
    path = table_path(out, "excluded")
    excluded = read_table(path) if path.is_file() else []
    if len(excluded):
        first = excluded.iloc[0]
        raise InputError(Path(manifest).parent / first.file, first.problem, first.fix)


def build(
    manifest: Path = MANIFEST,
    out: Path = PROCESSED_DIR,
    codebook: Path | None = None,
    force: bool = False,
    strict: bool = False,
    lock_timeout: float = LOCK_TIMEOUT,
    segmenter: str = DEFAULT_SEGMENTER,
    jobs: int | None = None,
    engine: str = "processes",
    scheduler: str | None = None,
) -> bool:
    """Write every table to a new version of ``out`` unless it is up to date; return True if it built.

    ``build.json`` beside the tables records the manifest (path, sha256), the input files used (corpus
    folder or project defaults, :mod:`helpers.inputs`), the grouping columns (``region`` + the manifest's
    extra columns), the inputs' hash, the coder, the ``segmenter`` (``rjieba``: jieba-rs, default; ``jieba``:
    pure Python, the reference; see :mod:`helpers.segment`), the package versions and every table's sha256
    (:mod:`helpers.provenance`). Up to date means: the inputs' hash is the recorded one and every recorded
    table still exists unchanged. ``jobs``: processes for the per-report stages (default: the usable
    cores); ``engine``: ``processes`` (a local pool) or ``dask`` (a Dask bag, locally or on the cluster at
    ``scheduler``); the tables are byte-identical whatever they are.

    Each report's tables are written into the new version as soon as the report is done (memory holds only
    what the cross-report statistics need, see :func:`build_frames`). The new version becomes visible only
    when complete (one atomic pointer swap, :mod:`helpers.outputs`), so a failed or killed build leaves the
    previous outputs exactly as they were; one build at a time per ``out`` (a second waits up to
    ``lock_timeout`` s). ``strict``: a report no reader can read stops the build (see
    :func:`build_frames`), also when the tables are otherwise up to date.
    """
    out = Path(out)
    stamp = input_hash(Path(manifest), codebook, segmenter)
    from .parallel import usable_cores

    jobs = usable_cores() if jobs is None else jobs
    with processed_set(out).locked(lock_timeout) as outputs:
        if not force and provenance.up_to_date(current(out), stamp, BUILD_INFO):
            if strict:
                _refuse_excluded(current(out), manifest)
            return False
        with outputs.new_version() as folders:
            cache = ReportCache(out / CACHE_DIR, folders[out] / CACHE_DIR, read=not force)
            with TableAppender(folders[out]) as per_report:
                frames = build_frames(
                    manifest, codebook, strict, segmenter, jobs, per_report.append, engine, scheduler, cache
                )
            for name in sorted(per_report.tables):
                checkpoint(f"table:{name}")
            for name, frame in frames.items():
                if name not in per_report.tables:
                    write_table(frame, folders[out], name)
                    checkpoint(f"table:{name}")
            cache.commit()
            info = build_record(Path(manifest), codebook, stamp, segmenter)
            provenance.write(folders[out], info, BUILD_INFO)
        cache.prune()
    return True


def build_record(
    manifest: Path, codebook: Path | None, stamp: str, segmenter: str = DEFAULT_SEGMENTER
) -> dict:
    """What made a processed version: the manifest and input files (with their hashes), the grouping
    columns, the hash of all inputs, the coder and the segmentation engine."""
    return record(manifest, corpus_inputs(manifest, codebook)) | {
        "group_columns": group_columns(read_manifest(manifest)),
        "made_by": "python -m helpers build",
        "input_hash": stamp,
        "coder": "codebook rules (helpers.codebook)",
        "segmenter": segmenter,
    }


def load_corpus(
    processed: Path | None = None,
    tables: Iterable[str] | Mapping[str, list[str] | None] | None = None,
    filters: Mapping[str, list[tuple]] | None = None,
) -> Frames:
    """The tables of the current version of a processed folder (default
    :func:`helpers.config.processed_dir`) as DataFrames, keyed by table name.

    ``tables``: the tables to read, as names (``["reports", "tokens"]``) or as a mapping from name to the
    columns to read (``{"tokens": ["report_id", "token"], "reports": None}``, None: every column); default
    every table. Reading only what is used keeps memory low on a large corpus: the token table alone is
    about 100 bytes a token read whole. Repeated text in the large tables — report ids, tokens,
    part-of-speech tags, themes, terms (``helpers.store.CATEGORICAL``) — is read as categoricals.
    ``filters``: the rows to read of a Parquet table, by table name, in pyarrow's form: the content tokens
    alone (six in ten) are ``{"tokens": [("is_stopword", "==", False)]}``.

    Never builds: the folder is what ``python -m helpers build`` wrote for some manifest, whichever it was
    (recorded in ``build.json``). Grouping columns are read as text. Warns when that manifest changed
    since the build; raises InputError when there is no build or no table of a requested name.
    """
    folder, filters = Path(processed or processed_dir()), filters or {}
    try:
        return _read_tables(folder, tables, filters)
    except FileNotFoundError:  # a build swapped in a new version and deleted ours while we read: once more
        return _read_tables(folder, tables, filters)


def _read_tables(
    folder: Path, tables: Iterable[str] | Mapping[str, list[str] | None] | None, filters: Mapping[str, list]
) -> Frames:
    version = current(folder)
    info = build_info(folder)
    manifest = Path(info["manifest"]["path"])
    if sha256(manifest) != info["manifest"]["sha256"]:
        warnings.warn(
            f"{folder} was built from {manifest}, which has changed or gone since: these tables are "
            "the earlier version (rebuild with `python -m helpers build --manifest ...` to update)",
            stacklevel=3,
        )
    files = {p.stem: p for p in table_files(version)}
    wanted = (
        dict(tables) if isinstance(tables, Mapping) else dict.fromkeys(files if tables is None else tables)
    )
    if missing := sorted(wanted.keys() - files.keys()):
        raise InputError(
            folder, f"no table {missing[0]!r} here", "rebuild it with this version: `python -m helpers build`"
        )
    text = {"reports": info["group_columns"]}
    frames = {
        name: read_table(files[name], text.get(name, ()), columns, filters.get(name))
        for name, columns in wanted.items()
    }
    memory.release()  # what decoding them used: a notebook's kernel holds its tables to the end
    return frames
