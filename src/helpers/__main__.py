"""Command line: ``python -m helpers build``, ``… notebooks``, ``… lab`` and ``… label`` (hand labels, see
:mod:`helpers.labelling`).

``build --manifest M --out DIR`` writes the processed tables of the corpus ``M`` to ``DIR`` (defaults:
``data/raw/manifest.csv`` → ``data/processed/``). ``notebooks --out DIR`` runs every notebook on
``DIR/processed`` and writes ``DIR/figures``, ``DIR/notebooks`` and ``DIR/html`` (default: the project's
``data/processed/``, ``figures/``, ``build/``); with ``--manifest M`` it first builds ``M`` there (cached), in
a process of its own (``build`` above), so that what the build held is handed back before the kernels start.
Without ``--manifest`` the notebooks read the processed folder as it is and never rebuild it.

Every failure the user can cause prints one line (file, problem, fix) and exits with its code (see
:mod:`helpers.errors`); ``--debug`` shows the traceback instead.

``lab --out DIR`` opens JupyterLab on the notebooks, with ``DIR/processed`` and ``DIR/figures`` as
their folders.
Each ``make`` option has its equivalent here: ``make data MANIFEST=M OUT=O STRICT=1`` is ``build --manifest M
--out O/processed --strict``; ``make figures MANIFEST=M OUT=O STRICT=1`` is ``notebooks --manifest M --out O
--strict``; ``make lab OUT=O`` is ``lab --out O``.
"""

import argparse
import os
import subprocess
import sys
import warnings
from pathlib import Path

from .codebook import REQUIRED_THEMES
from .config import (
    BUILD_DIR,
    FIGURES_DIR,
    FIGURES_ENV,
    MANIFEST,
    PROCESSED_DIR,
    PROCESSED_ENV,
    PROJ_ROOT,
    SEED,
)
from .errors import UserError, WriteError
from .outputs import LOCK_TIMEOUT


def _one_line(message, category, filename, lineno, line=None) -> str:
    return f"warning: {message}\n"


def output_dirs(out: Path | None) -> tuple[Path, Path, Path]:
    """``(processed, figures, build)`` folders: under ``out``, or the project's own."""
    if out is None:
        return PROCESSED_DIR, FIGURES_DIR, BUILD_DIR
    return out / "processed", out / "figures", out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--debug", action="store_true", help="show full tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build data/processed/ from the manifest (cached)")
    b.add_argument("--manifest", type=Path, default=MANIFEST, help="the corpus' manifest.csv")
    b.add_argument("--out", type=Path, default=PROCESSED_DIR, help="the processed folder")
    b.add_argument("--codebook", type=Path, default=None, help="overrides the codebook")
    b.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    b.add_argument("--strict", action="store_true", help="stop at a report no reader can read")
    b.add_argument(
        "--segmenter",
        choices=("rjieba", "jieba"),
        default="rjieba",
        help="rjieba: jieba-rs, fast (default); jieba: pure-Python jieba, the reference",
    )
    b.add_argument(
        "--jobs", type=int, default=None, help="processes for the per-report stages (default: usable cores)"
    )
    b.add_argument(
        "--engine",
        choices=("processes", "dask"),
        default="processes",
        help="processes: a local process pool (default); dask: a Dask bag (pip install -e '.[dask]')",
    )
    b.add_argument(
        "--dask-scheduler",
        default=None,
        help="with --engine dask: a running cluster's address (tcp://host:8786)",
    )
    n = sub.add_parser("notebooks", help="execute every notebook headless; export figures and HTML")
    n.add_argument("--manifest", type=Path, default=None, help="build this corpus first (cached)")
    n.add_argument("--out", type=Path, default=None, help="output folder (see above)")
    n.add_argument(
        "--strict", action="store_true", help="with --manifest: stop at a report no reader can read"
    )
    n.add_argument("--jobs", type=int, default=None, help="notebooks run in parallel (default: usable cores)")
    n.add_argument("--force", action="store_true", help="re-run notebooks even if nothing changed")
    lab = sub.add_parser("lab", help="open JupyterLab on the notebooks (reading OUT/processed with --out)")
    lab.add_argument("--out", type=Path, default=None, help="output folder of a `notebooks --out` run")
    for command in (b, n, lab):  # `--debug` also after the command (SUPPRESS keeps one given before it)
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
        )
    for command in (b, n):  # the commands that write outputs
        command.add_argument(
            "--lock-timeout",
            type=float,
            default=LOCK_TIMEOUT,
            help=f"seconds to wait while another run writes the same outputs (default {LOCK_TIMEOUT:.0f})",
        )
    _add_label_parser(sub, {"action": "store_true", "default": argparse.SUPPRESS, "help": "show tracebacks"})
    args = parser.parse_args(argv)
    warnings.formatwarning = _one_line
    warnings.simplefilter("once", UserWarning)
    try:
        try:
            if args.command == "label":
                from .labelling import run  # pandas: loaded only by the commands that use it

                return run(args)
            return _run(args)
        except OSError as err:
            if err.errno not in WriteError.ERRNOS:
                raise
            raise WriteError.from_os_error(err) from err
    except UserError as err:
        if args.debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code


def _add_label_parser(sub, common: dict) -> None:
    """The ``label`` command with its ``export``, ``import`` and ``freeze`` actions
    (:func:`helpers.labelling.run`)."""
    label = sub.add_parser("label", help="hand labels: export a coding sheet, import it, freeze the rules")
    actions = label.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="write a stratified, blind coding sheet (CSV + XLSX)")
    export.add_argument("--out", type=Path, required=True, help="the sheet's path (.csv; .xlsx beside it)")
    export.add_argument("--n", type=int, default=60, help="sentences to draw (default 60)")
    export.add_argument("--seed", type=int, default=SEED, help="random seed of the draw and the order")
    export.add_argument("--reports", default="", help="comma-separated report ids (default: all)")
    export.add_argument("--strata", default=",".join(REQUIRED_THEMES), help="themes that define the strata")
    export.add_argument("--coder", default="", help="pre-fill the coder column")
    export.add_argument("--manifest", type=Path, default=MANIFEST)
    export.add_argument("--processed", type=Path, default=PROCESSED_DIR)
    imp = actions.add_parser("import", help="validate a returned sheet and merge its labels")
    imp.add_argument("sheet", type=Path, help="the returned sheet (.xlsx, or .csv in UTF-8 or GB18030)")
    actions.add_parser("freeze", help="record the hash of the rules; later labels are held out")
    for action in actions.choices.values():
        if action is not export:
            action.add_argument("--manifest", type=Path, default=MANIFEST)
        action.add_argument("--codebook", type=Path, default=None, help="overrides the corpus' codebook")
        action.add_argument(
            "--validation-dir", type=Path, default=None, help="default: the folder of the corpus' hand labels"
        )
        action.add_argument("--debug", **common)


def _run(args: argparse.Namespace) -> int:
    if args.command == "lab":
        processed, figures, _ = output_dirs(args.out)
        env = os.environ | {PROCESSED_ENV: str(processed.resolve()), FIGURES_ENV: str(figures.resolve())}
        lab = [sys.executable, "-m", "jupyter", "lab", f"--notebook-dir={PROJ_ROOT}"]
        return subprocess.call(lab, env=env)
    if args.command == "build":
        from .build import build

        built = build(
            args.manifest,
            args.out,
            args.codebook,
            force=args.force,
            strict=args.strict,
            lock_timeout=args.lock_timeout,
            segmenter=args.segmenter,
            jobs=args.jobs,
            engine=args.engine,
            scheduler=args.dask_scheduler,
        )
        print(f"{'built' if built else 'up to date:'} {args.out}")
    else:
        from .parallel import usable_cores
        from .run_notebooks import run_all

        processed, figures, build_dir = output_dirs(args.out)
        if args.manifest is not None and (code := _build_first(args, processed)):
            return code
        jobs = args.jobs or usable_cores()
        run_all(jobs, args.force, build_dir, processed, figures, lock_timeout=args.lock_timeout)
    return 0


def _build_first(args: argparse.Namespace, processed: Path) -> int:
    """``build`` of ``args.manifest`` into ``processed`` in a child process (its one-line error, if any, is
    printed there); its exit code. The runner then holds none of the build's libraries or memory while the
    kernels run (a cold build of 10,000 reports left it ~1 GB)."""
    command = [sys.executable, "-m", "helpers", "build", "--manifest", str(args.manifest)]
    command += ["--out", str(processed), "--lock-timeout", str(args.lock_timeout)]
    command += ["--strict"] * args.strict + ["--debug"] * args.debug
    if args.jobs:
        command += ["--jobs", str(args.jobs)]
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
