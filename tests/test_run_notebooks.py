"""The headless runner: a failing cell names its notebook and cell; unchanged notebooks are not re-run."""

import nbformat
import pytest

from helpers.config import KERNEL_NAME
from helpers.run_notebooks import NotebookFailed, execute

pytestmark = pytest.mark.slow


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(s) for s in sources],
        metadata={"kernelspec": {"name": KERNEL_NAME, "display_name": KERNEL_NAME, "language": "python"}},
    )
    nbformat.write(nb, path)
    return path


def test_failing_cell_names_notebook_and_cell(tmp_path):
    nb = _notebook(tmp_path / "09_broken.ipynb", "x = 1", "raise ValueError('no such theme: digitisation')")
    with pytest.raises(NotebookFailed, match=r"09_broken\.ipynb: cell 1 failed: .*no such theme") as failed:
        execute(nb, build_dir=tmp_path / "build")
    assert "\x1b" not in str(failed.value), "the error line carries terminal colour codes"
    assert not (tmp_path / "build" / "notebooks" / "09_broken.ipynb").exists()


def test_unchanged_notebook_is_not_rerun(tmp_path):
    nb = _notebook(tmp_path / "09_ok.ipynb", "print('hello')")
    build = tmp_path / "build"
    assert execute(nb, build_dir=build)[1] > 0
    assert execute(nb, build_dir=build)[1] == 0  # up to date: skipped
    _notebook(nb, "print('changed')")
    assert execute(nb, build_dir=build)[1] > 0
    assert "changed" in (build / "notebooks" / "09_ok.ipynb").read_text(encoding="utf-8")
