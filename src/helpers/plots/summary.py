"""Figure of notebook 05: the key findings at a glance."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import FIG_WIDTH, NEUTRAL, group_colors


def plot_key_findings(verdicts: pd.DataFrame, terms: pd.DataFrame) -> plt.Figure:
    """Left: theme differences with 95% CIs, coloured by the region they lean to. Right: distinctive terms."""
    regions = list(dict.fromkeys([*verdicts.group_a, *verdicts.group_b, *terms.group]))
    colors = group_colors(regions)
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(FIG_WIDTH, 0.45 * max(len(verdicts), len(terms) / 2) + 2.2), width_ratios=[1.1, 1]
    )
    y = np.arange(len(verdicts))[::-1]
    for yi, row in zip(y, verdicts.itertuples(), strict=True):
        color = colors.get(row.leans_to, NEUTRAL)
        err = [[row.share_diff - row.share_diff_lo], [row.share_diff_hi - row.share_diff]]
        left.errorbar(row.share_diff, yi, xerr=err, fmt="D", color=color, capsize=3, markersize=6)
    left.axvline(0, color="black", linewidth=0.8)
    left.set_yticks(y, verdicts.label)
    ref, other = verdicts.group_a.iloc[0], verdicts.group_b.iloc[0]
    left.set_xlabel(f"Share of sentences: {ref} − {other} (95% CI)")
    left.set_title("Themes: where the reports differ", fontsize=11)
    left.grid(axis="x", color="#dddddd", linewidth=0.6)

    ordered = terms.iloc[::-1]
    yt = np.arange(len(ordered))
    signed = np.where(ordered.group == ref, 1, -1) * ordered.log_odds_z.abs()
    right.barh(yt, signed, color=[colors[r] for r in ordered.group])
    right.set_yticks(yt, ordered.term)
    right.axvline(0, color="black", linewidth=0.8)
    right.set_xlabel(f"Log-odds z (← {other} · {ref} →)")
    right.set_title("Distinctive terms (BH q ≤ 0.05, dispersed)", fontsize=11)
    fig.suptitle(f"{ref} vs {other} at a glance", fontsize=13)
    fig.tight_layout()
    return fig
