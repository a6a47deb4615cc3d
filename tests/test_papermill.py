"""papermill runs of the notebooks, through its command line as a user types it: a parameter takes effect,
and a parameterised run writes its figures to a folder of its own (never over the default figures folder),
records its parameters there and labels its figures with what it changed."""

import json
import shutil
import subprocess
import sys

import nbformat
import pytest
from PIL import Image

from helpers.config import FIGURES_ENV, KERNEL_NAME, NOTEBOOKS_DIR, PROCESSED_ENV
from helpers.runs import PARAMETERS_FILE, RUNS_DIR

pytestmark = pytest.mark.slow


def papermill(notebook: str, out, env: dict, *args: str) -> nbformat.NotebookNode:
    """``papermill notebooks/<notebook>.ipynb out -k <kernel> --cwd notebooks ARGS``; the executed copy."""
    command = [sys.executable, "-m", "papermill", str(NOTEBOOKS_DIR / f"{notebook}.ipynb"), str(out)]
    command += ["-k", KERNEL_NAME, "--cwd", str(NOTEBOOKS_DIR), "--no-progress-bar", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return nbformat.read(out, as_version=4)


def texts(nb) -> list[str]:
    """Every text output of the executed notebook: streams and Markdown."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            found.append(output.get("text", "") + output.get("data", {}).get("text/markdown", ""))
    return found


def caption(png) -> str:
    with Image.open(png) as image:
        return image.info["Description"]


@pytest.fixture
def env(processed_root, tmp_path) -> dict:
    """Kernels read the session's processed folder; their default figures folder is an empty temp folder."""
    import os

    return os.environ | {PROCESSED_ENV: str(processed_root), FIGURES_ENV: str(tmp_path / "figures")}


def test_parameters_take_effect_and_figures_go_to_a_run_folder(env, corpus, tmp_path):
    for old in RUNS_DIR.glob("02_vocabulary_keyness-*"):
        shutil.rmtree(old)
    first, second = list(dict.fromkeys(corpus["reports"].region))[:2]  # the default focus pair
    focus = json.dumps([second, first], ensure_ascii=False)  # a list parameter, in YAML
    nb = papermill(
        "02_vocabulary_keyness", tmp_path / "02.ipynb", env, "-p", "min_count", "5", "-y", f"focus: {focus}"
    )

    pooled = corpus["frequencies"].groupby("term")["count"].sum()
    assert (pooled >= 5).sum() != (pooled >= 3).sum()  # 5 and the default 3 test different terms
    assert any(t.startswith(f"{(pooled >= 5).sum()} terms reach the minimum count of 5") for t in texts(nb))
    [line] = [t for t in texts(nb) if "figures go to" in t]
    folder = RUNS_DIR / line.split("figures go to ")[1].split(" (see")[0].rsplit("/", 1)[-1]
    record = json.loads((folder / PARAMETERS_FILE).read_text(encoding="utf-8"))
    assert record["parameters"]["min_count"] == 5 and record["parameters"]["top_n"] == 10
    assert record["changed"] == {
        "min_count": {"value": 5, "default": 3},
        "focus": {"value": [second, first], "default": None},
    }
    pngs = sorted(folder.glob("*.png"))
    assert len(pngs) >= 4 and all(p.stem.startswith("02_") for p in pngs)
    notes = ["min_count = 5 (default 3)", f"focus = {[second, first]!r} (default None)"]
    assert all(note in caption(p) for p in pngs for note in notes)
    assert caption(folder / "02_term_scatter.png").startswith(f"Focus pair {second} vs {first}:")
    assert not (tmp_path / "figures").exists()  # nothing written to the default figures folder
