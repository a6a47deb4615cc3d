"""Figure of notebook 04: who speaks in each group, and the themes their words carry."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..voices import TYPE_LABELS
from .style import FIG_WIDTH


def _heatmap(ax, grid: pd.DataFrame, title: str) -> None:
    values = grid.to_numpy()
    vmax = max(int(values.max()), 1)
    ax.imshow(values, cmap="Greys", vmin=0, vmax=vmax, aspect="auto")
    for (i, j), n in np.ndenumerate(values):
        if n:
            ax.text(
                j, i, n, ha="center", va="center", fontsize=8, color="white" if n > 0.6 * vmax else "black"
            )
    ax.set_xticks(range(grid.shape[1]), list(grid.columns), rotation=40, ha="right", fontsize=9)
    ax.set_yticks(range(grid.shape[0]), [str(g) for g in grid.index], fontsize=9 if len(grid) <= 30 else 7)
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    ax.set_title(title, fontsize=11)


def plot_voices(
    by_type: pd.DataFrame, by_theme: pd.DataFrame, order: list[str], themes: dict[str, str]
) -> plt.Figure:
    """Left: speech items per group × speaker type; right: speech items per group × theme they carry (an
    item counts once per theme). One row per group (``order``), so 30 groups stay readable.

    ``by_type``: :func:`helpers.voices.voices_by_type`; ``by_theme``: :func:`helpers.voices.voice_themes`;
    ``themes`` maps theme id → English label (codebook order).
    """
    types = pd.DataFrame(0, index=order, columns=list(TYPE_LABELS))
    for row in by_type.itertuples():
        types.loc[row.group, row.speaker_type] = row.items
    types.columns = [TYPE_LABELS[t] for t in types.columns]
    carried = pd.DataFrame(0, index=order, columns=list(themes))
    for row in by_theme.itertuples():
        carried.loc[row.group, row.theme] = row.items
    carried.columns = list(themes.values())
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(FIG_WIDTH * 1.3, 0.3 * len(order) + 3.2), width_ratios=[len(TYPE_LABELS), len(themes)]
    )
    _heatmap(left, types, "Speech items by speaker type")
    _heatmap(right, carried, "Themes the speech items carry")
    right.set_yticks([])
    fig.suptitle("Who speaks in each group, and about what (counts of speech items)", fontsize=12)
    fig.tight_layout()
    return fig
