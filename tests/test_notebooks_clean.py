"""Committed notebooks carry no outputs and run on the project kernel."""

import json

import pytest

from helpers.config import KERNEL_NAME, NOTEBOOKS_DIR
from helpers.run_notebooks import numbered_notebooks

NOTEBOOKS = numbered_notebooks()


def dirty_cells(notebook: dict) -> list[int]:
    return [
        i
        for i, cell in enumerate(notebook["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]


def test_there_are_notebooks():
    assert NOTEBOOKS, f"no numbered notebooks in {NOTEBOOKS_DIR}"


def test_dirty_cells_detects_outputs():
    nb = {"cells": [{"cell_type": "code", "outputs": [{"output_type": "stream"}], "execution_count": 3}]}
    assert dirty_cells(nb) == [0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stripped_and_uses_project_kernel(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert dirty_cells(notebook) == [], f"{path.name} has outputs: run nbstripout"
    assert notebook["metadata"]["kernelspec"]["name"] == KERNEL_NAME
    tagged = [c for c in notebook["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"
    ids = [cell.get("id") for cell in notebook["cells"]]
    assert len(set(ids)) == len(ids), f"{path.name} repeats a cell id (a merge of two sections?)"
