"""Incremental builds: a report whose key is unchanged comes from the report cache, every other one is
computed, and the tables are byte-identical to a cold build of the same inputs (whatever changed, whatever
``--jobs`` or the engine); a changed codebook or ``--force`` recomputes every report."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli import cli_build

from helpers import pipeline
from helpers.build import build
from helpers.config import CODEBOOK, MANIFEST
from helpers.manifest import COLUMNS, read_manifest
from helpers.outputs import current
from helpers.report_cache import CACHE_DIR

SEEDS = {r.report_id: r for r in read_manifest(MANIFEST)}
ZJ, JS = "zhejiang_yongkang_2024", "jiangsu_suzhou_2023"
BASE = [("a0", ZJ), ("b0", JS), ("a1", ZJ)]  # (report_id, seed it copies); each report has a file of its own


def write_corpus(folder: Path, rows: list[tuple[str, str]]) -> Path:
    """A manifest in ``folder`` listing ``rows``, each report's file a copy of its seed named by its id
    (an existing file is kept: a case may have edited it)."""
    lines = [",".join(COLUMNS)]
    for report_id, seed in rows:
        report = SEEDS[seed]
        path = folder / f"{report_id}.txt"
        if not path.exists():
            path.write_bytes(report.path.read_bytes())
        fields = {**report.__dict__, "report_id": report_id, "file": path.name}
        lines.append(",".join(str(fields[c]) for c in COLUMNS))
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "manifest.csv"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A corpus of three reports and its build in ``processed/``."""
    folder = tmp_path_factory.mktemp("base")
    build(write_corpus(folder, BASE), folder / "processed", CODEBOOK, jobs=1)
    return folder


@pytest.fixture
def computed(monkeypatch) -> list[str]:
    """The report_ids the per-report stages compute from now on (in this process: ``jobs=1``)."""
    seen, real = [], pipeline.process_report

    def spy(report):
        seen.append(report.report_id)
        return real(report)

    monkeypatch.setattr(pipeline, "process_report", spy)
    return seen


def tables(out: Path, hash_files) -> dict[str, str]:
    """sha256 of every file of the current version (tables and build.json)."""
    return hash_files(current(out))


def cold(manifest: Path, folder: Path, hash_files, codebook: Path | None = CODEBOOK) -> dict[str, str]:
    """The current version's files of a build from scratch (no cache) of ``manifest``."""
    build(manifest, folder / "cold", codebook, jobs=1)
    return tables(folder / "cold", hash_files)


def edit_a1(folder: Path) -> None:
    with open(folder / "a1.txt", "a", encoding="utf-8") as f:
        f.write("\n\n非公企业党组织开展数字化党建培训，提升人才培养质量。\n")


def add_override(folder: Path) -> None:
    (folder / "overrides.yml").write_text("b0:\n  title: 一个改过的标题\n", encoding="utf-8")


# case → (the manifest's rows, an edit of the corpus folder, the reports computed)
CASES = {
    "one added": ([*BASE, ("b1", JS)], None, ["b1"]),
    "one changed": (BASE, edit_a1, ["a1"]),
    "one removed": (BASE[::2], None, []),
    "reordered": (BASE[::-1], None, []),
    "one overridden": (BASE, add_override, ["b0"]),
    "one renamed": ([BASE[0], ("c0", JS), BASE[2]], None, ["c0"]),
}


@pytest.mark.parametrize("case", CASES)
def test_incremental_build_recomputes_only_changed_reports_and_equals_a_cold_build(
    base, tmp_path, computed, hash_files, case
):
    rows, edit, expected = CASES[case]
    folder = shutil.copytree(base, tmp_path / "c")
    if edit:
        edit(folder)
    manifest = write_corpus(folder, rows)
    assert build(manifest, folder / "processed", CODEBOOK, jobs=1)
    assert computed == expected
    incremental = tables(folder / "processed", hash_files)
    assert cold(manifest, folder, hash_files) == incremental
    # the cache keeps exactly the current reports
    assert len(list((folder / "processed" / CACHE_DIR).iterdir())) == len(rows)


def test_changed_codebook_or_force_recompute_every_report(base, tmp_path, computed, hash_files):
    folder = shutil.copytree(base, tmp_path / "c")
    manifest = folder / "manifest.csv"
    codebook = folder / "themes.yml"  # the corpus folder's own codebook replaces the project's
    codebook.write_text(CODEBOOK.read_text(encoding="utf-8") + "\n# a comment changes the file\n", "utf-8")
    assert build(manifest, folder / "processed", jobs=1)
    assert computed == ["a0", "b0", "a1"]
    assert cold(manifest, folder, hash_files, None) == tables(folder / "processed", hash_files)
    computed.clear()
    assert build(manifest, folder / "processed", force=True, jobs=1)
    assert computed == ["a0", "b0", "a1"]


def test_unreadable_report_is_never_cached(base, tmp_path, computed, hash_files):
    """A report no reader can read is read (and warned about) in every build; the others come from the
    cache."""
    folder = shutil.copytree(base, tmp_path / "c")
    (folder / "a1.txt").write_bytes(b"")
    manifest = folder / "manifest.csv"
    for attempt in range(2):
        with pytest.warns(UserWarning, match="a1.txt"):
            assert build(manifest, folder / "processed", force=attempt == 1, jobs=1)
    assert computed == ["a1", "a0", "b0", "a1"]  # the second build is --force
    computed.clear()
    (folder / "b0.txt").write_bytes((folder / "b0.txt").read_bytes() + "\n补充一段。\n".encode())
    with pytest.warns(UserWarning, match="a1.txt"):
        assert build(manifest, folder / "processed", jobs=1)
    assert computed == ["b0", "a1"]
    assert len(list((folder / "processed" / CACHE_DIR).iterdir())) == 2


@pytest.mark.parametrize(
    "engine", [["--jobs", "2"], ["--engine", "dask", "--jobs", "2"]], ids=["jobs2", "dask"]
)
def test_cli_adds_a_report_from_the_cache_byte_identical(base, tmp_path, hash_files, engine):
    """The real CLI with two processes (a pool, or Dask's): one report added; the cached reports' entries are
    not rewritten, the new one is added, and the tables equal a cold serial build's."""
    folder = shutil.copytree(base, tmp_path / "c")
    manifest = write_corpus(folder, [*BASE, ("b1", JS)])
    cache = folder / "processed" / CACHE_DIR
    before = {p.name: os.stat(p).st_ino for p in cache.iterdir()}
    run = cli_build(manifest, folder / "processed", *engine)
    assert run.returncode == 0, run.stderr
    after = {p.name: os.stat(p).st_ino for p in cache.iterdir()}
    assert len(after) == 4 and before.items() <= after.items()
    assert cold(manifest, folder, hash_files) == tables(folder / "processed", hash_files)


NO_SEGMENTER = """import sys
from pathlib import Path
from helpers.build import build
assert build(Path(sys.argv[1]), Path(sys.argv[2]), jobs=1)
print(sorted(name for name in sys.modules if "jieba" in name))
"""


def test_a_build_computing_no_report_loads_no_segmenter(base, tmp_path, hash_files):
    """One report removed: every other comes from the cache, so neither jieba nor its dictionaries are loaded
    (a fresh process), and the tables equal a cold build's."""
    folder = shutil.copytree(base, tmp_path / "c")
    manifest = write_corpus(folder, BASE[:2])
    command = [sys.executable, "-c", NO_SEGMENTER, str(manifest), str(folder / "processed")]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
    assert cold(manifest, folder, hash_files) == tables(folder / "processed", hash_files)
