"""Every notebook executes headless in a fresh project kernel; its figures are valid and deterministic.

Everything is written to temp folders (processed data, figures, executed notebooks, HTML), never the
repository's outputs."""

import hashlib
import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from helpers.config import PROJ_ROOT, RAW_DIR
from helpers.run_notebooks import Folders, execute, execute_many, numbered_notebooks

pytestmark = pytest.mark.slow
GLYPH = re.compile(r"missing from font|Glyph \d+")


def test_running_the_notebooks_never_writes_raw_data_or_the_repository_outputs(
    outputs, raw_before_run, repo_outputs_before, repo_outputs, hash_files
):
    assert hash_files(RAW_DIR) == raw_before_run
    assert repo_outputs() == repo_outputs_before


def _output_text(notebook: dict) -> str:
    texts = []
    for cell in notebook["cells"]:
        for out in cell.get("outputs", []):
            texts.append("".join(out.get("text", "")))
            texts += ["".join(v) for k, v in out.get("data", {}).items() if k.startswith("text/")]
    return "\n".join(texts)


@pytest.mark.parametrize("source", numbered_notebooks(), ids=lambda p: p.name)
def test_notebook_executes_without_errors_or_tofu(outputs, source):
    executed = json.loads((outputs.notebooks / source.name).read_text(encoding="utf-8"))
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors
    assert not GLYPH.findall(_output_text(executed))
    assert (outputs.html / f"{source.stem}.html").stat().st_size > 10_000
    assert f"{source.stem}.html" in (outputs.html / "index.html").read_text(encoding="utf-8")


def _indexed_figures(figures) -> list[str]:
    return re.findall(r"^\| \[([^\]]+\.png)\]", (figures / "README.md").read_text(encoding="utf-8"), re.M)


def promises_figures(notebook) -> bool:
    """The notebook's first cell (question, inputs, outputs) names files in figures/."""
    return "figures/" in "".join(json.loads(notebook.read_text(encoding="utf-8"))["cells"][0]["source"])


def test_every_notebook_saves_the_figures_it_promises(figures):
    prefixes = {name[:2] for name in _indexed_figures(figures)}
    assert prefixes == {nb.name[:2] for nb in numbered_notebooks() if promises_figures(nb)}


def test_indexed_figures_are_valid_readable_images(figures):
    names = _indexed_figures(figures)
    assert names
    for name in names:
        with Image.open(figures / name) as im:
            assert im.format == "PNG"
            assert im.width >= 600 and im.height >= 400, f"{name} is {im.size}"
            assert np.asarray(im.convert("L")).var() > 0, f"{name} is blank"
            assert im.info.get("Description"), f"{name} has no caption"
        ET.parse(figures / name.replace(".png", ".svg"))


def _hashes(folder, pattern="*.*g") -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob(pattern))}


def test_figures_are_byte_identical_across_runs_and_working_dirs(figures, processed_root, tmp_path):
    """Re-run the first notebook with the kernel started at the project root instead of notebooks/."""
    first = numbered_notebooks()[0]
    again = Folders(tmp_path / "notebooks", tmp_path / "html", tmp_path / "figures")
    execute(first, again, cwd=PROJ_ROOT, processed=processed_root)
    before = _hashes(figures, f"{first.name[:2]}_*.*")
    assert before and before == _hashes(again.figures)


def test_every_figure_is_byte_identical_when_regenerated(figures, processed_root, tmp_path):
    again = Folders(tmp_path / "notebooks", tmp_path / "html", tmp_path / "figures")
    execute_many(dict.fromkeys(numbered_notebooks(), ""), again, processed=processed_root)
    assert _hashes(figures) and _hashes(again.figures) == _hashes(figures)
