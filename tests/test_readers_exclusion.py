"""A report no reader can read is left out with one warning line (file, problem, fix), listed in
``excluded.csv``, and the build goes on; ``--strict`` makes it fatal (one ``error:`` line, exit 2, previous
outputs untouched), also when the build is otherwise up to date. Through the real CLI."""

import importlib
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest
from test_readers_bad_input import AMBIGUOUS, HEADER
from test_readers_formats import HTML
from test_readers_formats import PLAIN as PLAIN_FIXTURES

from helpers import corpus
from helpers.__main__ import main
from helpers.build import build_frames
from helpers.errors import ReportExcluded
from helpers.outputs import current

build_module = importlib.import_module("helpers.build")  # `helpers.build` the attribute is the function

ROWS = (
    "good,good.txt,Somewhere,某地,,,,,\n"
    "gbk,gbk.txt,Elsewhere,别处,plain_text,,,,\n"
    "nav,nav.html,Elsewhere,别处,,,,,\n"
)


@pytest.fixture(scope="module")
def runs(processed_root, tmp_path_factory, hash_files):
    """The same corpus (one good report, a short GBK text Big5 reads too, an all-navigation page) built
    without and with --strict, in parallel: flag → (folder, process, out hashes before, after)."""
    folder = tmp_path_factory.mktemp("exclusion")
    (folder / "good.txt").write_bytes((PLAIN_FIXTURES / "paragraphs.txt").read_bytes())
    (folder / "gbk.txt").write_bytes(AMBIGUOUS)  # a GBK file is read; one Big5 reads too is not
    (folder / "nav.html").write_bytes((HTML / "all_navigation.html").read_bytes())
    (folder / "manifest.csv").write_text(HEADER + ROWS, encoding="utf-8")

    def run(flags):
        out = folder / f"processed{'-'.join(flags)}"
        shutil.copytree(processed_root, out)
        before = hash_files(out)
        args = ["build", "--manifest", str(folder / "manifest.csv"), "--out", str(out), *flags]
        proc = subprocess.run(
            [sys.executable, "-m", "helpers", *args], capture_output=True, text=True, timeout=300
        )
        return out, proc, before, hash_files(out)

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {flags: pool.submit(run, flags) for flags in [(), ("--strict",)]}
        return folder, {flags[0] if flags else "": future.result() for flags, future in futures.items()}


def test_unreadable_reports_are_left_out_with_one_line_each(runs):
    folder, results = runs
    out, proc, _, _ = results[""]
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in proc.stderr, proc.stderr
    for line, file, problem in zip(
        lines, ("gbk.txt", "nav.html"), (r"not UTF-8.*GB", r"no main text"), strict=True
    ):
        assert line.startswith(f"warning: {folder / file}: "), line
        assert re.search(problem, line) and "left out" in line and re.search(r"\. Fix: \S", line), line
    assert pd.read_csv(current(out) / "reports.csv").report_id.tolist() == ["good"]
    excluded = pd.read_csv(current(out) / "excluded.csv")
    assert excluded.report_id.tolist() == ["gbk", "nav"]
    assert excluded.file.tolist() == ["gbk.txt", "nav.html"]  # as in the manifest
    assert excluded.problem.str.contains("UTF-8|main text").all() and excluded.fix.str.len().gt(0).all()


def test_strict_makes_an_unreadable_report_fatal(runs):
    folder, results = runs
    _, proc, before, after = results["--strict"]
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"error: {folder / 'gbk.txt'}: ")
    assert after == before


def test_strict_refuses_an_up_to_date_build_with_excluded_reports(runs, capsys):
    folder, results = runs
    out = results[""][0]
    args = ["build", "--manifest", str(folder / "manifest.csv"), "--out", str(out)]
    assert main(args) == 0 and capsys.readouterr().out.startswith("up to date")
    assert main([*args, "--strict"]) == 2
    assert capsys.readouterr().err.startswith(f"error: {folder / 'gbk.txt'}: ")


def test_a_failing_reader_leaves_the_report_out_unless_strict(tmp_path, monkeypatch):
    """A reader that fails on an unforeseen page (here made to raise) costs that report, not the corpus."""
    monkeypatch.setattr(build_module, "stages", list)
    for name, fixture in (("good", "paragraphs"), ("odd", "lines")):
        (tmp_path / f"{name}.txt").write_bytes((PLAIN_FIXTURES / f"{fixture}.txt").read_bytes())
    (tmp_path / "manifest.csv").write_text(
        HEADER + "good,good.txt,Somewhere,某地,,,,,\nodd,odd.txt,Elsewhere,别处,,,,,\n", encoding="utf-8"
    )
    real = corpus.read_blocks

    def read_blocks(path, fmt, log, encoding=""):
        if path.name == "odd.txt":
            raise ValueError("boom")
        return real(path, fmt, log, encoding)

    monkeypatch.setattr(corpus, "read_blocks", read_blocks)
    with pytest.warns(ReportExcluded, match=r"odd\.txt: could not be read \(ValueError: boom\).*Fix: \S"):
        frames = build_frames(tmp_path / "manifest.csv")
    assert frames["reports"].report_id.tolist() == ["good"]
    assert frames["excluded"].report_id.tolist() == ["odd"]
    with pytest.raises(ValueError, match="boom"):
        build_frames(tmp_path / "manifest.csv", strict=True)


def test_notebooks_strict_stops_at_an_unreadable_report_before_any_notebook_runs(runs, tmp_path, capfd):
    """`make figures STRICT=1` without make: `notebooks --manifest M --out O --strict` (one line, exit 2)."""
    folder, _ = runs
    out = tmp_path / "out"
    args = ["notebooks", "--manifest", str(folder / "manifest.csv"), "--out", str(out), "--strict"]
    assert main(args) == 2
    assert capfd.readouterr().err.startswith(f"error: {folder / 'gbk.txt'}: ")  # printed by the build
    assert not (out / "notebooks").exists() and not (out / "figures").exists()
