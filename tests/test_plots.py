"""The plotting layer: only ``helpers.plots`` draws; one group palette, stable by group order."""

import ast
import json
import re
import subprocess
import sys
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


def _notebook_code() -> dict[Path, str]:
    return {
        nb: "\n".join(
            c["source"] if isinstance(c["source"], str) else "".join(c["source"])
            for c in json.loads(nb.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"
        )
        for nb in sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    }


def test_only_the_plotting_layer_imports_matplotlib_or_wordcloud():
    analysis = [p for p in PACKAGE.rglob("*.py") if "plots" not in p.relative_to(PACKAGE).parts]
    notebooks = _notebook_code()
    sources = {p: p.read_text(encoding="utf-8") for p in analysis} | notebooks
    offenders = {
        str(Path(p).relative_to(PROJ_ROOT)): sorted(n for n in _imports(s) if DRAWING.match(n))
        for p, s in sources.items()
    }
    assert len(analysis) > 10 and notebooks
    assert {p: n for p, n in offenders.items() if n} == {}


def test_the_notebooks_imports_load_no_segmenter():
    """Notebooks read the build's tokens: every import statement of every notebook, run in a fresh
    interpreter, leaves jieba and jieba-rs unloaded (~100 MB a kernel would otherwise hold)."""
    statements = [
        ast.unparse(node)
        for source in _notebook_code().values()
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    probe = "\n".join([*statements, "import sys", "print(sorted(m for m in sys.modules if 'jieba' in m))"])
    command = [sys.executable, "-c", probe]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    assert len(statements) > 20 and any(s.startswith("from helpers") and "plots" in s for s in statements)
    assert run.stdout.strip() == "[]"


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


def test_save_figure_writes_what_savefig_tight_would_and_closes_it_in_a_notebook(tmp_path, monkeypatch):
    """One layout for both files: the PNG is byte for byte what ``savefig(bbox_inches="tight")`` writes at
    DPI (text measured at DPI, not at the screen's 100 dpi, which crops it differently); the SVG has the
    same size; outside the inline backend the figure stays open, under it it is shown from the PNG and
    closed."""
    import io

    from matplotlib import image

    from helpers.plots import style

    monkeypatch.setattr(style, "current", lambda folder: tmp_path)  # no processed folder needed
    style.use_style()
    fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
    ax.barh(["党建引领高质量发展", "数字化"], [3, 5])
    ax.set_title("两新党建 · 标题")
    expected = io.BytesIO()
    fig.savefig(expected, format="png", bbox_inches="tight", metadata={"Software": None})
    png, svg = style.save_figure(fig, "00_test", "caption", folder=tmp_path)
    pixels = image.imread(png)
    assert pixels.shape == image.imread(io.BytesIO(expected.getvalue())).shape
    assert (pixels == image.imread(io.BytesIO(expected.getvalue()))).all()
    width = float(re.search(r'width="([\d.]+)pt"', svg.read_text(encoding="utf-8")).group(1))
    assert abs(width / 72 * style.DPI - image.imread(png).shape[1]) < 2
    assert plt.fignum_exists(fig.number) and fig.dpi == 100 and fig.get_layout_engine() is not None

    shown = []
    monkeypatch.setattr(style.mpl, "get_backend", lambda: "module://matplotlib_inline.backend_inline")
    monkeypatch.setattr("IPython.display.display", shown.append)
    style.save_figure(fig, "00_test", "caption", folder=tmp_path)
    assert not plt.fignum_exists(fig.number)
    assert shown[0].data == png.read_bytes() and shown[0].width == image.imread(png).shape[1] // 2


def test_past_60_reports_the_corpus_figure_has_one_box_per_group():
    """10,000 reports in three groups: three boxes (manifest order top to bottom), a figure a few inches
    tall; 80 groups: the 60 with the most reports, and the title says so."""
    from helpers.plots.overview import plot_reports

    sizes = {"a": 5000, "b": 3000, "c": 2000}
    ids = [f"{g}{i}" for g, n in sizes.items() for i in range(n)]
    reports = pd.DataFrame(
        {"report_id": ids, "n_chars": range(1, 10_001), "n_paragraphs": 4, "n_sentences": 9}
    )
    groups = pd.Series([r[0] for r in ids], index=ids)
    fig = plot_reports(reports, groups, group_colors(sizes))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["c", "b", "a"]  # bottom to top
    assert fig.get_figheight() < 6
    assert "10,000 reports in 3 groups" in fig._suptitle.get_text()
    assert any(t.get_text().startswith(" 5000 reports") for t in ax.texts)
    plt.close(fig)

    ids = [f"g{g}_{i}" for g in range(80) for i in range(1 + (g >= 20))]  # g20 … g79 have two reports
    reports = pd.DataFrame({"report_id": ids, "n_chars": 100, "n_paragraphs": 1, "n_sentences": 2})
    groups = pd.Series([r.split("_")[0] for r in ids], index=ids)
    fig = plot_reports(reports, groups, group_colors(groups))
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == [f"g{g}" for g in range(79, 19, -1)]
    assert "60 largest of 80 groups" in fig._suptitle.get_text()
    plt.close(fig)


def test_past_60_reports_the_dispersion_plot_has_one_row_per_group():
    """100 reports: group a's theme sentences all open their reports, group b's all close them; the rows are
    the groups, each darkest in its own stretch and empty elsewhere."""
    from helpers.plots.themes import POSITION_BINS, plot_dispersion

    ids = [f"r{i}" for i in range(100)]
    groups = pd.Series(["a" if i < 50 else "b" for i in range(100)], index=ids)
    spans = pd.DataFrame(
        [(r, s, 0, s / 10, (s + 1) / 10) for r in ids for s in range(10)],
        columns=["report_id", "sentence_id", "section", "position", "end"],
    )
    hits = pd.DataFrame([(r, 0 if groups[r] == "a" else 9, "t1") for r in ids],
                        columns=["report_id", "sentence_id", "theme"])  # fmt: skip
    fig = plot_dispersion(spans, hits, groups, {"t1": "T1"}, group_colors(["a", "b"]))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    alpha = ax.images[0].get_array()[:, :, 3]
    assert alpha.shape == (2, POSITION_BINS)
    assert alpha[0, 1] == 1 and alpha[1, POSITION_BINS - 1] == 1  # middles of sentences 0 and 9: 0.05, 0.95
    assert alpha.sum() == 2
    assert fig.get_figheight() < 4
    plt.close(fig)


def test_an_unlabelled_similarity_map_keeps_a_fixed_size():
    """Past 60 reports the names are left off: 100 or 2,000 reports give the same figure size."""
    import numpy as np

    from helpers.plots.similarity import plot_similarity

    sizes = []
    for n in (100, 2000):
        names = [f"r{i}" for i in range(n)]
        matrix = pd.DataFrame(np.eye(n), index=names, columns=names)
        fig = plot_similarity(matrix, pd.Series("a", index=names), {"a": "#000000"}, "report")
        assert fig.axes[1].get_xticklabels() == []
        sizes.append(tuple(fig.get_size_inches()))
        plt.close(fig)
    assert sizes[0] == sizes[1] and max(sizes[0]) <= 11
