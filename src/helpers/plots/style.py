"""The one visual identity: packaged CJK fonts, group colours, sizes, deterministic saving.

Fonts: Noto Sans CJK SC draws the basic CJK block and all of Extension A, but only about 2,000 of Extension
B's 42,720 characters (rare characters of personal and company names). Where it has no glyph, matplotlib
falls back glyph by glyph along ``font.family`` to Source Han Mono SC — the packaged CJK font with the most
ideographs (about 100 more, Extension B included; both ship with ``mplfonts``; no package on PyPI ships a
font covering all of Extension B) — and then to DejaVu Sans. A character none of them can draw would show as
an empty box: the figure's characters are checked against the fonts when it is saved (:func:`save_figure`;
word clouds, drawn with one font, by :mod:`helpers.plots.vocabulary`), and any such character is listed in
one :class:`MissingGlyphsWarning` — never silent boxes.
"""

import io
import os
import string
import unicodedata
import warnings
from collections.abc import Iterable
from functools import cache, partial
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.text import Text

from .. import provenance
from ..config import RUN_NOTE_ENV, processed_dir
from ..io import write_atomic
from ..outputs import current, figures_dir
from ..processed_folder import BUILD_INFO

FONT_FILE = "NotoSansCJKsc-Regular.otf"
FALLBACK_FONT_FILE = "SourceHanMonoSC-Regular.otf"  # glyphs Noto Sans CJK SC lacks (see the module docstring)
LATIN_FONT = "DejaVu Sans"  # matplotlib's own font, last in the chain
# One colour per group, by the group's position in the corpus (manifest order): the colours of the
# Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), then Paul Tol's "muted" scheme (Tol 2021,
# "Colour schemes", SRON/EPS/TN/09-002), both designed to stay distinct under the common colour-vision
# deficiencies. The three faintest on white (pale blue, the yellows) come last. Black and grey are kept for
# axes and "no group"; past 16 groups the colours repeat (every figure also names its groups in text).
GROUP_PALETTE = (
    "#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#332288", "#117733",
    "#882255", "#44AA99", "#999933", "#AA4499", "#CC6677", "#88CCEE", "#DDCC77", "#F0E442",
)  # fmt: skip
NEUTRAL = "#7F7F7F"
FIG_WIDTH = 10.0
LEGEND_COLUMNS = 6  # group names per legend row
DPI = 200
SVG_SALT = "two-new-party-building"


class MissingGlyphsWarning(UserWarning):
    """Characters of a figure that no packaged font can draw (they show as empty boxes)."""


@cache
def _packaged_font(file: str) -> Path:
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / file
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: reinstall the pinned mplfonts (make setup)")
    return path


def cjk_font_path() -> Path:
    """Path of Noto Sans CJK SC as shipped by the ``mplfonts`` package (no system font, no download)."""
    return _packaged_font(FONT_FILE)


def cjk_font_subset(text: str) -> bytes:
    """The packaged CJK font cut down to the characters of ``text`` plus printable ASCII, as WOFF
    (fontTools' subsetter; no hinting and no OpenType layout features, which horizontal Chinese text does not
    need and which double the size; no timestamp, so the same text gives the same bytes)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff"
    options.hinting = False
    options.layout_features = []
    font = TTFont(cjk_font_path(), lazy=True, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text) | set(string.printable))))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


@cache
def _family(path: Path) -> str:
    """Register a packaged font with matplotlib and return its family name. A system font of the same
    name (e.g. Debian's fonts-noto-cjk) is taken off matplotlib's list: every machine draws with one file."""
    manager = font_manager.fontManager
    manager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    manager.ttflist = [f for f in manager.ttflist if f.name != name or Path(f.fname) == path]
    font_manager.FontManager._findfont_cached.cache_clear()  # drop lookups made before
    return name


def cjk_font_name() -> str:
    """Register the packaged CJK font with matplotlib and return its family name."""
    return _family(cjk_font_path())


def font_chain() -> tuple[Path, ...]:
    """The figure fonts in fallback order: Noto Sans CJK SC, Source Han Mono SC, DejaVu Sans."""
    latin = font_manager.findfont(font_manager.FontProperties(family=LATIN_FONT), fallback_to_default=False)
    return cjk_font_path(), _packaged_font(FALLBACK_FONT_FILE), Path(latin)


@cache
def _codepoints(path: Path) -> frozenset[int]:
    return frozenset(font_manager.get_font(str(path)).get_charmap())  # FreeType's cmap, as drawn


def undrawable(texts: Iterable[str], fonts: Iterable[Path] | None = None) -> list[str]:
    """The distinct characters of ``texts`` (sorted) that none of ``fonts`` (default :func:`font_chain`) has a
    glyph for; whitespace, control and format characters, which are never drawn, are not listed."""
    covered = frozenset().union(*(_codepoints(Path(p)) for p in fonts or font_chain()))
    chars = {c for text in texts for c in text if not c.isspace()}
    return sorted(c for c in chars if ord(c) not in covered and unicodedata.category(c) not in ("Cc", "Cf"))


def warn_undrawable(texts: Iterable[str], what: str, fonts: Iterable[Path] | None = None) -> list[str]:
    """Warn once (:class:`MissingGlyphsWarning`) listing the characters of ``texts`` no font can draw in
    ``what`` (e.g. ``figure 04_voices``); return them."""
    missing = undrawable(texts, fonts)
    if missing:
        listed = ", ".join(f"{c} (U+{ord(c):04X})" for c in missing)
        warnings.warn(
            f"{what}: {len(missing)} character(s) no packaged font can draw, shown as empty boxes: {listed}",
            MissingGlyphsWarning,
            stacklevel=3,
        )
    return missing


def use_style() -> str:
    """Apply the project style to matplotlib (CJK font first) and return the font family name."""
    family = cjk_font_name()
    mpl.rcParams.update(
        {
            # a list of families: matplotlib draws each glyph with the first of them that has it
            "font.family": [family, _family(_packaged_font(FALLBACK_FONT_FILE)), LATIN_FONT],
            "font.sans-serif": [family, LATIN_FONT],
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


def largest_groups(groups, colors: dict[str, str], cap: int) -> list[str]:
    """The groups of ``groups`` (report_id → group) in the order of ``colors``; past ``cap`` of them, the
    ``cap`` with the most reports (ties: the first in that order)."""
    sizes = groups.value_counts()
    shown = [g for g in colors if g in sizes.index]
    largest = set(sorted(shown, key=lambda g: (-sizes[g], shown.index(g)))[:cap])
    return [g for g in shown if g in largest]


def title_and_legend(fig: plt.Figure, title: str, colors: dict[str, str], fontsize: int = 12) -> float:
    """The figure's title at the top and, below it, a legend of every group's colour in rows of at most
    ``LEGEND_COLUMNS``; returns the top of the space left for the axes, as a fraction of the figure height
    (``fig.tight_layout(rect=(0, 0, 1, top))``)."""
    from matplotlib.patches import Patch

    height = fig.get_figheight()
    fig.suptitle(title, y=1 - 0.08 / height, va="top", fontsize=fontsize)
    handles = [Patch(color=c, label=g) for g, c in colors.items()]
    ncol = max(1, min(len(handles), LEGEND_COLUMNS))
    rows = -(-len(handles) // ncol)
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1 - 0.42 / height), ncol=ncol,
               frameon=False, fontsize=9)  # fmt: skip
    return 1 - (0.45 + 0.22 * rows) / height


def save_figure(fig: plt.Figure, name: str, caption: str, folder: Path | None = None) -> list[Path]:
    """Save ``fig`` as ``name``.png and .svg, deterministic bytes; return the paths.

    ``name`` is ``<notebook number>_<what>`` (e.g. ``01_report_structure``); ``caption`` (one English
    sentence on what the figure shows) is stored in the files' Description metadata, from which the
    figure index ``figures/README.md`` is written; the Source metadata names the processed data it was
    drawn from (the inputs' hash in its ``build.json``). No timestamps or version strings are
    embedded. Each file is written atomically to ``folder`` (default :func:`helpers.outputs.figures_dir`).
    In a parameterised run (:mod:`helpers.runs`, ``$HELPERS_RUN_NOTE``) the figure carries a footnote naming
    the parameters changed from the notebook's defaults, also appended to the caption.
    Characters of the figure's text that no packaged font draws are listed in one
    :class:`MissingGlyphsWarning` (instead of matplotlib's warning per glyph and file format).

    The figure is laid out once and both files cut to that one tight bounding box (``savefig``'s
    ``bbox_inches="tight"`` would lay it out again for each format); in a notebook (matplotlib's inline
    backend) the PNG just written is shown at screen size and the figure closed, instead of being drawn a
    third time for display (see ``benchmarks/results.md``: drawing is where a figure's time goes).
    """
    folder = figures_dir() if folder is None else folder
    note = os.environ.get(RUN_NOTE_ENV, "")
    if note:  # a parameterised run (helpers.runs): the figure names the parameters it changed
        fig.text(0.5, 0, note, ha="center", va="top", fontsize=8, color=NEUTRAL, wrap=True)
        caption = f"{caption} ({note})"
    built = provenance.read(current(processed_dir()), BUILD_INFO).get("input_hash", "unknown")
    source = f"helpers build, inputs sha256 {built}"
    paths = []
    png = {"Software": None, "Description": caption, "Source": source}
    svg = {"Date": None, "Creator": None, "Description": caption, "Source": source}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        screen_dpi, engine = fig.dpi, fig.get_layout_engine()
        fig.set_dpi(DPI)  # laid out as the PNG draws it: text measured at DPI, as savefig's "tight" does
        try:
            fig.draw_without_rendering()
            bbox = fig.get_tightbbox().padded(mpl.rcParams["savefig.pad_inches"])
            fig.set_layout_engine(None)  # laid out: savefig would otherwise lay it out again per format
            for ext, metadata in (("png", png), ("svg", svg)):
                path = Path(folder) / f"{name}.{ext}"
                write_atomic(path, partial(fig.savefig, format=ext, metadata=metadata, bbox_inches=bbox))
                paths.append(path)
        finally:
            fig.set_dpi(screen_dpi)
            fig.set_layout_engine(engine)
    texts = [t.get_text() for t in fig.findobj(Text) if t.get_visible()]
    warn_undrawable(texts, f"figure {name}")
    _show_saved(fig, paths[0])
    return paths


def _show_saved(fig: plt.Figure, png: Path) -> None:
    """Under matplotlib's inline backend (a notebook), display ``png`` at half its pixel size (drawn at
    ``DPI``, twice the screen's ``figure.dpi``) and close ``fig``, so the backend does not draw it again."""
    if "inline" not in mpl.get_backend():
        return
    from IPython.display import Image, display

    display(Image(data=png.read_bytes(), format="png", retina=True))
    plt.close(fig)
