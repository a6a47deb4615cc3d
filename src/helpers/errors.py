"""Failures the user can cause: each prints as one line naming the file, the problem and the fix, and
exits with its own code (``python -m helpers``; listed in the README's "Reliability" section).

Exit codes: 0 success; 1 an unexpected error (a bug: the traceback is shown); 2 bad input; 3 a notebook
failed; 4 the output folder is locked by another run; 5 an output could not be written (disk full,
read-only or no permission).
"""

import errno
from pathlib import Path

EXCLUDED_COLUMNS = ["report_id", "file", "problem", "fix"]  # the table of reports no reader could read


class UserError(Exception):
    """A failure the user can fix; ``str()`` is the one line the CLI prints, ``exit_code`` its status."""

    exit_code = 1

    def __init__(self, path: str | Path, problem: str, fix: str):
        self.path, self.problem, self.fix = str(path), problem, fix
        super().__init__(f"{self.path}: {problem}. Fix: {fix}")

    def __reduce__(self):  # pickled with its three fields, so a worker process can raise it in the parent
        return type(self), (self.path, self.problem, self.fix)


class InputError(UserError):
    """Bad input (a report, the manifest, the codebook …)."""

    exit_code = 2


class NotebookFailed(UserError):
    """A notebook raised: the message names the notebook, the cell and the error line."""

    exit_code = 3


class LockedError(UserError):
    """Another run held the output folder's lock for longer than the timeout."""

    exit_code = 4

    def __init__(self, folder: Path, timeout: float):
        super().__init__(
            folder,
            f"another build or notebook run kept this output folder locked for {timeout:.0f} s",
            "wait for it to finish (or stop it), or pass --lock-timeout SECONDS to wait longer",
        )


class WriteError(UserError):
    """An output could not be written; the previous outputs are unchanged."""

    exit_code = 5
    ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT})

    @classmethod
    def from_os_error(cls, err: OSError) -> "WriteError":
        problem = {errno.ENOSPC: "disk full", errno.EDQUOT: "disk quota exceeded", errno.EROFS: "read-only"}
        return cls(
            err.filename or "output",
            f"cannot write ({problem.get(err.errno, 'no permission')}: {err.strerror}); "
            "the previous outputs are unchanged",
            "free disk space or make the folder writable, or write elsewhere with --out",
        )


class ReportExcluded(UserWarning):
    """A report no reader can read was left out of the build (the CLI prints it as one line)."""
