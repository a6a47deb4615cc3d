"""helpers.runs: a run with other parameters than the notebook's defaults gets a folder of its own."""

import json
import os

import nbformat
import pytest

from helpers import runs
from helpers.config import FIGURES_ENV, RUN_NOTE_ENV

PARAMETERS = """# Parameters
min_count = 3  # tested if count >= min_count (an '=' in a comment)
focus = None
k_grid = [3, 4]
figures_out = ""
start = len("abc")  # not a literal: not compared
"""


@pytest.fixture
def notebook(tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]})]
    nbformat.write(nb, tmp_path / "09_test.ipynb")
    monkeypatch.setattr(runs, "NOTEBOOKS_DIR", tmp_path)
    monkeypatch.setattr(runs, "RUNS_DIR", tmp_path / "runs")
    monkeypatch.setattr(runs, "_STARTED_WITH", str(tmp_path / "figures"))
    monkeypatch.setenv(FIGURES_ENV, str(tmp_path / "figures"))
    monkeypatch.delenv(RUN_NOTE_ENV, raising=False)
    return tmp_path


def test_defaults_are_the_literals_of_the_parameters_cell(notebook):
    defaults = runs.notebook_defaults(notebook / "09_test.ipynb")
    assert defaults == {"min_count": 3, "focus": None, "k_grid": [3, 4], "figures_out": ""}


def test_a_default_run_keeps_the_figures_folder(notebook):
    run = runs.start_run("09_test", {"min_count": 3, "focus": None, "k_grid": [3, 4], "figures_out": ""})
    assert run.changed == {} and run.note == ""
    assert os.environ[FIGURES_ENV] == str(notebook / "figures") and RUN_NOTE_ENV not in os.environ
    assert not (notebook / "runs").exists()


def test_changed_parameters_get_a_run_folder_with_their_record(notebook):
    values = {"min_count": 5, "focus": ["B", "A"], "k_grid": [3, 4], "figures_out": ""}
    run = runs.start_run("09_test", values)
    assert run.folder.parent == notebook / "runs" and run.folder.name.startswith("09_test-")
    assert os.environ[FIGURES_ENV] == str(run.folder)
    assert (
        os.environ[RUN_NOTE_ENV]
        == run.note
        == (
            "Parameters changed from the notebook's defaults: min_count = 5 (default 3); "
            "focus = ['B', 'A'] (default None)"
        )
    )
    record = json.loads((run.folder / runs.PARAMETERS_FILE).read_text(encoding="utf-8"))
    assert record["parameters"] == values
    assert record["changed"] == {
        "min_count": {"value": 5, "default": 3},
        "focus": {"value": ["B", "A"], "default": None},
    }
    assert runs.start_run("09_test", values).folder == run.folder  # the same parameters, the same folder
    other = runs.start_run("09_test", values | {"min_count": 6})
    assert other.folder != run.folder

    runs.start_run("09_test", values | {"min_count": 3, "focus": None})  # back to the defaults
    assert os.environ[FIGURES_ENV] == str(notebook / "figures") and RUN_NOTE_ENV not in os.environ


def test_figures_out_names_the_folder(notebook):
    out = notebook / "mine"
    run = runs.start_run(
        "09_test", {"min_count": 3, "focus": None, "k_grid": [3, 4], "figures_out": str(out)}
    )
    assert run.folder == out.resolve() and run.changed == {}
    assert json.loads((out / runs.PARAMETERS_FILE).read_text(encoding="utf-8"))["changed"] == {}
