"""One error type for bad input: it names the file, the problem and the fix."""

from pathlib import Path


class InputError(Exception):
    """Bad input that the user can fix; the CLI prints it as one line."""

    def __init__(self, path: str | Path, problem: str, fix: str):
        self.path, self.problem, self.fix = str(path), problem, fix
        super().__init__(f"{self.path}: {problem}. Fix: {fix}")


class ReportExcluded(UserWarning):
    """A report no reader can read was left out of the build (the CLI prints it as one line)."""
