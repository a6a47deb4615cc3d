"""Every path and project-wide constant, anchored on this file (never the current directory).

The output folders of a run can be moved (a second corpus, a test): ``processed_dir()`` and
:func:`helpers.outputs.figures_dir` read the environment variables ``HELPERS_PROCESSED`` and
``HELPERS_FIGURES``, which ``python -m helpers notebooks`` sets for the kernels it starts; unset, they are
the project's ``data/processed/`` and the current version of ``figures/``.
"""

import os
from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[2]

DATA_DIR = PROJ_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
DICT_DIR = DATA_DIR / "dictionaries"
CODEBOOK_DIR = DATA_DIR / "codebook"
VALIDATION_DIR = DATA_DIR / "validation"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
FIGURES_DIR = PROJ_ROOT / "figures"
BUILD_DIR = PROJ_ROOT / "build"

MANIFEST = RAW_DIR / "manifest.csv"
USER_DICT = DICT_DIR / "userdict.txt"
DOMAIN_STOPWORDS = DICT_DIR / "stopwords_domain.txt"
CODEBOOK = CODEBOOK_DIR / "themes.yml"
THEME_LABELS = VALIDATION_DIR / "theme_labels.csv"

KERNEL_NAME = "two-new-party-building"
PROCESSED_ENV, FIGURES_ENV = "HELPERS_PROCESSED", "HELPERS_FIGURES"
JOBS_ENV = "HELPERS_JOBS"  # the workers a notebook's computations use (helpers.parallel)
RUN_NOTE_ENV = "HELPERS_RUN_NOTE"  # a parameterised run's footnote for its figures (helpers.runs)
SEED = 20241111


def processed_dir() -> Path:
    """The processed folder notebooks read: ``$HELPERS_PROCESSED``, else ``data/processed/``."""
    return Path(os.environ.get(PROCESSED_ENV) or PROCESSED_DIR)


if not (PROJ_ROOT / "pyproject.toml").is_file():  # pragma: no cover - guards a non-editable install
    raise ImportError(
        f"helpers is installed outside its project ({PROJ_ROOT}); install it with `pip install -e .` "
        "from the project root (make setup does this)."
    )
