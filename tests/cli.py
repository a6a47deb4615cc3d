"""The real command line in a subprocess: ``python -m helpers build`` as a user types it."""

import os
import subprocess
import sys
from pathlib import Path


def cli_build(
    manifest: Path, out: Path, *extra: str, env: dict | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """``python -m helpers build --manifest … --out … *extra`` with ``env`` added to this environment;
    stdout and stderr captured as text."""
    command = [
        sys.executable,
        "-m",
        "helpers",
        "build",
        "--manifest",
        str(manifest),
        "--out",
        str(out),
        *extra,
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )
