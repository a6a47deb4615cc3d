"""Figures of notebook 03: theme comparison with intervals, dispersion ("x-ray") plot, co-occurrence."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import FIG_WIDTH, NEUTRAL, group_colors

_PANELS = (
    ("share", "Share of sentences coded"),
    ("hits_per_1k", "Hits per 1,000 characters"),
)


def plot_comparison(summary: pd.DataFrame, diff: pd.DataFrame, labels: dict[str, str]) -> plt.Figure:
    """Per theme (rows): each report's share and rate with 95% intervals, and a difference in share.

    ``summary``: the ``theme_summary`` table; ``diff``: :func:`helpers.theme_rates.group_difference` of two
    groups; ``labels`` maps theme id → display label. An interval of the difference crossing 0 is no
    evidence of a difference.
    """
    themes = list(dict.fromkeys(summary.theme))
    reports = summary.drop_duplicates("report_id")[["report_id", "region"]]
    colors = group_colors(reports.region)
    y = np.arange(len(themes))[::-1]
    offsets = np.linspace(-0.18, 0.18, len(reports)) if len(reports) > 1 else [0.0]
    fig, axes = plt.subplots(1, 3, figsize=(FIG_WIDTH, 0.5 * len(themes) + 1.9), sharey=True)
    for ax, (stat, title) in zip(axes, _PANELS, strict=False):
        for off, rep in zip(offsets, reports.itertuples(), strict=True):
            part = summary[summary.report_id == rep.report_id].set_index("theme").loc[themes]
            err = [part[stat] - part[f"{stat}_lo"], part[f"{stat}_hi"] - part[stat]]
            ax.errorbar(
                part[stat],
                y + off,
                xerr=err,
                fmt="o",
                color=colors[rep.region],
                label=rep.region,
                capsize=2,
                markersize=5,
                linewidth=1.4,
            )
        ax.set_title(title, fontsize=11)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_xlim(left=0)
    ax = axes[2]
    part = diff.set_index("theme").loc[themes]
    err = [part.share_diff - part.share_diff_lo, part.share_diff_hi - part.share_diff]
    name = f"{diff.group_a.iloc[0]} − {diff.group_b.iloc[0]}"
    ax.errorbar(part.share_diff, y, xerr=err, fmt="D", color=NEUTRAL, capsize=2, markersize=4, linewidth=1.4)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_title(f"Difference in share\n({name})", fontsize=11)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes[0].set_yticks(y, [labels.get(t, t) for t in themes])
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, 0.95), ncol=len(names), frameon=False)
    fig.suptitle("Themes by report: point estimates with 95% intervals (paragraphs resampled)", fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    return fig


def plot_dispersion(
    spans: pd.DataFrame, hits: pd.DataFrame, reports: pd.DataFrame, labels: dict[str, str]
) -> plt.Figure:
    """Where each theme is hit along each report (0 = start, 1 = end of the body text).

    ``spans``: one row per sentence with ``report_id``, ``sentence_id``, ``section``, ``position``, ``end``;
    ``hits``: the ``sentence_themes`` table. Every coded sentence is a bar spanning its characters; dashed
    lines mark where a section starts.
    """
    themes = list(labels)
    colors = group_colors(reports.region)
    fig, axes = plt.subplots(
        len(reports),
        1,
        figsize=(FIG_WIDTH, (0.32 * len(themes) + 1.0) * len(reports) + 0.6),
        sharex=True,
        squeeze=False,
    )
    for ax, rep in zip(axes[:, 0], reports.itertuples(), strict=True):
        sent = spans[spans.report_id == rep.report_id]
        coded = hits[hits.report_id == rep.report_id].merge(sent, on=["report_id", "sentence_id"])
        for row, theme in enumerate(themes):
            part = coded[coded.theme == theme]
            ax.broken_barh(
                list(zip(part.position, part.end - part.position, strict=True)),
                (row - 0.35, 0.7),
                facecolor=colors[rep.region],
                edgecolor="white",
                linewidth=0.8,
            )
        for section, start in sent.groupby("section").position.min().items():
            if section > 0:
                ax.axvline(start, color=NEUTRAL, linestyle="--", linewidth=0.8)
            ax.annotate(
                f"§{section}",
                (start, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(3, 1),
                textcoords="offset points",
                fontsize=8,
                color=NEUTRAL,
                va="bottom",
            )
        ax.set_yticks(range(len(themes)), [labels[t] for t in themes], fontsize=9)
        ax.set_ylim(len(themes) - 0.5, -0.5)
        ax.set_xlim(0, 1)
        ax.set_title(f"{rep.region} ({rep.report_id})", fontsize=11, loc="left", pad=16)
    axes[-1, 0].set_xlabel("Position in the report's body text (share of characters; § = section start)")
    fig.suptitle("Where each theme is hit: every coded sentence as a bar", fontsize=12)
    fig.tight_layout()
    return fig


def plot_cooccurrence(
    matrices: dict[str, pd.DataFrame], reports: pd.DataFrame, labels: dict[str, str]
) -> plt.Figure:
    """Heatmap per report: sentences coded with both themes (diagonal: sentences coded with the theme)."""
    fig, axes = plt.subplots(
        1, len(reports), figsize=(FIG_WIDTH, 0.3 * len(labels) + 3.0), squeeze=False, layout="constrained"
    )
    vmax = max(int(m.to_numpy().max()) for m in matrices.values())
    names = [labels[t] for t in labels]
    for ax, rep in zip(axes[0], reports.itertuples(), strict=True):
        m = matrices[rep.report_id].loc[list(labels), list(labels)].to_numpy()
        image = ax.imshow(m, cmap="Greys", vmin=0, vmax=max(vmax, 1))
        for (i, j), v in np.ndenumerate(m):
            ax.text(
                j,
                i,
                str(v),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if v > 0.6 * vmax else "black",
            )
        ax.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=8)
        ax.set_yticks(range(len(names)), names if ax is axes[0, 0] else [], fontsize=8)
        ax.tick_params(length=0)
        ax.set_title(f"{rep.region} ({rep.n_sentences} sentences)", fontsize=11)
        ax.spines[:].set_visible(False)
    fig.colorbar(image, ax=axes[0].tolist(), shrink=0.7, label="Sentences")
    fig.suptitle("Themes sharing a sentence (counts of sentences)", fontsize=12)
    return fig
