"""Figures of notebook 02: top terms per group, the keyness heatmap of all groups, and the focus pair's term
scatter and comparison word clouds."""

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.patches import Patch, Rectangle
from wordcloud import WordCloud

from ..config import SEED
from .style import FIG_WIDTH, NEUTRAL, cjk_font_path, warn_undrawable

SHARED = "#B0B0B0"  # terms distinctive for neither group
PANELS_PER_ROW = 4


def top_terms_figure(group_freq: pd.DataFrame, colors: dict[str, str], n: int = 15) -> plt.Figure:
    """Small multiples, one panel per group (rows of at most ``PANELS_PER_ROW``): the group's ``n`` most
    frequent content terms as rates per 10k content tokens of the group. ``group_freq``:
    :func:`helpers.keyness.group_frequencies`; ``colors``: group → colour, every group in order."""
    order = list(colors)
    ncol = min(len(order), PANELS_PER_ROW)
    nrow = -(-len(order) // ncol)
    panel_h = 0.26 * n + 0.9
    fig, axes = plt.subplots(nrow, ncol, figsize=(FIG_WIDTH, panel_h * nrow + 0.8), squeeze=False)
    for ax, group in zip(axes.flat, order, strict=False):
        top = group_freq[group_freq["group"] == group].head(n).iloc[::-1]
        ax.barh(top["term"].astype(str), top["rate_per_10k"], color=colors[group])
        ax.set_title(str(group), fontsize=10)
        ax.tick_params(labelsize=8)
    for ax in axes.flat[len(order) :]:
        ax.set_visible(False)
    fig.supxlabel("Rate per 10k content tokens of the group", fontsize=10)
    fig.suptitle(f"Most frequent content terms per group (top {n})")
    fig.tight_layout()
    return fig


def keyness_heatmap(table: pd.DataFrame, order: list[str], n: int = 5, max_rows: int = 60) -> plt.Figure:
    """Term × group heatmap of log-odds z (each group against the other groups pooled) for the ``n`` terms
    each group over-uses most (G² order, as :func:`helpers.keyness.top_keyness`), at most ``max_rows``
    terms in all (fewer per group when there are many groups); distinctive cells are outlined.
    ``table``: :func:`helpers.keyness.keyness_table` with ``include_zero=True``; ``order``: the groups."""
    per_group = max(1, min(n, max_rows // max(len(order), 1)))
    over = table[table["log_ratio"] > 0].sort_values(["g2", "term"], ascending=[False, True])
    terms = list(
        dict.fromkeys(t for g in order for t in over[over["group"] == g]["term"].astype(str).head(per_group))
    )
    cells = table.assign(term=table["term"].astype(str))
    cells = cells[cells["term"].isin(terms)]
    z = cells.pivot_table(index="term", columns="group", values="log_odds_z", aggfunc="first")
    z = z.reindex(index=terms, columns=order).fillna(0.0)
    flag = cells[cells["distinctive"].astype(str) == "True"].groupby(["term", "group"]).size()
    fig, ax = plt.subplots(figsize=(max(FIG_WIDTH * 0.6, 0.42 * len(order) + 3.5), 0.24 * len(terms) + 2.4))
    limit = max(float(np.abs(z.to_numpy()).max()), 1.0)
    image = ax.imshow(z.to_numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    for (term, group), _ in flag.items():
        if term in terms and group in order:
            ax.add_patch(
                Rectangle((order.index(group) - 0.5, terms.index(term) - 0.5), 1, 1, fill=False, lw=1.4)
            )
    ax.set_xticks(range(len(order)), [str(g) for g in order], rotation=60 if len(order) > 6 else 0,
                  ha="right" if len(order) > 6 else "center", fontsize=9)  # fmt: skip
    ax.set_yticks(range(len(terms)), terms, fontsize=9)
    ax.spines[:].set_visible(False)
    fig.colorbar(image, ax=ax, shrink=0.6, label="log-odds z (group vs the other groups)")
    ax.set_title(
        f"Terms each group over-uses most (top {per_group} per group; outlined: distinctive)", fontsize=11
    )
    fig.tight_layout()
    return fig


def term_scatter(
    keyness: pd.DataFrame, pair: tuple[str, str], colors: dict[str, str], z_min: float = 1.0, top_n: int = 12
) -> plt.Figure:
    """Scattertext-style map of the focus ``pair``: x = count in both groups (log scale), y = log-odds z of
    the first group against the second. ``keyness``: :func:`helpers.keyness.keyness_table` of the two groups
    only (``include_zero=True``); ``colors``: group → colour.

    Points above +``z_min`` take the target's colour, below −``z_min`` the reference's; marker area grows
    with the number of terms sharing a position (equal counts give equal scores). The ``top_n`` terms on
    each side are labelled in two columns right of the plot, ordered like their points, so labels never
    overlap (a deterministic layout, no random repel).
    """
    target, reference = pair
    rows = keyness[keyness["group"] == target].assign(
        x=lambda d: d["count_target"] + d["count_reference"], term=lambda d: d["term"].astype(str)
    )
    target_color, ref_color = colors[target], colors[reference]
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
    ax.set_xscale("log")
    ticks = [t for t in (3, 5, 10, 20, 50, 100, 200, 500) if t <= rows["x"].max() * 1.2]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel(f"Count in {target} and {reference} (log scale)")
    ax.set_ylabel(f"Log-odds z: + {target}-leaning, − {reference}-leaning")
    ax.set_title(f"Focus pair: which terms set {target} apart from {reference}")
    return fig


def comparison_clouds(
    group_freq: pd.DataFrame,
    keyness: pd.DataFrame,
    pair: tuple[str, str],
    colors: dict[str, str],
    z_min: float = 1.0,
    max_words: int = 80,
    seed: int = SEED,
) -> plt.Figure:
    """One word cloud per group of the focus ``pair`` (same size, packaged CJK font, fixed seed), words sized
    by their count in that group and coloured by the group they are distinctive for (|log-odds z| ≥
    ``z_min`` in ``keyness``, the table of the two groups only; grey: neither). ``group_freq``:
    :func:`helpers.keyness.group_frequencies`. Characters of the drawn words that the font lacks are listed
    in a ``MissingGlyphsWarning``."""
    rows = keyness[keyness["group"] == pair[0]]
    z = dict(zip(rows["term"].astype(str), rows["log_odds_z"], strict=True))
    side = {
        t: colors[pair[0]] if v >= z_min else colors[pair[1]] if v <= -z_min else SHARED for t, v in z.items()
    }
    fig, axes = plt.subplots(1, 2, figsize=(FIG_WIDTH, FIG_WIDTH / 2 * 0.8))
    for ax, group in zip(axes, pair, strict=True):
        words = group_freq[group_freq["group"] == group]
        cloud = WordCloud(
            font_path=str(cjk_font_path()),
            width=800,
            height=640,
            background_color="white",
            max_words=max_words,
            prefer_horizontal=1.0,
            random_state=seed,
            color_func=lambda word, **_: side.get(word, SHARED),
        ).generate_from_frequencies(dict(zip(words["term"].astype(str), words["count"], strict=True)))
        # one font per cloud (no glyph fallback in wordcloud): list the characters of its words it lacks
        warn_undrawable(
            [word for (word, _), *_ in cloud.layout_], f"word cloud of {group}", [cjk_font_path()]
        )
        ax.imshow(cloud.to_array(), interpolation="bilinear")
        ax.set_axis_off()
        ax.set_title(str(group))
    handles = [Patch(color=colors[g], label=f"distinctive for {g}") for g in pair]
    handles.append(Patch(color=SHARED, label=f"shared (|z| < {z_min:g}) or rare"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False)
    fig.suptitle(
        f"Focus pair {pair[0]} vs {pair[1]}: vocabulary sized by frequency, coloured by distinctiveness"
    )
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig
