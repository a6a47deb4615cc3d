"""The one visual identity: packaged CJK font, group colours, sizes, deterministic saving."""

from functools import cache
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib import font_manager

from ..config import figures_dir
from ..io import write_atomic

FONT_FILE = "NotoSansCJKsc-Regular.otf"
# One colour per group, by the group's position in the corpus (manifest order): the seven colours of the
# Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), then Paul Tol's "muted" scheme (Tol 2021,
# "Colour schemes", SRON/EPS/TN/09-002), both designed to stay distinct under the common colour-vision
# deficiencies. Black and grey are kept for axes and "no group"; past 16 groups the colours repeat (every
# figure also names its groups in text).
GROUP_PALETTE = (
    "#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
    "#332288", "#117733", "#882255", "#44AA99", "#999933", "#AA4499", "#DDCC77", "#88CCEE", "#CC6677",
)  # fmt: skip
NEUTRAL = "#7F7F7F"
FIG_WIDTH = 10.0
DPI = 200
SVG_SALT = "two-new-party-building"


@cache
def cjk_font_path() -> Path:
    """Path of Noto Sans CJK SC as shipped by the ``mplfonts`` package (no system font, no download)."""
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / FONT_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: reinstall the pinned mplfonts (make setup)")
    return path


@cache
def cjk_font_name() -> str:
    """Register the packaged CJK font with matplotlib and return its family name."""
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_style() -> str:
    """Apply the project style to matplotlib (CJK font first) and return the font family name."""
    family = cjk_font_name()
    mpl.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [family, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "font.size": 11,
            "axes.titlesize": 13,
            "axes.labelsize": 11,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.dpi": 100,
            "savefig.dpi": DPI,
            "savefig.bbox": "tight",
            "svg.fonttype": "path",
            "svg.hashsalt": SVG_SALT,
        }
    )
    return family


def group_colors(groups) -> dict[str, str]:
    """Group name → colour, by position in ``groups`` (pass every group of the corpus in manifest order, so
    a group keeps its colour in every figure); ``GROUP_PALETTE`` repeats past its 16 colours."""
    return {g: GROUP_PALETTE[i % len(GROUP_PALETTE)] for i, g in enumerate(dict.fromkeys(groups))}


def save_figure(fig: plt.Figure, name: str, caption: str, folder: Path | None = None) -> list[Path]:
    """Save ``fig`` as ``name``.png and .svg in ``folder`` (default :func:`helpers.config.figures_dir`),
    deterministic bytes; return the paths.

    ``name`` is ``<notebook number>_<what>`` (e.g. ``01_report_structure``); ``caption`` (one English
    sentence on what the figure shows) is stored in the files' Description metadata, from which the
    figure index ``figures/README.md`` is written. No timestamps or version strings are embedded.
    """
    paths = []
    png = {"Software": None, "Description": caption}
    svg = {"Date": None, "Creator": None, "Description": caption}
    for ext, metadata in (("png", png), ("svg", svg)):
        path = Path(folder or figures_dir()) / f"{name}.{ext}"
        write_atomic(path, lambda tmp, ext=ext, md=metadata: fig.savefig(tmp, format=ext, metadata=md))
        paths.append(path)
    return paths
