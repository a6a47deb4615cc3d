"""Figure of notebook 01: the corpus, one row per report — or, past ``MAX_REPORT_BARS`` reports, one row per
group with the distribution of its reports' lengths."""

import matplotlib.pyplot as plt
import pandas as pd

from .style import FIG_WIDTH, largest_groups, title_and_legend

MAX_REPORT_BARS = 60  # beyond this many reports: one box per group instead of one bar per report
MAX_GROUP_ROWS = 60  # beyond this many groups: the groups with the most reports


def plot_reports(reports: pd.DataFrame, groups: pd.Series, colors: dict[str, str]) -> plt.Figure:
    """One horizontal bar per report (manifest order, top to bottom): characters of normalized body text,
    coloured by group, labelled with paragraphs and sentences. ``reports``: ``reports.csv``; ``groups``:
    report_id → group; ``colors``: group → colour. The height grows with the number of reports (0.28 inch
    each), so labels stay readable at 60 reports; past ``MAX_REPORT_BARS`` reports, :func:`plot_group_lengths`
    draws one box per group instead."""
    if len(reports) > MAX_REPORT_BARS:
        return plot_group_lengths(reports, groups, colors)
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


def plot_group_lengths(reports: pd.DataFrame, groups: pd.Series, colors: dict[str, str]) -> plt.Figure:
    """One horizontal box per group (order of ``colors``, top to bottom): the characters of body text of its
    reports (median, quartiles, whiskers at 1.5 IQR, single reports beyond as dots), labelled with the
    group's reports and median paragraphs and sentences. Past ``MAX_GROUP_ROWS`` groups, the groups with the
    most reports (ties: first in order), and the title says how many are shown."""
    group_of = reports.report_id.map(groups)
    n_groups = group_of.nunique()
    shown = largest_groups(group_of, colors, MAX_GROUP_ROWS)
    rows = shown[::-1]
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, 0.4 * len(rows) + 2.4))
    parts = [reports[group_of == g] for g in rows]
    boxes = ax.boxplot([p.n_chars for p in parts], orientation="horizontal", widths=0.6,
                       patch_artist=True, tick_labels=rows, medianprops={"color": "black"},
                       flierprops={"markersize": 2})  # fmt: skip
    for box, g in zip(boxes["boxes"], rows, strict=True):
        box.set(facecolor=colors[g], edgecolor=colors[g], alpha=0.85)
    right = max(p.n_chars.max() for p in parts)
    for y, p in enumerate(parts, start=1):
        median = f"median {p.n_paragraphs.median():g} para · {p.n_sentences.median():g} sent"
        ax.annotate(f" {len(p)} reports · {median}", (right, y), va="center", fontsize=8)
    ax.tick_params(axis="y", labelsize=9 if len(rows) <= 30 else 7)
    ax.margins(x=0.02)
    ax.set_xlim(0, right * 1.45)
    ax.set_xlabel("Characters of body text per report (normalized, no whitespace)")
    what = f"{len(rows)} largest of {n_groups} groups" if len(rows) < n_groups else f"{n_groups} groups"
    title = f"The corpus: {len(reports):,} reports in {what}, one box per group"
    top = title_and_legend(fig, title, {g: colors[g] for g in shown}, 13)
    fig.tight_layout(rect=(0, 0, 1, top))
    return fig
