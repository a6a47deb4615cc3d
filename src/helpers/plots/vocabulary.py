"""Figures of notebook 02: top terms, the term scatter and the comparison word clouds."""

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.patches import Patch
from wordcloud import WordCloud

from ..config import SEED
from .style import FIG_WIDTH, NEUTRAL, cjk_font_path, group_colors, warn_undrawable

SHARED = "#B0B0B0"  # terms distinctive for no report


def _regions(reports: pd.DataFrame) -> dict[str, str]:
    return dict(zip(reports["report_id"], reports["region"], strict=True))


def top_terms_figure(frequencies: pd.DataFrame, reports: pd.DataFrame, n: int = 15) -> plt.Figure:
    """Horizontal bars of each report's ``n`` most frequent content terms (rate per 10k content tokens)."""
    regions = _regions(reports)
    colors = group_colors(regions.values())
    size = (FIG_WIDTH, 0.32 * n + 1.2)
    fig, axes = plt.subplots(1, len(regions), figsize=size, squeeze=False, sharex=True)
    for ax, (report, region) in zip(axes[0], regions.items(), strict=True):
        top = frequencies[frequencies["report_id"] == report].head(n).iloc[::-1]
        ax.barh(top["term"].astype(str), top["rate_per_10k"], color=colors[region])
        ax.set_title(region)
        ax.set_xlabel("Rate per 10k content tokens")
    fig.suptitle(f"Most frequent content terms per report (top {n})")
    fig.tight_layout()
    return fig


def _side_colors(reports: pd.DataFrame, target: str) -> tuple[str, str, str]:
    """Colour of the target, of the reference (the other region, or neutral for a pooled rest), its name."""
    regions = _regions(reports)
    colors = group_colors(regions.values())
    others = [r for r in regions if r != target]
    if len(others) == 1:
        return colors[regions[target]], colors[regions[others[0]]], regions[others[0]]
    return colors[regions[target]], NEUTRAL, "the other reports"


def term_scatter(
    keyness: pd.DataFrame, reports: pd.DataFrame, target: str, z_min: float = 1.0, top_n: int = 12
) -> plt.Figure:
    """Scattertext-style map: x = corpus count (log scale), y = log-odds z of ``target`` vs the rest.

    Points above +``z_min`` take the target's colour, below −``z_min`` the reference's; marker area grows
    with the number of terms sharing a position (equal counts give equal scores). The ``top_n`` terms on
    each side are labelled in two columns right of the plot, ordered like their points, so labels never
    overlap (a deterministic layout, no random repel).
    """
    rows = keyness[keyness["group"] == _regions(reports)[target]].assign(
        x=lambda d: d["count_target"] + d["count_reference"], term=lambda d: d["term"].astype(str)
    )
    target_color, ref_color, ref_name = _side_colors(reports, target)
    rows["color"] = np.select(
        [rows["log_odds_z"] >= z_min, rows["log_odds_z"] <= -z_min], [target_color, ref_color], SHARED
    )
    points = rows.groupby(["x", "log_odds_z", "color"]).size().rename("n").reset_index()
    fig, ax = plt.subplots(figsize=(FIG_WIDTH * 0.75, 7))
    ax.scatter(points["x"], points["log_odds_z"], s=18 * points["n"], c=points["color"], alpha=0.75, lw=0)
    ax.text(0.01, 0.99, "marker area: number of terms at the same point", transform=ax.transAxes, va="top",
            fontsize=9, color=NEUTRAL)  # fmt: skip
    ax.axhline(0, color=NEUTRAL, lw=0.8)
    for z in (z_min, -z_min):
        ax.axhline(z, color=NEUTRAL, lw=0.6, ls="--")
    order = ["log_odds_z", "x", "term"]  # ties (equal counts give equal z) broken by frequency, then term
    up = rows[rows["log_odds_z"] >= z_min].sort_values(order, ascending=[False, False, True]).head(top_n)
    down = rows[rows["log_odds_z"] <= -z_min].sort_values(order, ascending=[True, False, True]).head(top_n)
    # Labels top to bottom in descending z, so leader lines keep the points' order and do not cross much.
    sides = ((up, target_color, 0.98, 0.56), (down.iloc[::-1], ref_color, 0.44, 0.02))
    for labels, color, top, bottom in sides:
        slots = np.linspace(top, bottom, len(labels))
        points_xy = labels[["term", "x", "log_odds_z"]].itertuples(index=False)
        for (term, x, z), y in zip(points_xy, slots, strict=True):
            ax.annotate(
                term,
                xy=(x, z),
                xytext=(1.03, y),
                textcoords="axes fraction",
                va="center",
                color=color,
                fontsize=10,
                arrowprops={"arrowstyle": "-", "color": SHARED, "lw": 0.5},
            )
    regions = _regions(reports)
    ax.set_xscale("log")
    ticks = [t for t in (3, 5, 10, 20, 50, 100, 200, 500) if t <= rows["x"].max() * 1.2]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("Count in all reports (log scale)")
    ax.set_ylabel(f"Log-odds z: + {regions[target]}-leaning, − {ref_name}-leaning")
    ax.set_title(f"Which terms set {regions[target]} apart from {ref_name}")
    return fig


def _cloud_colors(keyness: pd.DataFrame, reports: pd.DataFrame, report: str, z_min: float) -> dict[str, str]:
    """Term → colour for the cloud of ``report``: its own colour, the reference's, or grey (shared)."""
    own, ref, _ = _side_colors(reports, report)
    rows = keyness[keyness["group"] == _regions(reports)[report]]
    z = dict(zip(rows["term"].astype(str), rows["log_odds_z"], strict=True))
    return {t: own if v >= z_min else ref if v <= -z_min else SHARED for t, v in z.items()}


def comparison_clouds(
    frequencies: pd.DataFrame,
    keyness: pd.DataFrame,
    reports: pd.DataFrame,
    z_min: float = 1.0,
    max_words: int = 80,
    seed: int = SEED,
) -> plt.Figure:
    """One word cloud per report (same size, packaged CJK font, fixed seed), words sized by their count in
    that report and coloured by the report they are distinctive for (|log-odds z| ≥ ``z_min``; grey: neither).
    Characters of the drawn words that the font lacks are listed in a ``MissingGlyphsWarning``.
    """
    regions = _regions(reports)
    size = (FIG_WIDTH, FIG_WIDTH / len(regions) * 0.8)
    fig, axes = plt.subplots(1, len(regions), figsize=size, squeeze=False)
    for ax, (report, region) in zip(axes[0], regions.items(), strict=True):
        rows = frequencies[frequencies["report_id"] == report]
        colors = _cloud_colors(keyness, reports, report, z_min)
        cloud = WordCloud(
            font_path=str(cjk_font_path()),
            width=800,
            height=640,
            background_color="white",
            max_words=max_words,
            prefer_horizontal=1.0,
            random_state=seed,
            color_func=lambda word, colors=colors, **_: colors.get(word, SHARED),
        ).generate_from_frequencies(dict(zip(rows["term"].astype(str), rows["count"], strict=True)))
        # one font per cloud (no glyph fallback in wordcloud): list the characters of its words it lacks
        warn_undrawable(
            [word for (word, _), *_ in cloud.layout_], f"word cloud of {region}", [cjk_font_path()]
        )
        ax.imshow(cloud.to_array(), interpolation="bilinear")
        ax.set_axis_off()
        ax.set_title(region)
    palette = group_colors(regions.values())
    handles = [Patch(color=c, label=f"distinctive for {r}") for r, c in palette.items()]
    handles.append(Patch(color=SHARED, label=f"shared (|z| < {z_min:g}) or rare"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False)
    fig.suptitle("Each report's vocabulary, sized by frequency, coloured by distinctiveness")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig
