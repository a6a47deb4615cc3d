"""Figure of notebook 01: the corpus, one row per report."""

import matplotlib.pyplot as plt
import pandas as pd

from .style import FIG_WIDTH, title_and_legend


def plot_reports(reports: pd.DataFrame, groups: pd.Series, colors: dict[str, str]) -> plt.Figure:
    """One horizontal bar per report (manifest order, top to bottom): characters of normalized body text,
    coloured by group, labelled with paragraphs and sentences. ``reports``: ``reports.csv``; ``groups``:
    report_id → group; ``colors``: group → colour. The height grows with the number of reports (0.28 inch
    each), so labels stay readable at 50 reports and more."""
    rows = reports.iloc[::-1]
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, 0.28 * len(rows) + 2.2))
    bars = ax.barh(rows.report_id, rows.n_chars, color=[colors[groups[r]] for r in rows.report_id])
    for bar, p, s in zip(bars, rows.n_paragraphs, rows.n_sentences, strict=True):
        ax.annotate(f" {p} para · {s} sent", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    va="center", fontsize=8)  # fmt: skip
    ax.tick_params(axis="y", labelsize=9 if len(rows) <= 30 else 7)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.margins(x=0.18)
    ax.set_xlabel("Characters of body text (normalized, no whitespace)")
    top = title_and_legend(fig, f"The corpus: {len(rows)} reports in {len(colors)} groups", colors, 13)
    fig.tight_layout(rect=(0, 0, 1, top))
    return fig
