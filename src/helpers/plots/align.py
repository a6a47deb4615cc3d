"""Figure of notebook 04: the paragraph × paragraph similarity heatmap of two reports."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..align import paragraph_labels
from .style import FIG_WIDTH, NEUTRAL, group_colors


def plot_alignment(
    matrix: pd.DataFrame,
    blocks: pd.DataFrame,
    report_a: str,
    report_b: str,
    names: dict[str, str],
    threshold: float,
) -> plt.Figure:
    """Paragraph × paragraph cosine heatmap in reading order; dots mark each row's best match, a ring
    marks pairs at or above the counterpart ``threshold`` (``alignment_calibration.threshold``).

    ``matrix``: :func:`helpers.align.similarity` of ``report_a`` (rows) and ``report_b`` (columns);
    ``blocks``: the blocks table (for the paragraph labels); ``names`` maps every report_id, in manifest
    order, to its group (axis names and the ring's colour).
    """
    values = matrix.to_numpy()
    fig, ax = plt.subplots(figsize=(FIG_WIDTH * 1.25, 0.36 * len(matrix) + 3.2))
    image = ax.imshow(values, cmap="Greys", vmin=0, aspect="auto")
    ax.scatter(values.argmax(axis=1), range(len(matrix)), s=14, color=NEUTRAL, label="best match of the row")
    hit_rows, hit_cols = np.nonzero(values >= threshold)
    ax.scatter(
        hit_cols,
        hit_rows,
        s=120,
        facecolors="none",
        linewidths=1.6,
        edgecolors=group_colors(names.values())[names[report_a]],
        label="counterpart (≥ threshold)",
    )
    ax.set_yticks(range(len(matrix)), paragraph_labels(blocks, report_a, matrix.index))
    ax.set_xticks(
        range(matrix.shape[1]), paragraph_labels(blocks, report_b, matrix.columns), rotation=60, ha="right"
    )
    name_a, name_b = names.get(report_a, report_a), names.get(report_b, report_b)
    ax.set_ylabel(f"{name_a} body paragraphs (reading order)")
    ax.set_xlabel(f"{name_b} body paragraphs (reading order)")
    ax.set_title(f"Each {name_a} paragraph against every {name_b} paragraph")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.42), ncol=2, frameon=False)
    fig.colorbar(image, ax=ax, label="cosine similarity (TF-IDF, content words)", shrink=0.6)
    ax.spines[:].set_visible(False)
    fig.tight_layout()
    return fig
