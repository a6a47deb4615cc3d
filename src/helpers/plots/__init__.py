"""The plotting layer: every figure of the notebooks, one module per analysis (they only draw).

Analysis modules (``helpers.keyness``, ``helpers.themes`` …) return DataFrames and never import matplotlib;
the functions here take those DataFrames and return a ``matplotlib.figure.Figure``. ``style`` holds the
one visual identity (CJK font, group colours, deterministic saving).
"""

from . import align, overview, similarity, structure, style, summary, themes, vocabulary, voices
from .style import group_colors, save_figure, use_style

__all__ = [
    "align",
    "group_colors",
    "overview",
    "save_figure",
    "similarity",
    "structure",
    "style",
    "summary",
    "themes",
    "use_style",
    "vocabulary",
    "voices",
]
