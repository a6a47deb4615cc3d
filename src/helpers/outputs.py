"""Output folders replaced as a whole, atomically, by one writer at a time.

An output set is one or more root folders (``data/processed``; or ``figures``, ``build/notebooks`` and
``build/html`` for the notebook runner). Each root holds complete versions ``v1``, ``v2`` … and the set
has one pointer file ``CURRENT`` naming the version readers use (:func:`current`). A writer holds the
set's lock (the ``filelock`` package; the lock file is ``.lock`` beside the pointer), writes a new
version next to the current one and then replaces the pointer with ``os.replace``: the only step a
reader can observe, atomic on every platform. There are no symlinks and no directory renames, so the
scheme works on Windows and network drives too. After the swap the writer deletes the other versions;
where a file is held open (Excel, a kernel on Windows) the deletion fails quietly and the next writer
retries. Leftovers of killed runs (half-written versions, temp pointer files, the ``.<name>.tmp-*``
folders of earlier releases) are deleted by whoever holds the lock, never by guessing from process ids.

A root from before this scheme (files directly in it, no pointer) is read as it is until the first
new version's pointer appears; its loose output files (by the patterns the caller names) are deleted
after that, so an existing clone migrates without a moment where no complete version is visible.
"""

import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from filelock import FileLock, Timeout

from .config import BUILD_DIR, FIGURES_DIR, FIGURES_ENV
from .errors import LockedError
from .faults import checkpoint
from .io import write_text

POINTER = "CURRENT"
LOCK = ".lock"
LOCK_TIMEOUT = 600.0  # seconds a second writer waits for the first before giving up
_VERSION = re.compile(r"v(\d+)")
_REPLACE_RETRIES = 50  # Windows refuses os.replace while a reader has the pointer open: retry briefly


def current(root: Path, pointer_dir: Path | None = None) -> Path:
    """The folder readers use: ``root/<version>`` named by the pointer, or ``root`` itself before the
    first versioned write. ``pointer_dir`` holds the pointer (default: ``root``)."""
    root = Path(root)
    name = _read_pointer(Path(pointer_dir or root))
    return root / name if name else root


def figures_dir() -> Path:
    """Where a notebook saves figures: the current version of ``figures/``, or of ``$HELPERS_FIGURES``
    (``OUT/figures``, whose pointer is in ``OUT``; while the runner executes a notebook, the new version
    it writes). A notebook run by hand thus updates the current version, which the runner's record then
    shows as changed, so the next run re-executes that notebook."""
    folder = os.environ.get(FIGURES_ENV)
    return current(Path(folder), Path(folder).parent) if folder else current(FIGURES_DIR, BUILD_DIR)


def _read_pointer(pointer_dir: Path) -> str | None:
    try:
        name = (pointer_dir / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name if _VERSION.fullmatch(name) else None


class OutputSet:
    """Root folders replaced together; ``legacy`` maps each root to the glob patterns of the output files
    an earlier, unversioned release wrote directly into it (deleted once a version supersedes them)."""

    def __init__(self, pointer_dir: Path, legacy: dict[Path, tuple[str, ...]]):
        self.pointer_dir = Path(pointer_dir)
        self.legacy = {Path(root): patterns for root, patterns in legacy.items()}

    @property
    def roots(self) -> list[Path]:
        return list(self.legacy)

    def version(self) -> str | None:
        return _read_pointer(self.pointer_dir)

    @contextmanager
    def locked(self, timeout: float = LOCK_TIMEOUT) -> Iterator["OutputSet"]:
        """Hold the set's lock (waiting up to ``timeout`` s with a one-line notice on stderr), then delete
        the leftovers of earlier runs. Raises :class:`LockedError` on timeout."""
        self.pointer_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.pointer_dir / LOCK)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            print(
                f"waiting for {self.pointer_dir}: another build or notebook run is writing it "
                f"(giving up after {timeout:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
            try:
                lock.acquire(timeout=timeout)
            except Timeout:
                raise LockedError(self.pointer_dir, timeout) from None
        try:
            self.clean()
            yield self
        finally:
            lock.release()

    @contextmanager
    def new_version(self, copy_current: bool = False) -> Iterator[dict[Path, Path]]:
        """A fresh version folder in every root (root → folder), optionally starting as a copy of the
        current one. It becomes current when the block ends without error; on error it is deleted.
        Call only while holding :meth:`locked`."""
        names = [n for root in self.roots if root.is_dir() for n in os.listdir(root)]
        name = f"v{max((int(m.group(1)) for m in map(_VERSION.fullmatch, names) if m), default=0) + 1}"
        folders = {root: root / name for root in self.roots}
        try:
            for root, folder in folders.items():
                if copy_current:
                    _copy_outputs(root, current(root, self.pointer_dir), folder, self.legacy[root])
                folder.mkdir(parents=True, exist_ok=True)
            yield folders
            checkpoint("before-swap")
            _replace_pointer(self.pointer_dir, name)
        except BaseException:
            for folder in folders.values():
                shutil.rmtree(folder, ignore_errors=True)
            raise
        checkpoint("after-swap")
        self.clean()

    def clean(self) -> None:
        """Delete everything of ours that is not the current version: other versions, temp pointers,
        superseded legacy files, legacy temp folders beside a root. Errors are ignored (retried later)."""
        version = self.version()
        for root in self.roots:
            for stale in root.parent.glob(f".{root.name}.tmp-*"), root.parent.glob(f".{root.name}.old-*"):
                for path in stale:
                    shutil.rmtree(path, ignore_errors=True)
            if not root.is_dir():
                continue
            for path in root.iterdir():
                ours = _VERSION.fullmatch(path.name) or path.name.startswith(f".{POINTER}.")
                superseded = version and any(path.match(p) for p in self.legacy[root]) and path.is_file()
                if (ours and path.name != version) or superseded:
                    _remove(path)


def _copy_outputs(root: Path, source: Path, target: Path, patterns: tuple[str, ...]) -> None:
    if source != root:
        shutil.copytree(source, target)
    elif root.is_dir():  # a legacy root: copy its output files only
        target.mkdir(parents=True)
        for pattern in patterns:
            for path in source.glob(pattern):
                if path.is_file():
                    shutil.copy2(path, target / path.name)


def _replace_pointer(pointer_dir: Path, name: str) -> None:
    for attempt in range(_REPLACE_RETRIES):
        try:
            write_text(pointer_dir / POINTER, name + "\n")
            return
        except PermissionError:  # Windows: a reader has the pointer open right now
            if attempt == _REPLACE_RETRIES - 1:
                raise
            time.sleep(0.1)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with suppress(OSError):
            path.unlink()
