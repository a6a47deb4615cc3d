"""Atomic, deterministic writes: a temp file in the target folder, then a rename."""

import codecs
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .faults import check_write


def write_atomic(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` and move the result onto ``path`` only if it succeeded."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        check_write(path)
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text with LF line endings, atomically."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline="\n"))


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write a CSV with a stable format (no index, LF endings), atomically, in UTF-8 with a byte-order mark:
    the BOM makes Excel in a Chinese (or any) locale read it as UTF-8 instead of the ANSI code page."""

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as f:
            f.write(codecs.BOM_UTF8)
            df.to_csv(f, index=False, encoding="utf-8", lineterminator="\n")

    return write_atomic(path, write)
