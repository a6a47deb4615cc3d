"""Parameterised runs (papermill): figures of a run with other parameters go to a folder of their own.

A notebook calls :func:`start_run` right after its parameters cell. When every parameter has its default (the
value in the notebook's own ``parameters`` cell) and ``figures_out`` is empty, nothing changes: figures go to
:func:`helpers.outputs.figures_dir` (``figures/``, or the folder ``make figures OUT=…`` names). Otherwise —
``papermill … -p min_count 5`` — the run's figures go to ``figures_out`` (relative to the project folder,
whatever the kernel's working folder) or, by default, to
``build/runs/<notebook>-<hash of the parameters>/``, never silently over ``figures/``; ``parameters.json``
there records the notebook, every parameter, the changed ones with their defaults, and the processed folder
read; and every figure saved in the run carries a footnote naming the changed parameters (appended to its
caption too), so a figure made with ``min_count = 5`` cannot pass for one made with the defaults.

The run is the kernel's environment: ``HELPERS_FIGURES`` (so :func:`helpers.outputs.figures_dir` and every
figure follow it) and ``HELPERS_RUN_NOTE`` (read by :func:`helpers.plots.save_figure`); a later default run
in the same kernel restores them. The defaults are read from the parameters cell with Python's ``ast``
(papermill's own parser skips a line whose comment holds an ``=``); a default that is not a literal is left
out of the comparison.
"""

import ast
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .config import BUILD_DIR, FIGURES_ENV, NOTEBOOKS_DIR, PROJ_ROOT, RUN_NOTE_ENV, processed_dir
from .io import write_text
from .outputs import figures_dir

RUNS_DIR = BUILD_DIR / "runs"
PARAMETERS_FILE = "parameters.json"
FOLDER_PARAMETER = "figures_out"  # the parameter naming a run's figure folder ("" = under RUNS_DIR)
_STARTED_WITH = os.environ.get(FIGURES_ENV)  # the kernel's figures folder as it was started (make figures)


def notebook_defaults(notebook: Path) -> dict:
    """Name → default value of each literal assignment in ``notebook``'s cell tagged ``parameters``.
    Raises ValueError when the notebook has no such cell."""
    import nbformat

    cells = nbformat.read(notebook, as_version=4).cells
    cell = next((c for c in cells if "parameters" in c.metadata.get("tags", [])), None)
    if cell is None:
        raise ValueError(f"{notebook.name}: no cell tagged 'parameters'")
    defaults = {}
    for node in ast.parse(cell.source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                defaults[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return defaults


@dataclass(frozen=True)
class Run:
    """A notebook run: the ``folder`` its figures go to, its ``parameters`` and the ``changed`` ones
    (name → (value, default); empty for a default run)."""

    notebook: str
    folder: Path
    parameters: dict = field(default_factory=dict)
    changed: dict = field(default_factory=dict)

    @property
    def note(self) -> str:
        """The footnote of the run's figures ("" for a default run)."""
        if not self.changed:
            return ""
        shown = "; ".join(f"{k} = {v!r} (default {d!r})" for k, (v, d) in self.changed.items())
        return f"Parameters changed from the notebook's defaults: {shown}"


def _set_environment(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def start_run(notebook: str, namespace: dict) -> Run:
    """Start the run of ``notebooks/<notebook>.ipynb`` whose parameter values are in ``namespace`` (the
    notebook's ``globals()``). A parameterised run (a value differs from its default, or ``figures_out`` is
    set) writes ``parameters.json`` to its folder, sends this kernel's later figures there with its note, and
    prints one line saying so. Raises ValueError when the notebook has no parameters cell."""
    defaults = notebook_defaults(NOTEBOOKS_DIR / f"{notebook}.ipynb")
    parameters = {k: namespace[k] for k in defaults if k in namespace}
    changed = {
        k: (v, defaults[k]) for k, v in parameters.items() if k != FOLDER_PARAMETER and v != defaults[k]
    }
    out = parameters.get(FOLDER_PARAMETER) or ""
    if not changed and not out:
        _set_environment(FIGURES_ENV, _STARTED_WITH)
        _set_environment(RUN_NOTE_ENV, None)
        return Run(notebook, figures_dir(), parameters)
    digest = hashlib.sha256(json.dumps(parameters, sort_keys=True, default=str).encode()).hexdigest()[:10]
    folder = PROJ_ROOT / out if out else RUNS_DIR / f"{notebook}-{digest}"  # relative: to the project
    run = Run(notebook, folder.resolve(), parameters, changed)
    record = {
        "notebook": f"notebooks/{notebook}.ipynb",
        "parameters": parameters,
        "changed": {k: {"value": v, "default": d} for k, (v, d) in changed.items()},
        "processed": str(processed_dir().resolve()),
    }
    text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"
    write_text(run.folder / PARAMETERS_FILE, text)
    _set_environment(FIGURES_ENV, str(run.folder))
    _set_environment(RUN_NOTE_ENV, run.note or None)
    print(f"{run.note or 'figures_out is set'}: figures go to {run.folder} (see {PARAMETERS_FILE}).")
    return run
