"""Groups of reports: a grouping column of the manifest (docvar), its order, and the focus pair.

``region`` and every extra manifest column are grouping variables (``build.json``'s ``group_columns``);
any column of ``reports.csv`` can group. Values are text; an empty value is the explicit group
``(missing)``. Groups keep the order of their first report in the manifest. The two-way views (term
scatter, comparison clouds, alignment, pair verdicts) compare a *focus* pair: by default the first two
groups; with a single group there is nothing to compare (``focus_pair`` returns None).
"""

import numpy as np
import pandas as pd

from .manifest import MISSING
from .near_duplicates import representatives


def report_groups(reports: pd.DataFrame, group_by: str = "region") -> pd.Series:
    """report_id → group label (text; empty → ``(missing)``: the build warns about those), in manifest order.

    Raises ValueError naming the available columns when ``reports`` has no column ``group_by``.
    """
    if group_by not in reports.columns:
        raise ValueError(f"no column {group_by!r} to group by; reports.csv has: {', '.join(reports.columns)}")
    labels = reports[group_by].fillna("").astype(str).str.strip().replace("", MISSING)
    return pd.Series(labels.to_numpy(), index=reports["report_id"].to_numpy(), name=group_by)


def group_column(report_id: pd.Series, groups: pd.Series) -> pd.Series:
    """Each row's group (``groups``: report_id → group; NaN for a report not in it), same index as
    ``report_id``, as a categorical whose categories are the groups in order: one small integer per row,
    where ``report_id.map(groups)`` makes a string per row (hundreds of MB over a corpus's tokens)."""
    report = report_id.astype("category")
    names = pd.Index(group_order(groups))
    per_report = names.get_indexer(report.cat.categories.map(groups, na_action="ignore"))
    codes = report.cat.codes.to_numpy()
    return pd.Series(
        pd.Categorical.from_codes(np.where(codes >= 0, per_report[codes], -1), names),
        index=report_id.index,
        name=groups.name,
    )


def group_order(groups: pd.Series) -> list[str]:
    """The groups in the order of their first report."""
    return list(dict.fromkeys(groups))


def focus_pair(order: list[str], focus=None) -> tuple[str, str] | None:
    """The two groups the two-way views compare: ``focus`` if given (two group labels), else the first two
    groups of ``order``; None when there is only one group. Raises ValueError for an unknown group."""
    if focus is None:
        return (order[0], order[1]) if len(order) >= 2 else None
    pair = tuple(str(g) for g in focus)
    unknown = [g for g in pair if g not in order]
    if len(pair) != 2 or pair[0] == pair[1] or unknown:
        raise ValueError(f"focus must name two different groups of: {', '.join(order)} (got {list(pair)})")
    return pair


def counted_groups(
    reports: pd.DataFrame, near_duplicates: pd.DataFrame, group_by: str = "region"
) -> pd.Series:
    """:func:`report_groups` for inference: a report that republishes an earlier one (listed in
    ``near_duplicates.csv``) is left out, so each cluster of near-duplicates counts as one report, as the
    build counts them (:func:`helpers.near_duplicates.representatives`)."""
    return report_groups(representatives(reports, near_duplicates), group_by)
