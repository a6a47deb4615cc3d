"""Where a notebook's time goes: each notebook's code cells run as one script under ``cProfile``.

``python benchmarks/profile_notebooks.py [--processed DIR] [--figures DIR] [NOTEBOOK …]`` runs every numbered
notebook (or those named) in a fresh process from ``notebooks/``, exactly its code cells in order (outputs
discarded), and prints per notebook: the wall time of each code cell, then the cumulative seconds of the
phases that matter — imports, :func:`helpers.load_corpus` and :func:`helpers.plots.save_figure` (and within
it PNG and SVG writing) — and the 15 functions of the project with the largest cumulative time.
Figures go to ``--figures`` (default: a temporary folder), never over ``figures/``.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from helpers.config import FIGURES_ENV, NOTEBOOKS_DIR, PROCESSED_ENV
from helpers.run_notebooks import numbered_notebooks

PHASES = {  # phase → (file suffix, function name) whose cumulative time it is
    "load_corpus": ("helpers/build.py", "load_corpus"),
    "save_figure": ("helpers/plots/style.py", "save_figure"),
    "png": ("backend_agg.py", "print_png"),
    "svg": ("backend_svg.py", "print_svg"),
}


def _cumulative(stats: pstats.Stats, suffix: str, name: str) -> float:
    return sum(v[3] for (file, _, func), v in stats.stats.items() if func == name and file.endswith(suffix))


def profile_one(path: Path) -> dict:
    """Run ``path``'s code cells under cProfile in this process; wall seconds per cell and per phase."""
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    namespace = {"__name__": "__main__"}
    profiler = cProfile.Profile()
    seconds = []
    sink = io.StringIO()
    for cell in cells:
        start = time.perf_counter()
        stdout, sys.stdout = sys.stdout, sink
        try:
            profiler.runctx(compile(cell.source, path.name, "exec"), namespace, namespace)
        finally:
            sys.stdout = stdout
        seconds.append(time.perf_counter() - start)
    stats = pstats.Stats(profiler)
    phases = {k: _cumulative(stats, *v) for k, v in PHASES.items()}
    phases["imports (cells 1-2)"] = sum(seconds[:2])
    items = stats.stats.items()
    project = [(v[3], f"{Path(f).name}:{func}") for (f, _, func), v in items if "helpers" in f]
    project.sort(reverse=True)
    return {"total": sum(seconds), "cells": seconds, "phases": phases, "top": project[:15]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--processed", help="processed folder the notebooks read (default: the project's)")
    parser.add_argument("--figures", help="folder the figures go to (default: a temporary folder)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child process: profile this notebook
    args = parser.parse_args()
    if args.one:
        print(json.dumps(profile_one(Path(args.one))))
        return
    names = set(args.notebooks)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, FIGURES_ENV: args.figures or tmp}
        if args.processed:
            env[PROCESSED_ENV] = str(Path(args.processed).resolve())
        for nb in numbered_notebooks():
            if names and nb.name not in names and nb.stem[:2] not in names:
                continue
            out = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--one", str(nb)],
                cwd=NOTEBOOKS_DIR, env=env, capture_output=True, text=True, check=True,
            )  # fmt: skip
            result = json.loads(out.stdout.splitlines()[-1])
            print(f"## {nb.name}: {result['total']:.2f} s")
            print("cells: " + " ".join(f"{s:.2f}" for s in result["cells"]))
            print("phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in result["phases"].items()))
            for cumulative, name in result["top"]:
                print(f"  {cumulative:7.2f} s  {name}")


if __name__ == "__main__":
    main()
