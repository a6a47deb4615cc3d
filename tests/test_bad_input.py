"""Bad input through the real CLI: exit 2, one stderr line naming the file, the problem and a fix, no
traceback, and the previous outputs left byte-identical. Plus atomicity and the content-hash cache.

Every case is a fresh folder holding a manifest (and report files) and a copy of a good build's output,
and runs `python -m helpers build` as a subprocess (all cases in parallel, once per session).
"""

import codecs
import importlib
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers.__main__ import main
from helpers.build import build
from helpers.config import CODEBOOK, MANIFEST, RAW_DIR
from helpers.errors import InputError
from helpers.outputs import LOCK, POINTER, current
from helpers.report_cache import CACHE_DIR
from helpers.store import TableAppender
from helpers.textio import read_text

build_module = importlib.import_module("helpers.build")  # `helpers.build` the attribute is the function

ZJ, JS = "zhejiang_yongkang_2024", "jiangsu_suzhou_2023"
HEADER = "report_id,file,region,region_zh,format,script,source,published,url\n"
ZJ_ROW = f"{ZJ},{ZJ}.txt,Zhejiang,浙江,ocr_newspaper,simplified,,,\n"
JS_ROW = f"{JS},{JS}.txt,Jiangsu,江苏,web_page,traditional,人民网-中国共产党新闻网,2023-07-30,\n"


def raw(report_id: str) -> bytes:
    return (RAW_DIR / f"{report_id}.txt").read_bytes()


def text(report_id: str) -> str:
    return raw(report_id).decode("utf-8")


def cut_mid_character(data: bytes) -> bytes:
    """The first half of the file, ending after the first byte of a 3-byte UTF-8 character."""
    i = len(data) // 2
    while data[i] < 0xE0:
        i += 1
    return data[: i + 1]


# name → (manifest text, {file name: bytes}, file the message must name, regex the message must match)
BAD = {
    "missing_file": (HEADER + ZJ_ROW, {}, f"{ZJ}.txt", r"not found"),
    "utf16_no_bom": (HEADER + ZJ_ROW, {f"{ZJ}.txt": text(ZJ).encode("utf-16-le")}, f"{ZJ}.txt", r"UTF-16"),
    "empty": (HEADER + ZJ_ROW, {f"{ZJ}.txt": b""}, f"{ZJ}.txt", r"empty"),
    "binary": (HEADER + ZJ_ROW, {f"{ZJ}.txt": bytes(range(256)) * 40}, f"{ZJ}.txt", r"binary"),
    "truncated": (HEADER + ZJ_ROW, {f"{ZJ}.txt": cut_mid_character(raw(ZJ))}, f"{ZJ}.txt", r"truncated"),
    "missing_column": (
        HEADER.replace(",script", "") + ZJ_ROW.replace(",simplified", ""),
        {f"{ZJ}.txt": raw(ZJ)},
        "manifest.csv",
        r"missing column.*\bscript\b",
    ),
    "duplicate_id": (
        HEADER + ZJ_ROW + ZJ_ROW,
        {f"{ZJ}.txt": raw(ZJ)},
        "manifest.csv",
        r"row 3.*duplicate report_id",
    ),
    "unknown_format": (
        HEADER + ZJ_ROW.replace("ocr_newspaper", "docx"),
        {f"{ZJ}.txt": raw(ZJ)},
        "manifest.csv",
        r"unknown format 'docx'.*Fix:.*ocr_newspaper",
    ),
    "unknown_script": (
        HEADER + ZJ_ROW.replace("simplified", "cantonese"),
        {f"{ZJ}.txt": raw(ZJ)},
        "manifest.csv",
        r"unknown script 'cantonese'.*Fix:.*traditional",
    ),
    "absolute_path": (
        HEADER + ZJ_ROW.replace(f"{ZJ}.txt", str(RAW_DIR / f"{ZJ}.txt"), 1),
        {},
        "manifest.csv",
        r"escapes",
    ),
    "dotdot_path": (HEADER + ZJ_ROW.replace(f"{ZJ}.txt", f"../{ZJ}.txt", 1), {}, "manifest.csv", r"escapes"),
    "header_only_manifest": (HEADER, {}, "manifest.csv", r"no report rows"),
}
# Every case runs through a real `python -m helpers` process (interpreter boundary: exit status, stderr, no
# stray warnings), plus --debug. They fail before the analysis stages, so each costs ~1-2 s of CPU.
SUBPROCESS = {name: (*BAD[name][:2], []) for name in BAD} | {"debug": (*BAD["truncated"][:2], ["--debug"])}


def write_case(folder: Path, good_out: Path, manifest: str, files: dict) -> tuple[Path, Path]:
    """A folder with the manifest, the report files and a copy of a good build's output."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.csv").write_text(manifest, encoding="utf-8")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    shutil.copytree(good_out, folder / "processed")
    return folder / "manifest.csv", folder / "processed"


def leftovers(out: Path) -> list[str]:
    """Anything a build left in or beside its output but the pointer, the lock, the current version and the
    report cache."""
    beside = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    keep = {POINTER, LOCK, current(out).name, CACHE_DIR}
    return beside + [p.name for p in out.iterdir() if p.name not in keep]


def assert_refused(code: int, stderr: str, folder: Path, case: str) -> None:
    _, _, named_file, problem = BAD[case]
    lines = stderr.strip().splitlines()
    assert code == 2
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    line = lines[0]
    assert str(folder / named_file) in line
    assert re.search(problem, line), line
    assert re.search(r"\. Fix: \S", line), line


@pytest.fixture(scope="module")
def cli_runs(processed_root, tmp_path_factory, hash_files):
    """The SUBPROCESS cases, run in parallel: name → (folder, process, out hashes before, after)."""

    def run(name, manifest, files, extra):
        folder = tmp_path_factory.mktemp(name)
        manifest, out = write_case(folder, processed_root, manifest, files)
        before = hash_files(out)
        args = ["build", "--manifest", str(manifest), "--out", str(out), *extra]
        proc = subprocess.run(
            [sys.executable, "-m", "helpers", *args], capture_output=True, text=True, timeout=300, cwd=folder
        )
        assert not leftovers(out)
        return folder, proc, before, hash_files(out)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        futures = {name: pool.submit(run, name, *args) for name, args in SUBPROCESS.items()}
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("case", list(BAD))
def test_real_cli_refuses_bad_input_in_one_line(cli_runs, case):
    folder, proc, before, after = cli_runs[case]
    assert_refused(proc.returncode, proc.stderr, folder, case)
    assert proc.stdout == ""
    assert after == before


def test_real_cli_debug_shows_the_traceback(cli_runs):
    _, proc, before, after = cli_runs["debug"]
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr and "InputError" in proc.stderr
    assert after == before


def test_debug_before_the_command_also_raises(tmp_path, processed_root):
    manifest, out = write_case(tmp_path, processed_root, *BAD["duplicate_id"][:2])
    with pytest.raises(InputError, match="duplicate report_id"):
        main(["--debug", "build", "--manifest", str(manifest), "--out", str(out)])


def test_suggested_encoding_decodes_the_file(tmp_path):
    """The encoding the message suggests for the manifest's `encoding` column reads the file back."""
    ((name, data),) = BAD["utf16_no_bom"][1].items()
    (tmp_path / name).write_bytes(data)
    with pytest.raises(InputError) as err:
        read_text(tmp_path / name)
    named = re.search(r"`encoding` column to (\S+)", err.value.fix).group(1)
    assert read_text(tmp_path / name, named) == text(ZJ)


def test_utf8_bom_is_accepted_with_the_same_tables(
    tmp_path, processed_root, processed_dir, monkeypatch, capsys
):
    """Excel and Notepad write a UTF-8 BOM: accepted in the manifest and in a report."""
    monkeypatch.setattr(build_module, "stages", list)
    manifest = codecs.BOM_UTF8.decode() + MANIFEST.read_text(encoding="utf-8")
    files = {f"{ZJ}.txt": codecs.BOM_UTF8 + raw(ZJ), f"{JS}.txt": raw(JS)}
    manifest, out = write_case(tmp_path, processed_root, manifest, files)
    assert main(["build", "--manifest", str(manifest), "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith("built")
    for table in ("reports.csv", "blocks.csv", "sentences.parquet", "normalization_log.csv"):
        assert (current(out) / table).read_bytes() == (current(processed_root) / table).read_bytes(), table


# --- in-process: atomicity and the cache (the corpus stage only, to stay fast) ---------------------------


@pytest.fixture
def project(tmp_path, processed_root, monkeypatch):
    """A manifest with both reports and a copy of a good build; later stages are switched off."""
    for report_id in (ZJ, JS):
        (tmp_path / f"{report_id}.txt").write_bytes(raw(report_id))
    shutil.copy(MANIFEST, tmp_path / "manifest.csv")
    out = tmp_path / "processed"
    shutil.copytree(processed_root, out)
    monkeypatch.setattr(build_module, "stages", list)
    return tmp_path / "manifest.csv", out


def test_failing_stage_leaves_previous_outputs(project, hash_files, monkeypatch):
    manifest, out = project
    before = hash_files(out)

    def boom(frames, options):
        raise RuntimeError("stage failed")

    monkeypatch.setattr(build_module, "stages", lambda: [boom])
    with pytest.raises(RuntimeError, match="stage failed"):
        build(manifest, out, CODEBOOK, force=True)
    assert hash_files(out) == before
    assert not leftovers(out)


def test_failing_write_of_the_third_table_leaves_previous_outputs(project, hash_files, monkeypatch):
    """The per-report tables are written report by report (``TableAppender``): the third table fails."""
    manifest, out = project
    before = hash_files(out)
    real_append, written = TableAppender.append, []

    def append(self, name, frame):
        if name not in written:
            if len(written) == 2:
                raise OSError("disk full")
            written.append(name)
        return real_append(self, name, frame)

    monkeypatch.setattr(TableAppender, "append", append)
    with pytest.raises(OSError, match="disk full"):
        build(manifest, out, CODEBOOK, force=True)
    assert len(written) == 2
    assert hash_files(out) == before
    assert not leftovers(out)


def test_cache_skips_unchanged_inputs_and_rebuilds_on_content_change(project, hash_files, capsys):
    manifest, out = project
    # the copied output is up to date already, unless the package code changed since the session build
    build(manifest, out, CODEBOOK)
    before = hash_files(out)
    assert build(manifest, out, CODEBOOK) is False
    os.utime(manifest.parent / f"{ZJ}.txt", (1, 1))  # a new mtime alone changes nothing
    assert main(["build", "--manifest", str(manifest), "--out", str(out), "--codebook", str(CODEBOOK)]) == 0
    assert capsys.readouterr().out.startswith("up to date")
    assert hash_files(out) == before
    lines = manifest.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith(f"{ZJ},")
    lines[1] = re.sub(r"(,simplified,)[^,]*,", r"\1永康日报,", lines[1])  # Zhejiang's `source`
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert build(manifest, out, CODEBOOK) is True
    assert "永康日报" in (current(out) / "reports.csv").read_text(encoding="utf-8-sig")
    assert build(manifest, out, CODEBOOK) is False
