"""Reliability of the build with real processes: killed at chosen points (``HELPERS_KILL_AT``), run twice
at once, locked out, on a full or read-only disk (``HELPERS_FAIL_WRITE``), fed a catastrophic regular
expression; and migrating an unversioned folder. Each case checks what readers find meanwhile and that
the next run completes and leaves nothing behind.

One small corpus (one seed report) is built once; every case works on its own copy, with the manifest's
``source`` changed so that a new build differs visibly from the previous one.
"""

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cli import cli_build
from filelock import FileLock

from helpers import provenance
from helpers.build import build, load_corpus
from helpers.codebook import load_codebook
from helpers.config import CODEBOOK, MANIFEST, RAW_DIR
from helpers.errors import InputError
from helpers.inputs import sha256
from helpers.outputs import LOCK, POINTER, current
from helpers.processed_folder import BUILD_INFO
from helpers.report_cache import CACHE_DIR

pytestmark = pytest.mark.slow

REPORT = "zhejiang_yongkang_2024"
MARKER = "测试来源"  # the `source` every case's new build writes into reports.csv
KILL_POINTS = [f"report:{REPORT}", "stage:theme_summary", "table:tokens", "before-swap", "after-swap"]


def manifest_text(source: str = "") -> str:
    header, *rows = MANIFEST.read_text(encoding="utf-8").splitlines()
    (row,) = [r for r in rows if r.startswith(f"{REPORT},")]
    cells = row.split(",")
    cells[header.split(",").index("source")] = source
    return f"{header}\n{','.join(cells)}\n"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A folder with a one-report manifest, its report and a good build in ``processed/``."""
    folder = tmp_path_factory.mktemp("base")
    shutil.copy(RAW_DIR / f"{REPORT}.txt", folder)
    (folder / "manifest.csv").write_text(manifest_text(), encoding="utf-8")
    build(folder / "manifest.csv", folder / "processed", CODEBOOK, force=True)
    return folder


def case(base: Path, folder: Path) -> tuple[Path, Path]:
    """A copy of the base with a changed manifest; returns (manifest, processed)."""
    shutil.copytree(base, folder)
    (folder / "manifest.csv").write_text(manifest_text(MARKER), encoding="utf-8")
    return folder / "manifest.csv", folder / "processed"


def visible(out: Path, hash_files) -> dict:
    """What a reader finds: the current version's files."""
    return hash_files(current(out))


def complete(out: Path) -> bool:
    """The current version holds every table its provenance lists, unchanged."""
    record = provenance.read(current(out), BUILD_INFO)
    return bool(record) and provenance.outputs_intact(current(out), record["outputs"])


def leftovers(out: Path) -> list[str]:
    kept = {POINTER, LOCK, CACHE_DIR, current(out).name}
    return sorted(p.name for p in out.iterdir() if p.name not in kept)


def new_source(out: Path) -> bool:
    return MARKER in (current(out) / "reports.csv").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def killed(base, tmp_path_factory, hash_files):
    """Each kill point: (returncode, visible before, visible after the kill, complete after the kill,
    new source after the kill, the next run, leftovers after it, new source after it)."""

    def run(point):
        manifest, out = case(base, tmp_path_factory.mktemp("kill") / "c")
        before = visible(out, hash_files)
        proc = cli_build(manifest, out, env={"HELPERS_KILL_AT": point})
        after = (visible(out, hash_files), complete(out), new_source(out))
        again = cli_build(manifest, out)
        return proc.returncode, before, *after, again, leftovers(out), new_source(out)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(KILL_POINTS, pool.map(run, KILL_POINTS), strict=True))


@pytest.mark.parametrize("point", KILL_POINTS)
def test_sigkill_at_any_point_leaves_a_complete_version_and_the_next_run_completes(killed, point):
    code, before, after, is_complete, swapped, again, left, finally_new = killed[point]
    assert code == -9
    assert is_complete
    if point == "after-swap":
        assert swapped  # the new version is complete and current; the old one is left to clean up
    else:
        assert after == before and not swapped  # readers still find the previous version, unchanged
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("up to date" if point == "after-swap" else "built")
    assert finally_new
    assert left == []  # the killed run's half version (or the old one) was removed by the next run


def test_sigkill_in_an_incremental_build_leaves_the_previous_version_and_cache(base, tmp_path, hash_files):
    """A second report added: the base's report comes from the cache, the new one is computed. Killed once
    the new one is done (its cache entry saved in the new version), readers find the previous version and
    the cache is as it was; the next run completes with both reports and keeps both entries."""
    added = "jiangsu_suzhou_2023"
    folder = shutil.copytree(base, tmp_path / "c")
    shutil.copy(RAW_DIR / f"{added}.txt", folder)
    (row,) = [r for r in MANIFEST.read_text(encoding="utf-8").splitlines() if r.startswith(f"{added},")]
    manifest, out = folder / "manifest.csv", folder / "processed"
    manifest.write_text(manifest_text() + row + "\n", encoding="utf-8")
    before, cache = visible(out, hash_files), hash_files(out / CACHE_DIR)
    assert len(cache) == 1
    assert cli_build(manifest, out, env={"HELPERS_KILL_AT": f"report:{added}"}).returncode == -9
    assert visible(out, hash_files) == before and complete(out)
    assert hash_files(out / CACHE_DIR) == cache
    again = cli_build(manifest, out)
    assert again.returncode == 0, again.stderr
    assert complete(out) and leftovers(out) == []
    assert list(load_corpus(out)["reports"].report_id) == [REPORT, added]
    after = hash_files(out / CACHE_DIR)
    assert len(after) == 2 and cache.items() <= after.items()  # the base report's entry kept


@pytest.mark.filterwarnings("ignore:.*has changed or gone since")  # the case's manifest differs from base's
def test_unversioned_folder_migrates_without_a_gap(base, tmp_path, hash_files):
    """A clone from before versioned folders: tables and build.json directly in data/processed. Killed just
    before the swap, readers still find the old tables in place; the next build swaps in and removes them."""
    manifest, out = case(base, tmp_path / "c")
    version = current(out)
    for table in [*version.glob("*.csv"), version / BUILD_INFO]:
        shutil.move(table, out / table.name)
    shutil.rmtree(version)
    (out / POINTER).unlink()
    (out / "_inputs.sha256").write_text("old stamp")
    (out.parent / ".processed.tmp-12345").mkdir()  # a leftover of the old scheme's killed builds
    (out / "notes.txt").write_text("a user's own file stays")
    old = load_corpus(out)
    assert cli_build(manifest, out, env={"HELPERS_KILL_AT": "before-swap"}).returncode == -9
    assert load_corpus(out)["reports"].equals(old["reports"])
    done = cli_build(manifest, out)
    assert done.returncode == 0, done.stderr
    assert new_source(out) and complete(out)
    kept = [POINTER, LOCK, CACHE_DIR, current(out).name, "notes.txt"]
    assert sorted(p.name for p in out.iterdir()) == sorted(kept)
    assert not list(out.parent.glob(".processed.*"))


def test_a_locked_folder_waits_then_fails_with_one_line(base, tmp_path, hash_files):
    manifest, out = case(base, tmp_path / "c")
    before = visible(out, hash_files)
    with FileLock(out / LOCK):
        proc = cli_build(manifest, out, "--lock-timeout", "1")
    waiting, error = proc.stderr.strip().splitlines()
    assert waiting.startswith(f"waiting for {out}: another build")
    assert proc.returncode == 4
    assert error.startswith(f"error: {out}: another build or notebook run kept this output folder locked")
    assert "Fix: " in error
    assert visible(out, hash_files) == before


def test_two_builds_at_once_one_waits_and_both_succeed(base, tmp_path, hash_files):
    manifest, out = case(base, tmp_path / "c")
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda _: cli_build(manifest, out, "--force"), range(2)))
    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    assert sum("waiting for" in r.stderr for r in runs) == 1  # never two writers at once
    assert complete(out) and new_source(out)
    assert leftovers(out) == []


@pytest.mark.parametrize(
    ("fault", "problem"), [("ENOSPC:tokens.parquet", "disk full"), ("EROFS:CURRENT", "read-only")]
)
def test_full_or_read_only_disk_gets_one_line_and_leaves_outputs(base, tmp_path, hash_files, fault, problem):
    manifest, out = case(base, tmp_path / "c")
    before = visible(out, hash_files)
    proc = cli_build(manifest, out, env={"HELPERS_FAIL_WRITE": fault})
    assert proc.returncode == 5
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith(f"error: {out}") and fault.split(":")[1] in line
    assert f"cannot write ({problem}" in line and "Fix: " in line
    assert visible(out, hash_files) == before and leftovers(out) == []


def test_deleted_or_edited_table_is_rebuilt(base, tmp_path):
    manifest, out = case(base, tmp_path / "c")
    manifest.write_text(manifest_text(), encoding="utf-8")  # the inputs of the base build
    assert build(manifest, out, CODEBOOK) is False
    (current(out) / "tokens.parquet").unlink()
    assert build(manifest, out, CODEBOOK) is True
    with open(current(out) / "keyness.csv", "a", encoding="utf-8") as f:
        f.write("edited\n")
    assert build(manifest, out, CODEBOOK) is True
    assert build(manifest, out, CODEBOOK) is False
    record = provenance.read(current(out), BUILD_INFO)
    assert record["manifest"]["sha256"] == sha256(manifest)
    assert record["inputs"]["codebook"]["sha256"] == sha256(CODEBOOK)
    assert record["segmenter"] and record["coder"] and record["packages"]["pandas"]
    assert "keyness.csv" in record["outputs"]


# --- codebook patterns cannot hang the build -------------------------------------------------------------

CATASTROPHIC = ["(党|党党)+$", "(建设|建设建设)+。$", "(a|aa)+$", "(?:x|xx)+y$"]


def codebook_with(tmp_path: Path, pattern: str) -> Path:
    text = CODEBOOK.read_text(encoding="utf-8")
    head, sep, rest = text.partition("    include:\n")
    path = tmp_path / "themes.yml"
    path.write_text(f"{head}{sep}      - '{pattern}'\n{rest}", encoding="utf-8")
    return path


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_pattern_stops_with_a_line_naming_theme_and_pattern(tmp_path, pattern):
    path = codebook_with(tmp_path, pattern)
    theme = load_codebook(path)[0]
    sentence = "党" * 50 + "建设" * 50 + "a" * 50 + "x" * 50 + "！"
    with pytest.raises(InputError) as err:
        theme.spans(sentence)
    message = str(err.value)
    assert message.startswith(f"{path}: theme {theme.id!r}: pattern {pattern!r} took over")
    assert "Fix: " in message and "\n" not in message


def test_catastrophic_pattern_stops_matching_many_sentences_at_once_with_the_same_line(tmp_path):
    pattern = "(党|党党)+设"  # no anchor: the sentences are first searched joined, and that times out
    theme = load_codebook(codebook_with(tmp_path, pattern))[0]
    with pytest.raises(InputError) as err:
        theme.spans_in(["党建工作", "党" * 50 + "！"])
    expected = f"{tmp_path / 'themes.yml'}: theme {theme.id!r}: pattern {pattern!r} took over"
    assert str(err.value).startswith(expected)


def test_catastrophic_pattern_through_the_build(base, tmp_path, hash_files):
    manifest, out = case(base, tmp_path / "c")
    with open(manifest.parent / f"{REPORT}.txt", "a", encoding="utf-8") as report:  # a copy, not data/raw
        report.write("\n\n" + "党" * 60 + "。\n")
    before = visible(out, hash_files)
    codebook = codebook_with(tmp_path, CATASTROPHIC[0])
    proc = cli_build(manifest, out, "--codebook", str(codebook))
    assert proc.returncode == 2, proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert f"pattern {CATASTROPHIC[0]!r} took over" in line
    assert visible(out, hash_files) == before
