"""The plotting layer: only ``helpers.plots`` draws; one group palette, stable by group order."""

import ast
import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers.config import NOTEBOOKS_DIR, PROJ_ROOT
from helpers.plots.style import GROUP_PALETTE, group_colors

PACKAGE = PROJ_ROOT / "src" / "helpers"
DRAWING = re.compile(r"^(matplotlib|wordcloud)(\.|$)")


def _imports(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module or "")
    return names


def test_only_the_plotting_layer_imports_matplotlib_or_wordcloud():
    analysis = [p for p in PACKAGE.rglob("*.py") if "plots" not in p.relative_to(PACKAGE).parts]
    notebooks = {
        nb: "\n".join(
            c["source"] if isinstance(c["source"], str) else "".join(c["source"])
            for c in json.loads(nb.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"
        )
        for nb in sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    }
    sources = {p: p.read_text(encoding="utf-8") for p in analysis} | notebooks
    offenders = {
        str(Path(p).relative_to(PROJ_ROOT)): sorted(n for n in _imports(s) if DRAWING.match(n))
        for p, s in sources.items()
    }
    assert len(analysis) > 10 and notebooks
    assert {p: n for p, n in offenders.items() if n} == {}


def _contrast_on_white(colour: str) -> float:
    """WCAG 2.x contrast ratio (L_white + 0.05) / (L + 0.05), L the relative luminance of sRGB."""
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 1.05 / (0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2] + 0.05)


def test_faint_group_colours_come_last():
    """The first 13 groups get colours that stand out on white (contrast ≥ 2:1); the faint ones come last."""
    assert _contrast_on_white("#FFFFFF") == pytest.approx(1.0) and _contrast_on_white("#000000") == 21
    contrast = [_contrast_on_white(c) for c in GROUP_PALETTE]
    assert min(contrast[:13]) >= 2 and max(contrast[13:]) < 2


def test_group_colours_follow_group_order_and_extend_past_the_seeds():
    groups = [f"g{i}" for i in range(len(GROUP_PALETTE) + 2)]
    colors = group_colors(groups)
    assert list(colors) == groups
    assert len(set(colors.values())) == len(GROUP_PALETTE)  # all distinct until the palette repeats
    assert colors["g0"] == colors[f"g{len(GROUP_PALETTE)}"]
    # the same group keeps its colour whatever the other names are; order decides, duplicates collapse
    assert group_colors(["b", "a", "b"]) == {"b": GROUP_PALETTE[0], "a": GROUP_PALETTE[1]}
    assert group_colors(["x", "y"]) == dict(zip(["x", "y"], GROUP_PALETTE[:2], strict=True))


def test_every_theme_interval_ends_inside_its_panel():
    """The widest interval's end is drawn inside the shared x range, not on the panel's edge."""
    from helpers.plots.themes import plot_group_rates

    rates = pd.DataFrame(
        {
            "theme": ["t1", "t1", "t2", "t2"],
            "group": ["a", "b", "a", "b"],
            "share": [0.10, 0.30, 0.05, 0.20],
            "share_lo": [0.05, 0.20, 0.01, 0.10],
            "share_hi": [0.15, 0.62, 0.09, 0.35],
            "unit": "report",
        }
    )
    fig = plot_group_rates(rates, {"t1": "T1", "t2": "T2"}, {"a": "#000000", "b": "#111111"})
    for ax in fig.axes:
        left, right = ax.get_xlim()
        assert left == 0 and right >= 0.62 * 1.05
    plt.close(fig)


def test_the_group_strip_of_the_similarity_map_stays_narrow():
    """With two reports the colour strip beside the rows is far narrower than one column of the map."""
    from helpers.plots.similarity import plot_similarity

    matrix = pd.DataFrame([[1.0, 0.4], [0.4, 1.0]], index=["r1", "r2"], columns=["r1", "r2"])
    fig = plot_similarity(
        matrix, pd.Series({"r1": "a", "r2": "b"}), {"a": "#000000", "b": "#111111"}, "report"
    )
    strip, heatmap = fig.axes[:2]
    inches = fig.get_figwidth()
    strip_w, column_w = strip.get_position().width * inches, heatmap.get_position().width * inches / 2
    assert strip_w <= 0.4 and strip_w < column_w / 4
    plt.close(fig)
