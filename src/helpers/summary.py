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


def theme_extremes(rates: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Per theme, the group with the highest and the lowest share of sentences coded, from
    :func:`helpers.theme_rates.group_rates`; columns ``theme``, ``label``, ``highest``, ``share_high``,
    ``share_high_lo``, ``share_high_hi``, ``lowest``, ``share_low``, ``share_low_lo``, ``share_low_hi``,
    ``gap`` (share_high − share_low), ``separated`` (the two 95% intervals do not overlap: a conservative
    reading of a difference) and ``unit`` (what the intervals resampled). Ties go to the earlier group;
    themes in ``labels`` order (required themes first, as :func:`theme_verdicts`)."""
    rows = []
    for theme, part in rates.groupby("theme", sort=False):
        high = part.loc[part.share.idxmax()]
        low = part.loc[part.share.idxmin()]
        rows.append(
            {
                "theme": theme,
                "label": labels.get(theme, theme),
                "highest": high.group,
                "share_high": high.share,
                "share_high_lo": high.share_lo,
                "share_high_hi": high.share_hi,
                "lowest": low.group,
                "share_low": low.share,
                "share_low_lo": low.share_lo,
                "share_low_hi": low.share_hi,
                "gap": round(high.share - low.share, 6),
                "separated": bool(high.share_lo > low.share_hi),
                "unit": " | ".join(dict.fromkeys(part.unit)),
            }
        )
    order = {t: i for i, t in enumerate([*REQUIRED, *labels])}
    out = pd.DataFrame(rows)
    return (
        out.assign(_o=out.theme.map(order))
        .sort_values("_o", kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def extreme_sentence(row) -> str:
    """One English sentence for a :func:`theme_extremes` row, every number taken from the row."""
    if row.highest == row.lowest or row.gap == 0:
        return f"**{row.label}**: every group has the same share ({row.share_high:.0%})."
    reading = (
        "their 95% intervals do not overlap"
        if row.separated
        else "their 95% intervals overlap, so the ranking is not established"
    )
    return (
        f"**{row.label}**: highest in **{row.highest}** ({row.share_high:.0%} of sentences, 95% CI "
        f"{row.share_high_lo:.0%}–{row.share_high_hi:.0%}), lowest in **{row.lowest}** ({row.share_low:.0%}, "
        f"{row.share_low_lo:.0%}–{row.share_low_hi:.0%}); a gap of {100 * row.gap:.1f} points — {reading} "
        f"(unit: {row.unit})."
    )


def voices(quotes: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Quotations per group (``groups``: report_id → group, in its order; groups without any quotation
    get a row of zeros) and speaker type."""
    table = pd.crosstab(
        quotes.report_id.map(groups).rename("group"), quotes.speaker_type.rename("speaker type")
    )
    return table.reindex(list(dict.fromkeys(groups)), fill_value=0)
