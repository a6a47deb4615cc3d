"""Figure of notebook 05: the key findings at a glance."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import FIG_WIDTH, NEUTRAL, title_and_legend


def plot_key_findings(
    rates: pd.DataFrame, verdicts: pd.DataFrame | None, labels: dict[str, str], colors: dict[str, str]
) -> plt.Figure:
    """Left: per theme (rows), every group's share of sentences coded as a dot in its colour, with a line
    from the lowest to the highest group. Right (when ``verdicts`` is given): the focus pair's difference
    in share with its 95% interval, coloured by the group it leans to (grey: no clear difference).

    ``rates``: :func:`helpers.theme_rates.group_rates`; ``verdicts``: :func:`helpers.summary.theme_verdicts`
    (None with a single group); ``labels``: theme id → label (required themes first); ``colors``: group →
    colour."""
    themes = list(verdicts.theme) if verdicts is not None else [t for t in labels if t in set(rates.theme)]
    y = np.arange(len(themes))[::-1]
    panels = 2 if verdicts is not None else 1
    fig, axes = plt.subplots(
        1, panels, figsize=(FIG_WIDTH, 0.42 * len(themes) + 2.6), sharey=True, squeeze=False
    )
    left = axes[0, 0]
    for yi, theme in zip(y, themes, strict=True):
        part = rates[rates.theme == theme]
        left.plot([part.share.min(), part.share.max()], [yi, yi], color="#CCCCCC", lw=2, zorder=1)
        left.scatter(part.share, np.full(len(part), yi), c=[colors[g] for g in part.group], s=36, zorder=2,
                     edgecolors="white", linewidths=0.5)  # fmt: skip
    left.set_yticks(y, [labels.get(t, t) for t in themes])
    left.set_xlim(left=0)
    left.set_xlabel("Share of sentences coded, each group")
    left.set_title("Every group, per theme", fontsize=11)
    left.grid(axis="x", color="#dddddd", linewidth=0.6)
    if verdicts is not None:
        right = axes[0, 1]
        for yi, row in zip(y, verdicts.itertuples(), strict=True):
            err = [[row.share_diff - row.share_diff_lo], [row.share_diff_hi - row.share_diff]]
            right.errorbar(row.share_diff, yi, xerr=err, fmt="D", color=colors.get(row.leans_to, NEUTRAL),
                           capsize=3, markersize=6)  # fmt: skip
        right.axvline(0, color="black", linewidth=0.8)
        a, b = verdicts.group_a.iloc[0], verdicts.group_b.iloc[0]
        right.set_xlabel(f"{a} − {b} (95% interval)")
        right.set_title(f"Focus pair: {a} vs {b}", fontsize=11)
        right.grid(axis="x", color="#dddddd", linewidth=0.6)
    top = title_and_legend(fig, f"Key findings: {len(colors)} groups, {len(themes)} themes", colors, 13)
    fig.tight_layout(rect=(0, 0, 1, top))
    return fig
