"""Test-only fault injection, switched on by environment variables (never set in normal use).

``HELPERS_KILL_AT=<point>`` makes the process kill itself (SIGKILL where it exists) when it reaches the
named checkpoint, e.g. ``stage:vocabulary`` (after that build stage), ``table:tokens`` (after writing that
table), ``before-swap``/``after-swap`` (around the pointer swap), ``notebook:01_load_and_normalize`` (after
the runner finished that notebook). ``HELPERS_FAIL_WRITE=<errno name>:<file name>`` makes writing that
file fail as a full (``ENOSPC``) or read-only (``EROFS``) disk would. Kills and write failures are thus
deterministic, whatever the speed of the machine.
"""

import errno
import os
import signal
from pathlib import Path

KILL_AT = "HELPERS_KILL_AT"
FAIL_WRITE = "HELPERS_FAIL_WRITE"


def checkpoint(point: str) -> None:
    """Kill this process here if ``HELPERS_KILL_AT`` names ``point``."""
    if os.environ.get(KILL_AT) == point:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def check_write(path: Path) -> None:
    """Raise the ``OSError`` that ``HELPERS_FAIL_WRITE`` asks for when writing ``path``."""
    code, _, target = os.environ.get(FAIL_WRITE, "").partition(":")
    if target == Path(path).name and hasattr(errno, code):
        number = getattr(errno, code)
        raise OSError(number, os.strerror(number), str(path))
