"""Figure of notebook 04: who speaks, and the themes each voice carries."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap

from ..voices import TYPE_LABELS
from .style import FIG_WIDTH, NEUTRAL, group_colors


def plot_voices(
    by_type: pd.DataFrame, by_theme: pd.DataFrame, regions: list[str], themes: dict[str, str]
) -> plt.Figure:
    """Left: speech items by speaker type per region; right: one heatmap per region, type × theme counts.

    ``by_type``: :func:`helpers.voices.voices_by_type`; ``by_theme``: :func:`helpers.voices.voice_themes`;
    ``regions``: every region in manifest order; ``themes`` maps theme id → English label (codebook order).
    """
    colors = group_colors(regions)
    types = [t for t in TYPE_LABELS if t in set(by_type.speaker_type)]
    fig, axes = plt.subplots(
        1,
        1 + len(regions),
        figsize=(FIG_WIDTH * 1.5, 0.75 * len(types) + 2.6),
        sharey=True,
        gridspec_kw={"width_ratios": [1.1] + [1.6] * len(regions)},
    )
    height = 0.8 / len(regions)
    for k, region in enumerate(regions):
        counts = (
            by_type[by_type.region == region].set_index("speaker_type")["items"].reindex(types, fill_value=0)
        )
        y = np.arange(len(types)) + (k - (len(regions) - 1) / 2) * height
        axes[0].barh(y, counts.to_numpy(), height=height, color=colors[region], label=region)
    axes[0].set_yticks(range(len(types)), [TYPE_LABELS[t] for t in types])
    axes[0].invert_yaxis()
    axes[0].set_xlabel("Speech items (direct + reported)")
    axes[0].set_title("Who speaks")
    axes[0].legend(frameon=False, loc="lower right")
    vmax = max(by_theme["items"].max(), 1)
    for ax, region in zip(axes[1:], regions, strict=True):
        grid = (
            by_theme[by_theme.region == region]
            .pivot(index="speaker_type", columns="theme", values="items")
            .reindex(index=types, columns=list(themes))
            .fillna(0)
            .astype(int)
        )
        cmap = LinearSegmentedColormap.from_list(region, ["#FFFFFF", colors[region]])
        ax.imshow(grid.to_numpy(), cmap=cmap, vmin=0, vmax=vmax, aspect="auto")
        for (i, j), n in np.ndenumerate(grid.to_numpy()):
            if n:
                ax.text(j, i, n, ha="center", va="center", color="white" if n > vmax / 2 else "black")
        spoken = set(by_type.loc[by_type.region == region, "speaker_type"])
        for i, kind in enumerate(types):
            if kind not in spoken:
                ax.text((len(themes) - 1) / 2, i, "no speech items", ha="center", va="center", color=NEUTRAL)
        ax.set_xticks(range(len(themes)), list(themes.values()), rotation=40, ha="right")
        ax.set_title(f"{region}: themes each voice carries")
        ax.tick_params(left=False)
        ax.spines[:].set_visible(False)
    fig.tight_layout()
    return fig
