"""Every path and project-wide constant, anchored on this file (never the current directory)."""

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
SEED = 20241111

if not (PROJ_ROOT / "pyproject.toml").is_file():  # pragma: no cover - guards a non-editable install
    raise ImportError(
        f"helpers is installed outside its project ({PROJ_ROOT}); install it with `pip install -e .` "
        "from the project root (make setup does this)."
    )
