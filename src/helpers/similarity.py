"""How alike whole reports are in vocabulary, and an order that puts similar reports side by side.

Each unit (a report, or a group of reports pooled) is a TF-IDF vector of its content-term counts
(``frequencies.csv``): sublinear tf (1 + log tf), smoothed idf ln((1 + n) / (1 + df)) + 1, L2
normalisation (scikit-learn ``TfidfTransformer``, as :mod:`helpers.align` does for paragraphs). Similarity is
the cosine of two vectors (0–1). The order is the leaf order of average-linkage (UPGMA) hierarchical
clustering on the distance 1 − cosine (``scipy.cluster.hierarchy.linkage``), with optimal leaf ordering so
that neighbours are as similar as possible; ties resolve deterministically.

Up to ``MAX_REPORTS`` (2,000) reports the matrix is over reports (4 million cells, 32 MB); beyond that it is
over groups, each group's reports pooled (:func:`similarity_matrix` with ``groups``).
"""

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfTransformer

from .groups import group_column

MAX_REPORTS = 2000


def similarity_matrix(frequencies: pd.DataFrame, units: pd.Series) -> pd.DataFrame:
    """Cosine similarity of the content vocabulary of every pair of units; a square DataFrame indexed both
    ways by unit, in the order of first appearance in ``units`` (report_id → unit: the report itself, or
    its group to pool a group's reports). Reports not in ``units`` are left out. ``frequencies``: the
    report × term counts of content tokens (``frequencies.csv``: ``report_id``, ``term``, ``count``),
    so the token table is never read; a unit's counts are the sum of its reports'."""
    unit_column = group_column(frequencies["report_id"], units)
    names, unit = list(unit_column.cat.categories), unit_column.cat.codes.to_numpy()
    words = frequencies["term"].astype("category")
    terms = words.cat.categories.astype(str)
    rank = np.argsort(np.argsort(terms.to_numpy(dtype=object), kind="stable")).astype(np.int32)  # term order
    shape = (len(names), len(terms))
    count, term = frequencies["count"].to_numpy(), rank[words.cat.codes.to_numpy()]
    if not (keep := unit >= 0).all():
        count, unit, term = count[keep], unit[keep], term[keep]
    if shape[0] * shape[1] <= len(count):  # fewer cells than rows (units pool many reports): summed densely
        cell = unit.astype(np.int64) * shape[1] + term
        counts = sparse.csr_matrix(np.bincount(cell, count, shape[0] * shape[1]).reshape(shape))
    else:  # one sparse entry per row; a unit's duplicate (unit, term) entries are summed
        counts = sparse.csr_matrix((count, (unit, term)), shape=shape)
    x = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    sim = (x @ x.T).toarray().clip(0, 1).round(6)
    np.fill_diagonal(sim, 1.0)
    return pd.DataFrame(sim, index=names, columns=names)


def cluster_order(matrix: pd.DataFrame) -> list[str]:
    """The units of a similarity matrix in the leaf order of average-linkage clustering on 1 − cosine,
    optimally ordered; a single unit is returned as it is."""
    if len(matrix) < 3:
        return list(matrix.index)
    distance = squareform(1 - matrix.to_numpy(), checks=False).clip(0)
    tree = hierarchy.optimal_leaf_ordering(hierarchy.linkage(distance, method="average"), distance)
    return [matrix.index[i] for i in hierarchy.leaves_list(tree)]


def report_similarity(frequencies: pd.DataFrame, groups: pd.Series) -> tuple[pd.DataFrame, str]:
    """The similarity matrix over reports, or over groups beyond ``MAX_REPORTS`` reports, rows and
    columns in cluster order; with the unit it is over (``"report"`` or ``"group"``). ``frequencies``: as
    :func:`similarity_matrix`; ``groups``: report_id → group."""
    if len(groups) <= MAX_REPORTS:
        matrix, unit = similarity_matrix(frequencies, pd.Series(groups.index, index=groups.index)), "report"
    else:
        matrix, unit = similarity_matrix(frequencies, groups), "group"
    order = cluster_order(matrix)
    return matrix.loc[order, order], unit


def within_between(matrix: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Per group (order of ``groups``: report_id → group): ``reports``, the mean similarity of its reports
    with each other (``within``; NaN for a group of one report) and with the reports of other groups
    (``between``; NaN with a single group). ``matrix``: a report × report :func:`similarity_matrix`."""
    m = matrix.loc[list(groups.index), list(groups.index)].to_numpy()
    label = groups.to_numpy()
    off_diagonal = ~np.eye(len(m), dtype=bool)
    rows = []
    for group in dict.fromkeys(label):
        own = label == group
        within = m[np.ix_(own, own)][off_diagonal[np.ix_(own, own)]]
        between = m[np.ix_(own, ~own)].ravel()
        rows.append(
            {
                "group": group,
                "reports": int(own.sum()),
                "within": round(float(within.mean()), 6) if within.size else np.nan,
                "between": round(float(between.mean()), 6) if between.size else np.nan,
            }
        )
    return pd.DataFrame(rows)
