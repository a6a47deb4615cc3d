"""Command line: ``python -m helpers build`` and ``python -m helpers notebooks``."""

import argparse
import sys
from pathlib import Path

from .config import CODEBOOK, MANIFEST, PROCESSED_DIR
from .errors import InputError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__)
    parser.add_argument("--debug", action="store_true", help="show full tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build data/processed/ from the manifest (cached)")
    b.add_argument("--manifest", type=Path, default=MANIFEST)
    b.add_argument("--out", type=Path, default=PROCESSED_DIR)
    b.add_argument("--codebook", type=Path, default=CODEBOOK)
    b.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    n = sub.add_parser("notebooks", help="execute every notebook headless; export figures and HTML")
    n.add_argument("--jobs", type=int, default=2, help="notebooks run in parallel (default 2)")
    n.add_argument("--force", action="store_true", help="re-run notebooks even if nothing changed")
    for command in (b, n):  # `--debug` also after the command; SUPPRESS keeps a `--debug` given before it
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
        )
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            from .build import build

            built = build(args.manifest, args.out, args.codebook, force=args.force)
            print(f"{'built' if built else 'up to date:'} {args.out}")
        else:
            from .run_notebooks import NotebookFailed, run_all

            try:
                run_all(jobs=args.jobs, force=args.force)
            except NotebookFailed as err:
                print(f"error: {err}", file=sys.stderr)
                return 1
    except InputError as err:
        if args.debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
