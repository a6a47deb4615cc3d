"""The synthesis of notebook 05: theme verdicts, distinctive terms and voices, computed from the tables."""

import numpy as np
import pandas as pd

REQUIRED = ("integration", "digitization", "talent")


def theme_verdicts(summary: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """One row per theme and compared report: both shares, the difference with its 95% CI, and a verdict.

    The difference is reference − other (theme_summary's ``share_diff``); a verdict names a region only when
    the bootstrap interval excludes 0. Required themes come first, then the codebook's order.
    """
    ref = summary[summary.report_id == summary.reference_id]
    pairs = summary.dropna(subset=["share_diff"]).merge(
        ref[["theme", "region", "n_coded", "n_sentences", "share"]], on="theme", suffixes=("", "_ref")
    )
    lean = np.select(
        [pairs.share_diff_lo > 0, pairs.share_diff_hi < 0], [pairs.region_ref, pairs.region], default=""
    )
    order = {t: i for i, t in enumerate([*REQUIRED, *dict.fromkeys(summary.theme)])}
    return (
        pairs.assign(label=pairs.theme.map(labels), leans_to=lean, _order=pairs.theme.map(order))
        .sort_values(["_order", "report_id"])
        .reset_index(drop=True)[
            ["theme", "label", "region_ref", "n_coded_ref", "n_sentences_ref", "share_ref", "region",
             "n_coded", "n_sentences", "share", "share_diff", "share_diff_lo", "share_diff_hi", "leans_to"]
        ]
    )  # fmt: skip


def verdict_sentence(row) -> str:
    """One English sentence for a verdict row, every number taken from the row."""

    def pts(x):
        return f"{100 * x:+.1f}"

    finding = f"more often in {row.leans_to}" if row.leans_to else "no difference the texts can establish"
    return (
        f"**{row.label}**: {row.share_ref:.0%} of {row.region_ref} sentences "
        f"({row.n_coded_ref}/{row.n_sentences_ref}) vs {row.share:.0%} of {row.region} sentences "
        f"({row.n_coded}/{row.n_sentences}); difference {pts(row.share_diff)} points "
        f"(95% CI {pts(row.share_diff_lo)} to {pts(row.share_diff_hi)}) — {finding}."
    )


def distinctive_terms(
    keyness: pd.DataFrame, reports: pd.DataFrame, n: int = 8, q_max: float = 0.05
) -> pd.DataFrame:
    """Per report, up to ``n`` terms it over-uses against the rest with BH q ≤ ``q_max``, strongest first."""
    over = keyness[(keyness.log_ratio > 0) & (keyness.q_value <= q_max)]
    top = (
        over.sort_values(["target_report", "g2", "term"], ascending=[True, False, True])
        .groupby("target_report", sort=False)
        .head(n)
    )
    regions = reports.set_index("report_id").region
    return top.assign(region=top.target_report.map(regions))[
        ["region", "target_report", "term", "count_target", "count_reference", "g2", "q_value", "log_odds_z"]
    ].reset_index(drop=True)


def voices(quotes: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Quotations per region and speaker type."""
    regions = quotes.report_id.map(reports.set_index("report_id").region)
    return pd.crosstab(regions.rename("region"), quotes.speaker_type.rename("speaker type"))
