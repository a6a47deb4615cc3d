"""Figure of notebook 04: the report × report similarity matrix in cluster order."""

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.colors import to_rgb

from .style import FIG_WIDTH, title_and_legend

MAX_LABELS = 60  # beyond this many rows the report names are left off (the colour strip stays)
STRIP_INCHES = 0.3  # the group colour strip beside the rows, whatever the number of rows


def plot_similarity(matrix: pd.DataFrame, groups: pd.Series, colors: dict[str, str], unit: str) -> plt.Figure:
    """Heatmap of :func:`helpers.similarity.report_similarity` (rows and columns in cluster order), with a
    strip of group colours beside the rows; ``unit`` is ``"report"`` or ``"group"``. ``groups``: report_id
    → group; ``colors``: group → colour. Past ``MAX_LABELS`` rows the names are left off and the map
    keeps a fixed size (one image, the group strip beside it)."""
    n = len(matrix)
    # labelled rows need room (0.22 inch each, up to 24 inches); unlabelled ones are pixels of one image
    side = min(max(FIG_WIDTH * 0.7, 0.22 * n + 3.0), 24) if n <= MAX_LABELS else FIG_WIDTH * 0.9
    fig, (strip, ax) = plt.subplots(
        1, 2, figsize=(side + 1.5, side), width_ratios=[STRIP_INCHES, side], sharey=True
    )
    names = list(matrix.index)
    group_of = groups.to_dict() if unit == "report" else {g: g for g in names}
    strip.imshow([[to_rgb(colors[group_of[name]])] for name in names], aspect="auto")
    strip.set_xticks([])
    strip.spines[:].set_visible(False)
    image = ax.imshow(matrix.to_numpy(), cmap="viridis", vmin=0, vmax=1, aspect="auto")
    if n <= MAX_LABELS:
        size = 8 if n <= 30 else 6
        strip.set_yticks(range(n), [str(x) for x in names], fontsize=size)
        ax.set_xticks(range(n), [str(x) for x in names], rotation=90, fontsize=size)
    else:
        strip.set_yticks([])
        ax.set_xticks([])
    ax.tick_params(left=False)
    fig.colorbar(image, ax=ax, shrink=0.6, label="cosine similarity (TF-IDF of content terms)")
    title = f"How alike the {unit}s are in vocabulary (ordered by average-linkage clustering)"
    fig.tight_layout(rect=(0, 0, 1, title_and_legend(fig, title, colors)))
    return fig
