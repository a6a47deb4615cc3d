"""The pipeline: manifest → every table in ``data/processed/``, cached on content hashes, atomic."""

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from .config import CODEBOOK, DICT_DIR, MANIFEST, PROCESSED_DIR
from .corpus import combine, read_report
from .io import write_csv
from .manifest import read_manifest

STAMP = "_inputs.sha256"
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
    from .voices import voices_stage

    return [
        tokens_stage,
        duplicates_stage,  # before the inference: a cluster of near-duplicates counts as one report
        vocabulary_stage,
        themes_stage,
        voices_stage,  # after themes (quotes carry sentence themes); entities use the speakers
        practices_stage,
        numbers_stage,
        entities_stage,
        alignment_stage,
    ]


def input_hash(manifest: Path, codebook: Path) -> str:
    """Hash of everything a build reads: manifest, reports, dictionaries, codebook, the package code."""
    files = [manifest, *(r.path for r in read_manifest(manifest)), codebook]
    files += sorted(DICT_DIR.glob("*")) + sorted(Path(__file__).parent.rglob("*.py"))
    digest = hashlib.sha256()
    for f in files:
        digest.update(str(f.name).encode() + b"\0" + (f.read_bytes() if f.is_file() else b"") + b"\0")
    return digest.hexdigest()


def build_frames(manifest: Path = MANIFEST, codebook: Path = CODEBOOK) -> Frames:
    """Compute every table in memory (nothing is written). Large builds show progress bars on stderr."""
    reports = read_manifest(manifest)
    quiet = len(reports) < PROGRESS_MIN_REPORTS
    frames = combine([read_report(r) for r in tqdm(reports, "reading reports", unit="report", disable=quiet)])
    options = {"manifest": Path(manifest), "codebook": Path(codebook)}
    bar = tqdm(stages(), "stages", unit="stage", disable=quiet)
    for stage in bar:
        bar.set_postfix_str(stage.__name__.removesuffix("_stage"))
        frames |= stage(frames, options)
    return frames


def build(
    manifest: Path = MANIFEST, out: Path = PROCESSED_DIR, codebook: Path = CODEBOOK, force: bool = False
) -> bool:
    """Write every table to ``out`` unless it is up to date; return True if it (re)built.

    Tables go to a temp folder beside ``out`` that replaces it only when complete, so a failed build
    leaves the previous outputs exactly as they were.
    """
    out = Path(out)
    stamp = input_hash(Path(manifest), Path(codebook))
    if not force and (out / STAMP).is_file() and (out / STAMP).read_text() == stamp:
        return False
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir(parents=True)
        for name, frame in build_frames(manifest, codebook).items():
            write_csv(frame, tmp / f"{name}.csv")
        (tmp / STAMP).write_text(stamp)
        _swap(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return True


def _swap(new: Path, out: Path) -> None:
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(new, out)
    shutil.rmtree(old, ignore_errors=True)


def load_corpus(processed: Path = PROCESSED_DIR) -> Frames:
    """The processed tables as DataFrames, building them first if they are missing or stale."""
    build(out=processed)
    return {p.stem: read_table(p) for p in sorted(Path(processed).glob("*.csv"))}


def read_table(path: Path) -> pd.DataFrame:
    """A processed CSV: empty cells are NaN in numeric columns, "" in text columns (no other NA strings)."""
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    text = frame.select_dtypes(exclude=["number", "bool"]).columns
    return frame.astype({c: str for c in text}).fillna({c: "" for c in text})
