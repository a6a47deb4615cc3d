"""Shared fixtures: one real build of the corpus per session, into a temp folder (never data/processed)."""

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from helpers.build import build
from helpers.config import CODEBOOK, MANIFEST


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, keyed by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(Path(folder).rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def hash_files():
    """``hash_files(folder)``: sha256 of every file under it, to prove a folder was left untouched."""
    return file_hashes


@pytest.fixture(scope="session")
def processed_dir(tmp_path_factory) -> Path:
    """data/processed as `python -m helpers build` writes it, built once from the real manifest."""
    out = tmp_path_factory.mktemp("build") / "processed"
    build(MANIFEST, out, CODEBOOK, force=True)
    return out


@pytest.fixture(scope="session")
def corpus(processed_dir) -> dict[str, pd.DataFrame]:
    """The built CSVs as DataFrames (text kept as text: no NA parsing)."""
    return {
        p.stem: pd.read_csv(p, dtype={"text": str, "raw_lines": str}, keep_default_na=False)
        for p in sorted(processed_dir.glob("*.csv"))
    }
