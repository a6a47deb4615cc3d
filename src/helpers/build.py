"""The pipeline: manifest → every table in ``data/processed/``, cached on content hashes, atomic."""

import hashlib
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from . import provenance
from .config import DICT_DIR, MANIFEST, PROCESSED_DIR, processed_dir
from .corpus import combine, read_or_exclude
from .errors import InputError, ReportExcluded
from .faults import checkpoint
from .inputs import corpus_inputs, record, sha256
from .io import write_csv
from .manifest import group_columns, read_manifest
from .outputs import LOCK_TIMEOUT, OutputSet, current
from .overrides import OVERRIDES
from .segment import use_dictionaries

BUILD_INFO = "build.json"  # what the tables were built from: inputs, grouping columns, every table's hash
LEGACY_OUTPUTS = ("*.csv", "_inputs.sha256", BUILD_INFO)  # what releases before versioned folders wrote
Frames = dict[str, pd.DataFrame]
Stage = Callable[[Frames, dict], Frames]
PROGRESS_MIN_REPORTS = 20  # builds of fewer reports show no progress bars


def stages() -> list[Stage]:
    """The stages after the corpus, in dependency order: each takes the tables so far (and the build
    options) and returns new tables. Imported on first use: they load jieba, scipy and scikit-learn."""
    from .align import alignment_stage
    from .entities import entities_stage
    from .keyness import vocabulary_stage
    from .near_duplicates import duplicates_stage
    from .numbers import numbers_stage
    from .practices import practices_stage
    from .segment import tokens_stage
    from .themes import themes_stage
    from .validation import validation_stage
    from .voices import voices_stage

    return [
        tokens_stage,
        duplicates_stage,  # before the inference: a cluster of near-duplicates counts as one report
        vocabulary_stage,
        themes_stage,
        validation_stage,  # the theme coding against the hand labels (inputs['labels'])
        voices_stage,  # after themes (quotes carry sentence themes); entities use the speakers
        practices_stage,
        numbers_stage,
        entities_stage,
        alignment_stage,
    ]


def input_hash(manifest: Path, codebook: Path | None = None) -> str:
    """Hash of everything a build reads: manifest, overrides, reports, the input files it uses
    (:mod:`helpers.inputs`), the project's other dictionaries, the package code."""
    inputs = corpus_inputs(manifest, codebook)
    files = [manifest, Path(manifest).parent / OVERRIDES, *(r.path for r in read_manifest(manifest))]
    files += inputs.values()
    files += sorted(DICT_DIR.glob("*")) + sorted(Path(__file__).parent.rglob("*.py"))
    digest = hashlib.sha256()
    for f in files:
        digest.update(str(f.name).encode() + b"\0" + (f.read_bytes() if f.is_file() else b"") + b"\0")
    return digest.hexdigest()


def build_frames(manifest: Path = MANIFEST, codebook: Path | None = None, strict: bool = False) -> Frames:
    """Compute every table in memory (nothing is written). Large builds show progress bars on stderr.

    ``codebook`` overrides the corpus folder's or the project's (see :mod:`helpers.inputs`). A report no
    reader can read is left out with a :class:`~helpers.errors.ReportExcluded` warning and listed in
    ``excluded`` (its ``file`` relative to the manifest's folder); with ``strict``, or when no report
    can be read, its InputError is raised.
    """
    reports = read_manifest(manifest)
    quiet = len(reports) < PROGRESS_MIN_REPORTS
    inputs = corpus_inputs(manifest, codebook)
    use_dictionaries(
        inputs["userdict"], inputs["stopwords"]
    )  # reading leaves out reports without content words
    read = []
    for report in tqdm(reports, "reading reports", unit="report", disable=quiet):
        read.append(read_or_exclude(report, strict))
        checkpoint(f"report:{report.report_id}")
    frames = combine(read)
    frames["excluded"] = _excluded(frames["excluded"], len(reports), Path(manifest).parent)
    options = {"manifest": Path(manifest), "codebook": inputs["codebook"], "inputs": inputs}
    bar = tqdm(stages(), "stages", unit="stage", disable=quiet)
    for stage in bar:
        name = stage.__name__.removesuffix("_stage")
        bar.set_postfix_str(name)
        frames |= stage(frames, options)
        checkpoint(f"stage:{name}")
    return frames


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
    excluded = read_table(out / "excluded.csv") if (out / "excluded.csv").is_file() else []
    if len(excluded):
        first = excluded.iloc[0]
        raise InputError(Path(manifest).parent / first.file, first.problem, first.fix)


def processed_set(out: Path) -> OutputSet:
    """The processed folder as an output set of its own (see :mod:`helpers.outputs`)."""
    return OutputSet(out, {Path(out): LEGACY_OUTPUTS})


def build(
    manifest: Path = MANIFEST,
    out: Path = PROCESSED_DIR,
    codebook: Path | None = None,
    force: bool = False,
    strict: bool = False,
    lock_timeout: float = LOCK_TIMEOUT,
) -> bool:
    """Write every table to a new version of ``out`` unless it is up to date; return True if it built.

    ``build.json`` beside the tables records the manifest (path, sha256), the input files used (corpus
    folder or project defaults, :mod:`helpers.inputs`), the grouping columns (``region`` + the manifest's
    extra columns), the inputs' hash, the coder, the segmentation engine, the package versions and every
    table's sha256 (:mod:`helpers.provenance`). Up to date means: the inputs' hash is the recorded one and
    every recorded table still exists unchanged. The new version becomes visible only when complete (one
    atomic pointer swap, :mod:`helpers.outputs`), so a failed or killed build leaves the previous outputs
    exactly as they were; one build at a time per ``out`` (a second waits up to ``lock_timeout`` s).
    ``strict``: a report no reader can read stops the build (see :func:`build_frames`), also when the
    tables are otherwise up to date.
    """
    out = Path(out)
    stamp = input_hash(Path(manifest), codebook)
    with processed_set(out).locked(lock_timeout) as outputs:
        if not force and provenance.up_to_date(current(out), stamp, BUILD_INFO):
            if strict:
                _refuse_excluded(current(out), manifest)
            return False
        frames = build_frames(manifest, codebook, strict)
        with outputs.new_version() as folders:
            for name, frame in frames.items():
                write_csv(frame, folders[out] / f"{name}.csv")
                checkpoint(f"table:{name}")
            provenance.write(folders[out], build_record(Path(manifest), codebook, stamp), BUILD_INFO)
    return True


def build_record(manifest: Path, codebook: Path | None, stamp: str) -> dict:
    """What made a processed version: the manifest and input files (with their hashes), the grouping
    columns, the hash of all inputs, the coder and the segmentation engine."""
    return record(manifest, corpus_inputs(manifest, codebook)) | {
        "group_columns": group_columns(read_manifest(manifest)),
        "made_by": "python -m helpers build",
        "input_hash": stamp,
        "coder": "codebook rules (helpers.codebook)",
        "segmenter": "jieba",
    }


def build_info(processed: Path | None = None) -> dict:
    """``build.json`` of the current version of a processed folder (default
    :func:`helpers.config.processed_dir`): what it was built from. Raises InputError when the folder
    holds no finished build."""
    folder = Path(processed or processed_dir())
    info = provenance.read(current(folder), BUILD_INFO)
    if not info:
        raise InputError(
            folder, "no processed data here", "build it first: `python -m helpers build` (make data)"
        )
    return info


def input_file(name: str, processed: Path | None = None) -> Path:
    """The input file (``userdict``, ``stopwords``, ``codebook`` or ``labels``) a processed folder was built
    with, as recorded in its ``build.json``."""
    return Path(build_info(processed)["inputs"][name]["path"])


def load_corpus(processed: Path | None = None) -> Frames:
    """The tables of the current version of a processed folder (default
    :func:`helpers.config.processed_dir`) as DataFrames.

    Never builds: the folder is what ``python -m helpers build`` wrote for some manifest, whichever it was
    (recorded in ``build.json``). Grouping columns are read as text. Warns when that manifest changed
    since the build; raises InputError when there is no build.
    """
    folder = Path(processed or processed_dir())
    try:
        return _read_tables(folder)
    except FileNotFoundError:  # a build swapped in a new version and deleted ours while we read: once more
        return _read_tables(folder)


def _read_tables(folder: Path) -> Frames:
    version = current(folder)
    info = build_info(folder)
    manifest = Path(info["manifest"]["path"])
    if sha256(manifest) != info["manifest"]["sha256"]:
        warnings.warn(
            f"{folder} was built from {manifest}, which has changed or gone since: these tables are "
            "the earlier version (rebuild with `python -m helpers build --manifest ...` to update)",
            stacklevel=3,
        )
    text = {"reports": info["group_columns"]}
    return {p.stem: read_table(p, text.get(p.stem, ())) for p in sorted(version.glob("*.csv"))}


def read_table(path: Path, text_columns=()) -> pd.DataFrame:
    """A processed CSV: empty cells are NaN in numeric columns, "" in text columns (no other NA strings);
    ``text_columns`` stay text even when they look numeric (grouping values such as a year)."""
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=dict.fromkeys(text_columns, str))
    text = frame.select_dtypes(exclude=["number", "bool"]).columns
    return frame.astype({c: str for c in text}).fillna({c: "" for c in text})
