"""The synthesis of notebook 05: theme verdicts, distinctive terms and voices, computed from the tables."""

import numpy as np
import pandas as pd

REQUIRED = ("integration", "digitization", "talent")


def theme_verdicts(diff: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """The rows of :func:`helpers.theme_rates.group_difference` with a ``label`` and ``leans_to``: the group
    whose share is higher when the 95% interval of the difference excludes 0, else "". Required themes
    first, then the codebook's order."""
    lean = np.select(
        [diff.share_diff_lo > 0, diff.share_diff_hi < 0], [diff.group_a, diff.group_b], default=""
    )
    order = {t: i for i, t in enumerate([*REQUIRED, *dict.fromkeys(diff.theme)])}
    return (
        diff.assign(label=diff.theme.map(labels), leans_to=lean, _order=diff.theme.map(order))
        .sort_values("_order", kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def verdict_sentence(row) -> str:
    """One English sentence for a verdict row, every number taken from the row; the interval's resampling
    unit is named."""

    def pts(x):
        return f"{100 * x:+.1f}"

    finding = (
        f"more often in {row.leans_to}"
        if row.leans_to
        else "the interval includes no difference, so the texts cannot establish one"
    )
    return (
        f"**{row.label}**: {row.share_a:.0%} of {row.group_a} sentences "
        f"({row.n_coded_a}/{row.n_sentences_a}) vs {row.share_b:.0%} of {row.group_b} sentences "
        f"({row.n_coded_b}/{row.n_sentences_b}); difference {pts(row.share_diff)} points "
        f"(95% CI {pts(row.share_diff_lo)} to {pts(row.share_diff_hi)}; {row.method}, unit: {row.unit}) "
        f"— {finding}."
    )


def distinctive_terms(keyness: pd.DataFrame, n: int = 8) -> pd.DataFrame:
    """Per group, up to ``n`` of its ``distinctive`` terms (over-used, BH q within the threshold over one
    family of tests, dispersed over enough paragraphs), strongest G² first."""
    over = keyness[keyness.distinctive.astype(str) == "True"]
    order = {g: i for i, g in enumerate(dict.fromkeys(keyness.group))}
    top = (
        over.assign(_o=over.group.map(order))
        .sort_values(["_o", "g2", "term"], ascending=[True, False, True])
        .groupby("group", sort=False)
        .head(n)
    )
    return top[
        ["group", "term", "count_target", "count_reference", "g2", "q_value", "log_odds_z"]
    ].reset_index(drop=True)


def voices(quotes: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Quotations per region and speaker type."""
    regions = quotes.report_id.map(reports.set_index("report_id").region)
    return pd.crosstab(regions.rename("region"), quotes.speaker_type.rename("speaker type"))
