"""The real notebooks, headless, on a composed corpus of 30 reports in 8 groups of 3–5 (``tests/corpora.py``):
only two reports hand-labelled, one near-duplicate pair, an extra grouping column with an empty value, kept in
a folder outside the project. Everything goes through the real CLI (build, then notebooks) into temp folders.
Then every figure function is drawn on that corpus and checked for overlapping labels."""

import csv
import json
import math
import re
import shutil
import subprocess
import sys
import warnings
from itertools import pairwise

import numpy as np
import pytest
from corpora import COMPOSED_GROUPS, write_multigroup
from matplotlib import pyplot as plt
from matplotlib.text import Text
from PIL import Image
from test_notebooks_run import promises_figures

from helpers import (
    align,
    input_file,
    keyness,
    load_corpus,
    plots,
    similarity,
    summary,
    theme_rates,
    themes,
    voices,
)
from helpers.codebook import load_codebook
from helpers.config import MANIFEST
from helpers.groups import counted_groups, focus_pair, group_order, report_groups
from helpers.outputs import current
from helpers.plots.style import DPI
from helpers.run_notebooks import numbered_notebooks

pytestmark = pytest.mark.slow
N_REPORTS = 30
GROUPS = list(dict.fromkeys(["Alpha", "Beta", "Gamma", *COMPOSED_GROUPS]))
SEED_REGIONS = ("Zhejiang", "Jiangsu")
MAX_INCHES = 40  # no figure taller or wider than this at 30 reports


@pytest.fixture(scope="module")
def out(tmp_path_factory, corpus):
    root = tmp_path_factory.mktemp("multigroup")
    manifest = write_multigroup(root / "corpus elsewhere", corpus, n_reports=N_REPORTS)
    out = root / "out"
    result = subprocess.run(
        [sys.executable, "-m", "helpers", "notebooks", "--manifest", str(manifest), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("empty `level`") == 1  # the empty grouping value is named once
    return out


def _outputs(notebook) -> str:
    """The text of every output of an executed notebook (stream, plain text, markdown and HTML)."""
    parts = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            parts += output.get("text", [])
            for kind in ("text/plain", "text/markdown", "text/html"):
                parts += output.get("data", {}).get(kind, [])
    return "".join(parts)


def test_every_notebook_runs_and_saves_its_figures_at_a_readable_size(out):
    index = (current(out / "figures", out) / "README.md").read_text(encoding="utf-8")
    names = re.findall(r"^\| \[([^\]]+\.png)\]", index, re.M)
    assert {n[:2] for n in names} == {nb.name[:2] for nb in numbered_notebooks() if promises_figures(nb)}
    for nb in numbered_notebooks():
        assert (current(out / "html", out) / f"{nb.stem}.html").is_file()
    for name in names:
        with Image.open(current(out / "figures", out) / name) as im:
            assert max(im.size) <= MAX_INCHES * DPI, f"{name} is {im.size}"


def test_every_group_is_named_in_the_summary_and_no_seed_region_anywhere(out):
    for nb in numbered_notebooks():
        text = _outputs(current(out / "notebooks", out) / nb.name)
        assert [r for r in SEED_REGIONS if r in text] == [], nb.name
    summary_text = _outputs(next(current(out / "notebooks", out).glob("05_*.ipynb")))
    assert len(GROUPS) == 8 and [g for g in GROUPS if g not in summary_text] == []


def test_groups_of_several_reports_resample_reports_and_the_repost_counts_once(out):
    themes_text = _outputs(next(current(out / "notebooks", out).glob("03_*.ipynb")))
    assert "reports (cluster bootstrap)" in themes_text
    summary_text = _outputs(next(current(out / "notebooks", out).glob("05_*.ipynb")))
    assert "gamma_own_1_repost (of gamma_own_1)" in summary_text


def _overlapping(texts: list[Text], renderer) -> list[tuple[str, str]]:
    """Neighbouring labels that collide: unrotated, their boxes overlap; rotated by r, their anchors are
    closer than one line of text measured across the rotated baseline (distance × sin r)."""
    shown = [t for t in texts if t.get_visible() and t.get_text()]
    found = []
    for a, b in pairwise(shown):
        box_a, box_b = a.get_window_extent(renderer), b.get_window_extent(renderer)
        rotation = math.radians(a.get_rotation() % 180)
        if rotation == 0:
            collide = box_a.overlaps(box_b.shrunk(0.9, 0.9))
        else:
            line = a.get_fontsize() * a.figure.dpi / 72
            collide = abs(box_b.x1 - box_a.x1) * abs(math.sin(rotation)) < 0.9 * line
        if collide:
            found.append((a.get_text(), b.get_text()))
    return found


def _figures(tables, processed):
    """Every figure of the notebooks, drawn from the corpus as the notebooks draw them."""
    reports, sentences, tokens, hits = (
        tables["reports"],
        tables["sentences"],
        tables["tokens"],
        tables["sentence_themes"],
    )
    groups = report_groups(reports)
    order = group_order(groups)
    pair = focus_pair(order)
    colors = plots.group_colors(order)
    counted = counted_groups(reports, tables["near_duplicates"])
    labels = {t.id: t.label_en for t in load_codebook(input_file("codebook", processed))}
    theme_ids = list(labels)
    group_freq = keyness.group_frequencies(tables["frequencies"], groups)
    table = keyness.keyness_table(tokens, sentences, counted, include_zero=True)
    pair_table = keyness.keyness_table(tokens, sentences, counted[counted.isin(pair)], include_zero=True)
    par = theme_rates.paragraph_counts(sentences, hits, theme_ids)
    rates = theme_rates.group_rates(par, counted, theme_ids, n_boot=50)
    diff = theme_rates.group_difference(par, counted, *pair, theme_ids, n_boot=50)
    verdicts = summary.theme_verdicts(diff, labels)
    matrix, unit = similarity.report_similarity(tables["frequencies"], groups)
    quotes = tables["quotes"]
    a, b = (groups.index[groups == g][0] for g in pair)
    yield "01_reports", plots.overview.plot_reports(reports, groups, colors)
    yield "02_top_terms", plots.vocabulary.top_terms_figure(group_freq, colors)
    yield "02_keyness_heatmap", plots.vocabulary.keyness_heatmap(table, order)
    yield "02_term_scatter", plots.vocabulary.term_scatter(pair_table, pair, colors)
    yield "03_theme_rates", plots.themes.plot_group_rates(rates, labels, colors)
    yield "03_theme_heatmap", plots.themes.plot_rate_heatmap(rates, labels, order)
    yield "03_theme_difference", plots.themes.plot_pair_difference(diff, labels)
    yield (
        "03_theme_dispersion",
        plots.themes.plot_dispersion(themes.positions(sentences), hits, groups, labels, colors),
    )
    pooled = themes.cooccurrence(sentences, hits, theme_ids, groups.map(lambda _: "all reports"))
    yield "03_theme_cooccurrence", plots.themes.plot_cooccurrence(pooled, labels)
    by_type, by_theme = voices.voices_by_type(quotes, groups), voices.voice_themes(quotes, groups, theme_ids)
    yield "04_voices_themes", plots.voices.plot_voices(by_type, by_theme, order, labels)
    yield "04_report_similarity", plots.similarity.plot_similarity(matrix, groups, colors, unit)
    threshold = tables["alignment_calibration"].threshold.iloc[0]
    yield (
        "04_alignment_heatmap",
        plots.align.plot_alignment(
            align.similarity(tables, a, b), tables["blocks"], a, b, groups.to_dict(), threshold
        ),
    )
    yield "05_key_findings", plots.summary.plot_key_findings(rates, verdicts, labels, colors)


def test_the_pair_heatmap_needs_only_the_two_reports_tokens(out):
    """Notebook 04's heatmap from the two reports' content tokens alone (and the corpus's document frequencies
    in ``frequencies.csv``) is the product of their rows of the matrix fitted on every body paragraph of the
    30 reports — the vectors of ``alignment.csv``."""
    spec = {
        "blocks": ["report_id", "block_id", "kind"],
        "sentences": ["report_id", "sentence_id", "block_id"],
        "frequencies": ["term", "paragraphs"],
        "tokens": ["report_id", "sentence_id", "token", "is_stopword"],
    }
    tables = load_corpus(out / "processed", spec)
    a, b = tables["blocks"].report_id.iloc[0], tables["blocks"].report_id.iloc[-1]
    only = {"tokens": [("is_stopword", "==", False), ("report_id", "in", [a, b])]}
    pair = load_corpus(out / "processed", {"tokens": spec["tokens"]}, filters=only)
    assert set(pair["tokens"].report_id) == {a, b}
    matrix = align.similarity(tables | pair, a, b)
    paras = align.body_paragraphs(tables["blocks"]).reset_index(drop=True)
    x, _ = align._fit(*align.paragraph_terms(paras, tables["tokens"], tables["sentences"])[:2])
    ia, ib = (np.flatnonzero(paras.report_id == r) for r in (a, b))
    assert matrix.to_numpy().max() > 0
    np.testing.assert_array_equal(matrix.to_numpy(), (x[ia] @ x[ib].T).toarray().round(6))


def test_every_figure_of_30_reports_keeps_its_labels_apart(out):
    """Tick labels along each axis and legend entries must not overlap; the figure stays a readable size."""
    plots.use_style()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = load_corpus(out / "processed")
    drawn = []
    for name, fig in _figures(tables, out / "processed"):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        assert max(fig.get_size_inches()) <= MAX_INCHES, name
        for ax in fig.axes:
            if not ax.get_visible():
                continue
            assert _overlapping(ax.get_yticklabels(), renderer) == [], f"{name}: y labels overlap"
            assert _overlapping(ax.get_xticklabels(), renderer) == [], f"{name}: x labels overlap"
        for legend in fig.legends:
            assert _overlapping(legend.get_texts(), renderer) == [], f"{name}: legend entries overlap"
        drawn.append(name)
        plt.close(fig)
    assert len(drawn) == 13


def test_a_single_group_runs_every_notebook_and_says_there_is_nothing_to_compare(tmp_path):
    """Both seeds in one group: every notebook runs; the two-way views say there is nothing to compare."""
    with MANIFEST.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        shutil.copy(MANIFEST.parent / row["file"], tmp_path / row["file"])
        row["region"], row["region_zh"] = "Solo", "单组"
    with (tmp_path / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "out"
    command = ["notebooks", "--manifest", str(tmp_path / "manifest.csv"), "--out", str(out)]
    result = subprocess.run([sys.executable, "-m", "helpers", *command], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    executed = current(out / "notebooks", out)
    assert {p.name for p in executed.glob("*.ipynb")} == {nb.name for nb in numbered_notebooks()}
    assert "nothing to compare" in _outputs(next(executed.glob("02_*.ipynb")))
