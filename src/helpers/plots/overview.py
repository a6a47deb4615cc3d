"""Figure of notebook 01: each report's structure."""

import matplotlib.pyplot as plt
import pandas as pd

from .style import FIG_WIDTH, group_colors


def plot_structure(structure: pd.DataFrame) -> plt.Figure:
    """Characters per section, one panel per report, bars labelled with paragraphs and sentences."""
    reports = list(dict.fromkeys(structure.report_id))
    colors = group_colors(dict.fromkeys(structure.region))
    n_rows = structure.groupby("report_id").size()
    fig, axes = plt.subplots(
        len(reports),
        1,
        figsize=(FIG_WIDTH, 1.0 + 0.55 * n_rows.sum()),
        sharex=True,
        squeeze=False,
        height_ratios=list(n_rows[reports]),
    )
    for ax, report in zip(axes[:, 0], reports, strict=True):
        part = structure[structure.report_id == report].iloc[::-1]
        labels = [f"§{s}  {h}" for s, h in zip(part.section, part.heading, strict=True)]
        bars = ax.barh(labels, part.n_chars, color=colors[part.region.iloc[0]])
        for bar, p, s in zip(bars, part.n_paragraphs, part.n_sentences, strict=True):
            ax.annotate(
                f" {p} para · {s} sent",
                (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                va="center",
                fontsize=9,
            )
        ax.set_title(f"{part.region.iloc[0]} ({report})", fontsize=11)
        ax.margins(x=0.2)
    axes[-1, 0].set_xlabel("Characters of body text (normalized, no whitespace)")
    fig.suptitle("Report structure: characters per section", fontsize=13)
    fig.tight_layout()
    return fig
