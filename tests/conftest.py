"""Shared fixtures: one real build of the corpus per session, into a temp folder (never data/processed);
one headless run of every notebook; one headless Chromium."""

import hashlib
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers.build import build
from helpers.config import CODEBOOK, FIGURES_DIR, MANIFEST, PROCESSED_DIR, RAW_DIR
from helpers.manifest import COLUMNS, read_manifest
from helpers.outputs import LOCK, current
from helpers.report_cache import CACHE_DIR
from helpers.run_notebooks import Folders, run_all
from helpers.store import table_files


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` (but the empty lock file and a processed folder's report cache,
    :mod:`helpers.report_cache`), keyed by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(Path(folder).rglob("*"))
        if p.is_file() and p.name != LOCK and CACHE_DIR not in p.relative_to(folder).parts
    }


@pytest.fixture(scope="session")
def hash_files():
    """``hash_files(folder)``: sha256 of every file under it, to prove a folder was left untouched."""
    return file_hashes


@pytest.fixture(scope="session")
def processed_root(tmp_path_factory) -> Path:
    """data/processed as `python -m helpers build` writes it (pointer + version), built once."""
    out = tmp_path_factory.mktemp("build") / "processed"
    build(MANIFEST, out, CODEBOOK, force=True)
    return out


@pytest.fixture(scope="session")
def processed_dir(processed_root) -> Path:
    """The current version of the session build: the folder holding the tables."""
    return current(processed_root)


@pytest.fixture(scope="session")
def corpus(processed_dir) -> dict[str, pd.DataFrame]:
    """The built tables as DataFrames (CSV text kept as text: no NA parsing; Parquet as typed)."""
    return {
        p.stem: pd.read_parquet(p)
        if p.suffix == ".parquet"
        else pd.read_csv(p, dtype={"text": str, "raw_lines": str}, keep_default_na=False)
        for p in table_files(processed_dir)
    }


@pytest.fixture(scope="session")
def raw_before_run() -> dict[str, str]:
    return file_hashes(RAW_DIR)


def _repo_outputs() -> dict[str, dict[str, str]]:
    return {str(d): file_hashes(d) for d in (FIGURES_DIR, PROCESSED_DIR) if d.is_dir()}


@pytest.fixture(scope="session")
def repo_outputs():
    """``repo_outputs()``: hashes of the figures/ and data/processed/ files (never written by tests)."""
    return _repo_outputs


@pytest.fixture(scope="session")
def repo_outputs_before() -> dict[str, dict[str, str]]:
    return _repo_outputs()


@pytest.fixture(scope="session")
def outputs(tmp_path_factory, raw_before_run, repo_outputs_before, processed_root) -> Folders:
    """Every notebook executed headless once (``run_all``) on the session's processed folder into temp
    folders; the current version of each output folder (executed notebooks, HTML, figures)."""
    build = tmp_path_factory.mktemp("build")
    figures = build / "figures"
    run_all(jobs=2, force=True, build_dir=build, figures_dir=figures, processed=processed_root)
    return Folders(*(current(root, build) for root in (build / "notebooks", build / "html", figures)))


@pytest.fixture(scope="session")
def figures(outputs) -> Path:
    return outputs.figures


CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """The system's Chromium: ``$CHROMIUM`` if set, else ``chromium``/``chromium-browser`` on PATH."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session, driven by Playwright (never downloads a browser)."""
    path = chromium_path()
    if not path:
        pytest.skip(
            "Chromium not found: install it with `apt-get install chromium` (Debian/Ubuntu), "
            "or set CHROMIUM=/path/to/chrome"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def write_manifest():
    """``write_manifest(folder, rows)``: a manifest in ``folder`` listing (report_id, source report_id,
    region) rows, each a copy of a seed report; the files are copied beside it."""

    def write_manifest(folder, rows: list[tuple[str, str, str]]):
        """A manifest in ``folder`` listing (report_id, source report_id, region); files copied beside it."""
        source = {r.report_id: r for r in read_manifest(MANIFEST)}
        lines = [",".join(COLUMNS)]
        for report_id, original, region in rows:
            report = source[original]
            (folder / report.path.name).write_bytes(report.path.read_bytes())
            fields = {**report.__dict__, "report_id": report_id, "file": report.path.name, "region": region}
            lines.append(",".join(str(fields[c]) for c in COLUMNS))
        path = folder / "manifest.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write_manifest
