"""The processed folder as a build leaves it: an output set (:mod:`helpers.outputs`) whose every version
holds the tables and their record ``build.json``. Reading the record needs no pandas, so the notebook
runner checks a build here without loading :mod:`helpers.build`."""

from pathlib import Path

from . import provenance
from .config import processed_dir
from .errors import InputError
from .outputs import OutputSet, current

BUILD_INFO = "build.json"  # what the tables were built from: inputs, grouping columns, every table's hash
LEGACY_OUTPUTS = ("*.csv", "_inputs.sha256", BUILD_INFO)  # what releases before versioned folders wrote


def processed_set(out: Path) -> OutputSet:
    """The processed folder as an output set of its own (see :mod:`helpers.outputs`)."""
    return OutputSet(out, {Path(out): LEGACY_OUTPUTS})


def build_info(processed: Path | None = None) -> dict:
    """``build.json`` of the current version of a processed folder (default
    :func:`helpers.config.processed_dir`): what it was built from. Raises InputError when the folder
    holds no finished build."""
    folder = Path(processed or processed_dir())
    info = provenance.read(current(folder), BUILD_INFO)
    if not info:
        raise InputError(
            folder, "no processed data here", "build it first: `python -m helpers build` (make data)"
        )
    return info


def input_file(name: str, processed: Path | None = None) -> Path:
    """The input file (``userdict``, ``stopwords``, ``codebook`` or ``labels``) a processed folder was built
    with, as recorded in its ``build.json``."""
    return Path(build_info(processed)["inputs"][name]["path"])
