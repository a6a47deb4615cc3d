"""Figures of the structure views: labels of the CA map never overlap, even with 30 groups."""

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd
from matplotlib import pyplot as plt

from helpers.correspondence import correspondence
from helpers.plots.structure import ca_map
from helpers.plots.style import use_style


def visible_label_boxes(fig):
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    return [t.get_window_extent(renderer) for t in ax.texts if t.get_visible() and t.get_text()]


def test_ca_map_with_30_groups_labels_every_group_and_no_labels_overlap():
    use_style()
    rng = np.random.default_rng(3)
    groups = [f"组{i:02d}" for i in range(30)]
    # 150 terms, each group over-using a few of them, so points crowd in several directions
    counts = rng.poisson(3, size=(150, 30)) + 20 * (rng.random((150, 30)) < 0.03)
    table = pd.DataFrame(counts, index=[f"词语{i:03d}" for i in range(150)], columns=groups)
    result = correspondence(table)
    # 150 labels on one plane: more than adjustText can separate, so the dropping rule is exercised too
    fig = ca_map(result.coordinates, result.inertia, groups, "30 groups", n_labels=120)
    fig.canvas.draw()
    boxes = visible_label_boxes(fig)
    shown = {t.get_text() for t in fig.axes[0].texts if t.get_visible()}
    assert len(boxes) >= 30 and set(groups) <= shown  # every group named
    overlaps = [(i, j) for i in range(len(boxes)) for j in range(i) if boxes[i].overlaps(boxes[j])]
    assert overlaps == []
    plt.close(fig)
