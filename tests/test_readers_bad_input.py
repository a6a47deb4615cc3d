"""Bad input in the new formats, through the real CLI (`python -m helpers build` as a subprocess): one
line naming the file, the problem and the fix; exit status 2; the previous outputs untouched."""

import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from test_readers_formats import HTML, make_pdf

HEADER = "report_id,file,region,region_zh,format,script,source,published,url\n"
AMBIGUOUS = "福建\n".encode("gbk")  # GBK bytes that Big5 reads as well: the encoding cannot be told


def no_unicode_map(path: Path) -> Path:
    """The good PDF with its fonts' ToUnicode maps disabled: the text layer is glyph codes only."""
    make_pdf(path)
    path.write_bytes(path.read_bytes().replace(b"/ToUnicode", b"/ToUnicodX"))
    return path


# name → (file name, format, writer(path), regex the one line must match)
CASES = {
    "html_all_navigation": (
        "page.html",
        "html",
        lambda p: p.write_bytes((HTML / "all_navigation.html").read_bytes()),
        r"no main text",
    ),
    "pdf_no_text_layer": ("scan.pdf", "pdf", lambda p: make_pdf(p, text=False), r"no text layer.*OCR"),
    "pdf_glyph_codes": ("codes.pdf", "pdf", no_unicode_map, r"unusable.*OCR"),
    "pdf_encrypted": ("locked.pdf", "pdf", lambda p: make_pdf(p, encrypt=True), r"password-protected"),
    # A GBK file is read (its encoding is unambiguous); a short one that Big5 reads as well is refused.
    "txt_ambiguous": (
        "report.txt",
        "plain_text",
        lambda p: p.write_bytes(AMBIGUOUS),
        r"not UTF-8.*ambiguous.*(GB18030.*Big5|Big5.*GB18030).*`encoding` column",
    ),
}


@pytest.fixture(scope="module")
def runs(processed_root, tmp_path_factory, hash_files):
    """Every case in its own folder (manifest, file, copy of a good build), run in parallel."""

    def run(name, file, fmt, write, _):
        folder = tmp_path_factory.mktemp(name)
        write(folder / file)
        (folder / "manifest.csv").write_text(HEADER + f"r1,{file},Somewhere,某地,{fmt},simplified,,,\n")
        out = folder / "processed"
        shutil.copytree(processed_root, out)
        before = hash_files(out)
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "helpers",
                "build",
                "--manifest",
                str(folder / "manifest.csv"),
                "--out",
                str(out),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        return folder / file, proc, before, hash_files(out)

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(run, name, *case) for name, case in CASES.items()}
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_gets_one_line_and_leaves_outputs_alone(runs, case):
    path, proc, before, after = runs[case]
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert lines[0].startswith(f"error: {path}: ")
    assert re.search(CASES[case][3], lines[0]), lines[0]
    assert re.search(r"\. Fix: \S", lines[0])
    assert after == before
