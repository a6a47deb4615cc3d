"""The headless runner on two small notebooks in temp folders: a failing cell names its notebook and cell
(no ANSI codes); a notebook re-runs exactly when it, or one of its outputs, changed; a notebook run by
hand makes the record stale; a killed run leaves the previous set complete; a locked set waits."""

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

import nbformat
import pytest
from test_memory import ARROW_DROPPED

from helpers import run_notebooks
from helpers.config import JOBS_ENV, KERNEL_NAME, MANIFEST
from helpers.errors import NotebookFailed
from helpers.outputs import LOCK, POINTER, current
from helpers.run_notebooks import Folders, execute, is_fresh, notebook_inputs, run_all

pytestmark = pytest.mark.slow

FIGURE = """import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from helpers.plots import style
fig, ax = plt.subplots(figsize=(4, 3))
ax.plot(range(n))
style.save_figure(fig, "{name}", "A line of {{n}} points.".format(n=n))"""


def _notebook(path, *sources, parameters=None):
    cells = [nbformat.v4.new_code_cell(s) for s in sources]
    if parameters:
        cells.insert(0, nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    nb = nbformat.v4.new_notebook(
        cells=cells,
        metadata={"kernelspec": {"name": KERNEL_NAME, "display_name": KERNEL_NAME, "language": "python"}},
    )
    nbformat.write(nb, path)
    return path


def _paths(folder: Path, processed: Path) -> dict[str, Path]:
    return {
        "notebooks_dir": folder / "notebooks",
        "build_dir": folder / "build",
        "figures_dir": folder / "figures",
        "processed": processed,
    }


def _executed(output: str) -> set[str]:
    return set(re.findall(r"(\S+\.ipynb): executed", output))


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, processed_root) -> tuple[Path, set[str]]:
    """Two notebooks that each save one figure, run once (two at a time) into a template project; the
    template's folder and the notebooks that run executed. Each test works on a copy."""
    folder = tmp_path_factory.mktemp("runner")
    paths = _paths(folder, processed_root)
    paths["notebooks_dir"].mkdir()
    _notebook(paths["notebooks_dir"] / "01_a.ipynb", FIGURE.format(name="01_line"), parameters="n = 3")
    _notebook(paths["notebooks_dir"] / "02_b.ipynb", FIGURE.format(name="02_line"), parameters="n = 4")
    output = io.StringIO()
    with redirect_stdout(output):
        run_all(jobs=2, **paths)
    return folder, _executed(output.getvalue())


@pytest.fixture
def project(first_run, tmp_path, processed_root) -> dict[str, Path]:
    """A copy of the template project after its first run: the runner's arguments."""
    shutil.copytree(first_run[0], tmp_path / "project")
    return _paths(tmp_path / "project", processed_root)


def run(project, capsys) -> set[str]:
    """Run the runner; return the notebooks it executed."""
    run_all(jobs=1, **project)
    return _executed(capsys.readouterr().out)


def folders(project) -> Folders:
    build = project["build_dir"]
    return Folders(
        *(current(r, build) for r in (build / "notebooks", build / "html", project["figures_dir"]))
    )


def test_the_runner_loads_no_data_libraries_while_the_kernels_run(tmp_path):
    """``python -m helpers notebooks --manifest M``, in a fresh interpreter, builds ``M`` and reaches the
    kernels holding none of pandas, pyarrow, numpy, scipy or matplotlib (the build runs in a process of its
    own): the runner loads them only once the kernels are done (it writes the explorer)."""
    heavy = ("pandas", "pyarrow", "numpy", "scipy", "matplotlib")
    out = tmp_path / "out"
    probe = f"""import sys
from helpers import __main__, run_notebooks
run_notebooks.run_all = lambda *a, **k: print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))
sys.exit(__main__.main(["notebooks", "--manifest", {str(MANIFEST)!r}, "--out", {str(out)!r}, "--jobs", "1"]))
"""
    command = [sys.executable, "-c", probe]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "[]"
    assert (current(out / "processed") / "build.json").is_file()  # it did build


def test_failing_cell_names_notebook_and_cell_without_ansi(tmp_path):
    nb = _notebook(tmp_path / "09_broken.ipynb", "x = 1", "raise ValueError('no such theme: digitisation')")
    out = Folders(tmp_path / "nb", tmp_path / "html", tmp_path / "figures")
    with pytest.raises(
        NotebookFailed, match=r"09_broken\.ipynb: cell 1 failed: ValueError: no such theme"
    ) as err:
        execute(nb, out)
    assert "\x1b" not in str(err.value) and "\n" not in str(err.value)
    assert not (out.notebooks / "09_broken.ipynb").exists()


def test_the_kernel_gets_the_runners_jobs(tmp_path):
    nb = _notebook(tmp_path / "09_jobs.ipynb", f"import os\nassert os.environ[{JOBS_ENV!r}] == '3'")
    out = Folders(tmp_path / "nb", tmp_path / "html", tmp_path / "figures")
    execute(nb, out, jobs=3)
    assert (out.notebooks / "09_jobs.ipynb").exists()


def test_a_cells_result_is_shown_but_not_kept_by_the_kernel(tmp_path):
    """A cell ending in a large table shows it, and the kernel frees it once the notebook drops it (no
    ``Out[n]`` or ``_`` holding every result to the end of the run; IPython keeps only the latest cell's)."""
    made = "import weakref\nclass Table(list): ...\ntable = Table(range(3))\nkept = weakref.ref(table)\ntable"
    freed = "import gc\ngc.collect()\nassert kept() is None, 'a displayed result is still held'"
    nb = _notebook(tmp_path / "09_results.ipynb", made, "del table", freed)
    out = Folders(tmp_path / "nb", tmp_path / "html", tmp_path / "figures")
    execute(nb, out)
    shown = nbformat.read(out.notebooks / "09_results.ipynb", as_version=4).cells[0].outputs
    assert [o.output_type for o in shown] == ["execute_result"] and shown[0].data["text/plain"] == "[0, 1, 2]"


def test_the_kernel_hands_back_what_a_cell_freed(tmp_path):
    """320 MB of Arrow buffers a cell made and dropped are not resident in the next cell (the runner's kernels
    release memory after every cell: ``helpers.memory`` as an IPython extension)."""
    returned = "assert after_del - psutil.Process().memory_info().rss > 200 * 2**20, 'still resident'"
    nb = _notebook(tmp_path / "09_memory.ipynb", ARROW_DROPPED, returned)
    execute(nb, Folders(tmp_path / "nb", tmp_path / "html", tmp_path / "figures"))


@pytest.mark.parametrize(
    ("code", "problem"),
    [("import os\nos._exit(1)", "the kernel died"), ("import time\ntime.sleep(60)", "ran over 5 s")],
)
def test_a_dead_or_stuck_kernel_is_one_line_naming_notebook_and_cell(tmp_path, monkeypatch, code, problem):
    monkeypatch.setattr(run_notebooks, "TIMEOUT", 5)
    nb = _notebook(tmp_path / "09_dies.ipynb", "x = 1", code, "y = 2")
    out = Folders(tmp_path / "nb", tmp_path / "html", tmp_path / "figures")
    with pytest.raises(NotebookFailed) as err:
        execute(nb, out)
    assert str(err.value).startswith(f"{nb}: cell 1: {problem}") and "\n" not in str(err.value)
    assert not (out.notebooks / "09_dies.ipynb").exists()


def test_outputs_are_part_of_the_stamp(first_run, project, capsys, tmp_path):
    assert first_run[1] == {"01_a.ipynb", "02_b.ipynb"}
    assert run(project, capsys) == set()  # up to date
    one = folders(project)
    index = (one.figures / "README.md").read_text(encoding="utf-8")
    assert "01_line.png" in index and "02_line.png" in index
    assert 'src="../../../figures/v1/01_line.png"' in (one.html / "index.html").read_text(encoding="utf-8")
    record = json.loads((one.figures / "provenance.json").read_text(encoding="utf-8"))
    assert record["notebooks"]["01_a.ipynb"]["parameters"] == "n = 3"
    assert set(record["outputs"]) == {"01_line.png", "01_line.svg", "02_line.png", "02_line.svg", "README.md"}
    assert record["packages"]["nbclient"]
    # every kind of output, deleted or edited, makes its notebook (and only that one) stale
    notebooks = {nb: project["notebooks_dir"] / nb for nb in ("01_a.ipynb", "02_b.ipynb")}
    inputs = {nb: notebook_inputs(path, project["processed"]) for nb, path in notebooks.items()}
    changes = {
        "01_a.ipynb": [
            lambda f: (f.figures / "01_line.png").unlink(),
            lambda f: (f.notebooks / "01_a.ipynb").unlink(),
        ],
        "02_b.ipynb": [
            lambda f: (f.figures / "02_line.svg").write_text("<svg/>"),
            lambda f: (f.notebooks / "02_b.ipynb").write_text("{}"),
            lambda f: (f.html / "02_b.html").write_text("edited"),
            lambda f: shutil.copy(f.figures / "02_line.png", f.figures / "02_extra.png"),
        ],
    }
    changes["01_a.ipynb"].append(lambda f: (f.html / "01_a.html").unlink())
    for changed, edits in changes.items():
        for number, edit in enumerate(edits):
            copy = Folders(*(tmp_path / f"{changed}-{number}" / kind for kind in Folders._fields))
            for source, target in zip(one, copy, strict=True):
                shutil.copytree(source, target)
            edit(copy)
            for nb in notebooks:
                fresh = is_fresh(notebooks[nb], record["notebooks"][nb], inputs[nb], copy)
                assert fresh == (nb != changed), (changed, number, nb)
    # end to end: a deleted figure is made again, and only its notebook re-runs
    (one.figures / "01_line.png").unlink()
    assert run(project, capsys) == {"01_a.ipynb"}
    assert (folders(project).figures / "01_line.png").is_file()
    # a notebook run by hand (JupyterLab: into the current version, atomically) makes the record stale
    _save_by_hand(folders(project).figures)
    assert run(project, capsys) == {"02_b.ipynb"}
    final = folders(project)
    assert final.figures.name == "v3"
    assert sorted(p.name for p in project["figures_dir"].iterdir()) == ["v3"]  # no old versions left
    assert {p.name for p in project["build_dir"].iterdir()} <= {"notebooks", "html", POINTER, LOCK}


def _save_by_hand(folder: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.plots import style

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot(range(7))
    style.save_figure(fig, "02_line", "A line drawn by hand.", folder=folder)
    plt.close(fig)


def _runner(project, extra_env=None):
    """`run_all` on the project's folders in a real process of its own session."""
    args = ", ".join(f"{k}=Path({str(v)!r})" for k, v in project.items())
    code = f"from pathlib import Path\nfrom helpers.run_notebooks import run_all\nrun_all(jobs=1, {args})"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env={**os.environ, **(extra_env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def visible(project, hash_files) -> dict:
    """What readers find: the pointer and the current version of each folder of the set."""
    return {"pointer": (project["build_dir"] / POINTER).read_text()} | {
        str(folder): hash_files(folder) for folder in folders(project)
    }


def test_killed_run_leaves_the_previous_set_and_the_next_run_completes(project, capsys, hash_files):
    before = visible(project, hash_files)
    (project["notebooks_dir"] / "01_a.ipynb").write_text(
        (project["notebooks_dir"] / "01_a.ipynb").read_text().replace("n = 3", "n = 5")
    )
    _notebook(project["notebooks_dir"] / "02_b.ipynb", FIGURE.format(name="02_line"), parameters="n = 6")
    proc = _runner(project, {"HELPERS_KILL_AT": "notebook:01_a"})
    proc.communicate(timeout=300)
    assert proc.returncode == -9
    assert visible(project, hash_files) == before  # the previous set, complete, as it was
    assert run(project, capsys) == {"01_a.ipynb", "02_b.ipynb"}
    assert sorted(p.name for p in project["figures_dir"].iterdir()) == ["v2"]  # the killed v2 was replaced


def test_killing_the_process_group_leaves_no_process_and_the_previous_set(project, capsys, hash_files):
    """A timed kill of the whole process group (what Ctrl-C on `make figures` or a CI timeout does) while
    a kernel runs: every process of the run is gone, readers still find the previous set, and the next
    run completes it."""
    import psutil

    before = visible(project, hash_files)
    _notebook(
        project["notebooks_dir"] / "02_b.ipynb",
        "import time\ntime.sleep(120)",
        FIGURE.format(name="02_line"),
        parameters="n = 6",
    )
    proc = _runner(project)
    runner = psutil.Process(proc.pid)
    deadline = time.monotonic() + 240
    while not any("ipykernel" in " ".join(c.cmdline()) for c in _children(runner)):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.5)
    time.sleep(2)  # well inside the notebook's 120 s sleep
    family = [runner, *_children(runner)]
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    _, alive = psutil.wait_procs(family, timeout=30)  # kernels exit when the runner is gone
    assert not alive
    assert visible(project, hash_files) == before
    _notebook(project["notebooks_dir"] / "02_b.ipynb", FIGURE.format(name="02_line"), parameters="n = 6")
    assert run(project, capsys) == {"02_b.ipynb"}
    assert sorted(p.name for p in project["figures_dir"].iterdir()) == ["v2"]


def _children(process) -> list:
    try:
        return process.children(recursive=True)
    except Exception:  # the process is gone
        return []
