"""Figures of notebook 03: theme rates per group with intervals (dot and whisker, heatmap), the focus pair's
difference, the dispersion ("x-ray") plot of every report, co-occurrence pooled and per group."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb

from .style import FIG_WIDTH, NEUTRAL, largest_groups, title_and_legend

PANELS_PER_ROW = 3
MAX_REPORT_ROWS = 60  # beyond, the dispersion plot has one row per group instead of one per report
MAX_GROUP_ROWS = 60  # beyond, the per-group dispersion rows are the groups with the most reports
POSITION_BINS = 20  # twentieths of a report's body text in the per-group dispersion plot
RIGHT_MARGIN = 1.08  # the widest interval ends this far inside its panel, never on the edge


def plot_group_rates(rates: pd.DataFrame, labels: dict[str, str], colors: dict[str, str]) -> plt.Figure:
    """Dot and whisker per theme: one panel per theme (rows of ``PANELS_PER_ROW``), one row per group with
    its share of sentences coded and the 95% interval. ``rates``: :func:`helpers.theme_rates.group_rates`;
    ``labels``: theme id → label (panel order); ``colors``: group → colour (row order; a group absent from
    ``rates`` is left out). Panels grow with the number of groups (0.22 inch a group), so 30 groups stay
    readable."""
    themes = [t for t in labels if t in set(rates.theme)]
    order = [g for g in colors if g in set(rates.group)]
    ncol = min(len(themes), PANELS_PER_ROW)
    nrow = -(-len(themes) // ncol)
    panel_h = 0.22 * len(order) + 0.9
    fig, axes = plt.subplots(
        nrow, ncol, figsize=(FIG_WIDTH, panel_h * nrow + 1.0), squeeze=False, sharex=True
    )
    y = np.arange(len(order))[::-1]
    for ax, theme in zip(axes.flat, themes, strict=False):
        part = rates[rates.theme == theme].set_index("group").loc[order]
        for yi, (group, row) in zip(y, part.iterrows(), strict=True):
            err = [[row.share - row.share_lo], [row.share_hi - row.share]]
            ax.errorbar(
                row.share, yi, xerr=err, fmt="o", color=colors[group], capsize=2, markersize=4, lw=1.2
            )
        ax.set_title(labels[theme], fontsize=10)
        ax.set_yticks(y, [str(g) for g in order], fontsize=8 if len(order) <= 12 else 7)
        ax.set_ylim(-0.7, len(order) - 0.3)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.flat[0].set_xlim(0, RIGHT_MARGIN * max(rates.share_hi.max(), 0.01))  # shared: every panel
    for ax in axes.flat[len(themes) :]:
        ax.set_visible(False)
    units = " / ".join(dict.fromkeys(rates.unit))
    fig.supxlabel(f"Share of sentences coded (95% interval; resampled: {units})", fontsize=10)
    fig.suptitle("Themes by group: share of sentences coded", fontsize=12)
    fig.tight_layout()
    return fig


def plot_rate_heatmap(rates: pd.DataFrame, labels: dict[str, str], order: list[str]) -> plt.Figure:
    """Group × theme heatmap of the share of sentences coded, each cell labelled in percent. ``rates``:
    :func:`helpers.theme_rates.group_rates`; ``labels``: theme id → label (column order); ``order``: the
    groups (row order; a group absent from ``rates`` is left out)."""
    themes = [t for t in labels if t in set(rates.theme)]
    order = [g for g in order if g in set(rates.group)]
    grid = rates.pivot(index="group", columns="theme", values="share").reindex(index=order, columns=themes)
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, 0.3 * len(order) + 2.6))
    values = grid.to_numpy()
    vmax = max(float(values.max()), 0.01)
    image = ax.imshow(values, cmap="Blues", vmin=0, vmax=vmax, aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, f"{100 * v:.0f}", ha="center", va="center", fontsize=7 if len(order) > 12 else 8,
                color="white" if v > 0.6 * vmax else "black")  # fmt: skip
    ax.set_xticks(range(len(themes)), [labels[t] for t in themes], rotation=40, ha="right", fontsize=9)
    ax.set_yticks(range(len(order)), [str(g) for g in order], fontsize=9 if len(order) <= 30 else 7)
    ax.spines[:].set_visible(False)
    ax.tick_params(length=0)
    fig.colorbar(image, ax=ax, shrink=0.6, label="share of sentences coded")
    ax.set_title("Share of sentences coded (%), group × theme", fontsize=12)
    fig.tight_layout()
    return fig


def plot_pair_difference(diff: pd.DataFrame, labels: dict[str, str]) -> plt.Figure:
    """The focus pair's difference in share per theme with its 95% interval (a whisker crossing 0 is no
    evidence of a difference). ``diff``: :func:`helpers.theme_rates.group_difference`."""
    themes = [t for t in labels if t in set(diff.theme)]
    part = diff.set_index("theme").loc[themes]
    y = np.arange(len(themes))[::-1]
    fig, ax = plt.subplots(figsize=(FIG_WIDTH * 0.8, 0.4 * len(themes) + 1.8))
    err = [part.share_diff - part.share_diff_lo, part.share_diff_hi - part.share_diff]
    ax.errorbar(part.share_diff, y, xerr=err, fmt="D", color=NEUTRAL, capsize=2, markersize=5, linewidth=1.4)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [labels[t] for t in themes])
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    a, b = diff.group_a.iloc[0], diff.group_b.iloc[0]
    ax.set_xlabel(f"Share of sentences: {a} − {b} (95% interval)")
    ax.set_title(f"Focus pair: {a} vs {b}", fontsize=12)
    fig.tight_layout()
    return fig


def plot_dispersion(
    spans: pd.DataFrame,
    hits: pd.DataFrame,
    groups: pd.Series,
    labels: dict[str, str],
    colors: dict[str, str],
) -> plt.Figure:
    """Where each theme is hit along each report (0 = start, 1 = end of the body text): one panel per theme
    (rows of ``PANELS_PER_ROW``), one thin row per report (manifest order, coloured by group), every coded
    sentence a bar spanning its characters; grey ticks mark section starts. Past ``MAX_REPORT_ROWS``
    reports, :func:`plot_dispersion_by_group` draws one row per group instead.

    ``spans``: one row per sentence with ``report_id``, ``sentence_id``, ``section``, ``position``, ``end``
    (:func:`helpers.themes.positions`); ``hits``: the ``sentence_themes`` table; ``groups``: report_id →
    group. Compact at many reports: 0.16 inch per report and panel."""
    if len(groups) > MAX_REPORT_ROWS:
        return plot_dispersion_by_group(spans, hits, groups, labels, colors)
    themes = list(labels)
    reports = list(groups.index)
    fig, axes = _theme_panels(len(themes), 0.16 * len(reports) + 0.8)
    coded = hits.merge(spans, on=["report_id", "sentence_id"])
    starts = spans[spans.section > 0].groupby(["report_id", "section"]).position.min().reset_index()
    row_of = {r: i for i, r in enumerate(reports)}
    for i, (ax, theme) in enumerate(zip(axes.flat, themes, strict=False)):
        ax.scatter(starts.position, starts.report_id.map(row_of), marker="|", s=30, color="#CCCCCC", lw=0.8)
        part = coded[coded.theme == theme]
        for report, sent in part.groupby("report_id", sort=False):
            ax.broken_barh(list(zip(sent.position, sent.end - sent.position, strict=True)),
                           (row_of[report] - 0.4, 0.8), facecolor=colors[groups[report]], lw=0)  # fmt: skip
        ax.set_title(labels[theme], fontsize=10)
        ax.set_ylim(len(reports) - 0.5, -0.5)
        ax.set_xlim(0, 1)
        ax.set_yticks(range(len(reports)), reports if i % axes.shape[1] == 0 else [],
                      fontsize=6 if len(reports) > 12 else 8)  # fmt: skip
    return _finish_dispersion(
        fig, axes, len(themes), colors, "every coded sentence as a bar, one row per report",
        "Position in the report's body text (share of characters; grey ticks: section starts)",
    )  # fmt: skip


def plot_dispersion_by_group(
    spans: pd.DataFrame,
    hits: pd.DataFrame,
    groups: pd.Series,
    labels: dict[str, str],
    colors: dict[str, str],
) -> plt.Figure:
    """The dispersion plot of a large corpus: one panel per theme, one row per group (order of ``colors``;
    past ``MAX_GROUP_ROWS`` groups the groups with the most reports), the body text cut into
    ``POSITION_BINS`` equal stretches; a cell's shade of the group's colour is the share of the group's
    sentences coded with the theme whose middle falls in that stretch (darkest: the row's largest share).
    Arguments as :func:`plot_dispersion`."""
    shown = largest_groups(groups, colors, MAX_GROUP_ROWS)
    themes = list(labels)
    coded = hits.merge(spans, on=["report_id", "sentence_id"])
    coded = coded.assign(
        group=coded.report_id.map(groups),
        stretch=np.minimum(((coded.position + coded.end) / 2 * POSITION_BINS).astype(int), POSITION_BINS - 1),
    )
    counts = coded.groupby(["theme", "group", "stretch"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=range(POSITION_BINS), fill_value=0)
    fig, axes = _theme_panels(len(themes), 0.22 * len(shown) + 0.8)
    for i, (ax, theme) in enumerate(zip(axes.flat, themes, strict=False)):
        grid = np.zeros((len(shown), POSITION_BINS, 4))
        for row, group in enumerate(shown):
            if (theme, group) in counts.index:
                shares = counts.loc[(theme, group)].to_numpy()
                grid[row, :, :3] = to_rgb(colors[group])
                grid[row, :, 3] = shares / shares.max()
        ax.imshow(grid, aspect="auto", extent=(0, 1, len(shown) - 0.5, -0.5), interpolation="nearest")
        ax.set_title(labels[theme], fontsize=10)
        ax.set_xlim(0, 1)
        ax.set_yticks(range(len(shown)), shown if i % axes.shape[1] == 0 else [],
                      fontsize=8 if len(shown) <= 12 else 7)  # fmt: skip
    n_groups = groups.nunique()
    what = f"{len(shown)} largest of {n_groups} groups" if len(shown) < n_groups else "groups"
    return _finish_dispersion(
        fig, axes, len(themes), {g: colors[g] for g in shown},
        f"coded sentences of {len(groups):,} reports, one row per group ({what}; darker: more)",
        f"Position in the report's body text (share of characters, in {POSITION_BINS} stretches)",
    )  # fmt: skip


def _theme_panels(n: int, panel_h: float) -> tuple[plt.Figure, np.ndarray]:
    """A figure of ``n`` panels in rows of ``PANELS_PER_ROW``, each ``panel_h`` inches tall, sharing x."""
    columns = min(n, PANELS_PER_ROW)
    rows = -(-n // columns)
    return plt.subplots(rows, columns, figsize=(FIG_WIDTH, panel_h * rows + 1.2), squeeze=False, sharex=True)


def _finish_dispersion(fig, axes, n: int, colors: dict[str, str], what: str, xlabel: str) -> plt.Figure:
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    fig.supxlabel(xlabel, fontsize=10)
    top = title_and_legend(fig, f"Where each theme is hit: {what}", colors)
    fig.tight_layout(rect=(0, 0, 1, top))
    return fig


def plot_cooccurrence(matrices: dict[str, pd.DataFrame], labels: dict[str, str]) -> plt.Figure:
    """One heatmap per entry of ``matrices`` (e.g. all reports pooled, then each group; rows of at most
    ``PANELS_PER_ROW``): sentences coded with both themes (diagonal: sentences coded with the theme).
    ``matrices``: name → :func:`helpers.themes.cooccurrence` matrix; ``labels``: theme id → label."""
    names = [labels[t] for t in labels]
    ncol = min(len(matrices), PANELS_PER_ROW)
    nrow = -(-len(matrices) // ncol)
    side = 0.28 * len(labels) + 2.2
    size = (max(FIG_WIDTH, side * ncol), side * nrow + 0.6)
    fig, axes = plt.subplots(nrow, ncol, figsize=size, squeeze=False, layout="constrained")
    for ax, (title, matrix) in zip(axes.flat, matrices.items(), strict=False):
        m = matrix.loc[list(labels), list(labels)].to_numpy()
        vmax = max(int(m.max()), 1)
        ax.imshow(m, cmap="Greys", vmin=0, vmax=vmax)
        for (i, j), v in np.ndenumerate(m):
            ax.text(
                j,
                i,
                str(v),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if v > 0.6 * vmax else "black",
            )
        ax.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=7)
        ax.set_yticks(range(len(names)), names, fontsize=7)
        ax.tick_params(length=0)
        ax.set_title(str(title), fontsize=10)
        ax.spines[:].set_visible(False)
    for ax in axes.flat[len(matrices) :]:
        ax.set_visible(False)
    fig.suptitle("Themes sharing a sentence (counts of sentences; shading scaled per panel)", fontsize=12)
    return fig
