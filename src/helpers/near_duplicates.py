"""Near-duplicate reports: the same article republished by several outlets.

Two reports are near-duplicates when the Jaccard similarity of their sets of character 5-shingles (every
run of ``SHINGLE`` consecutive non-space characters of the body text; Broder 1997) is at least
``THRESHOLD`` (0.5: a republished article with a changed headline or byline, or one paragraph in four
dropped, stays above it — 0.69 for the latter in the tests; two reports on the same event written
separately share few 5-character runs — 0.02 in the tests). Reports
linked by such pairs form a cluster (connected components), represented by its first report in manifest
order. The inference counts a cluster as one report: the other members are left out of keyness and theme
rates by default (:func:`representatives`), and listed in ``near_duplicates.csv``.

Shingles are hashed into 2²⁰ features (scikit-learn's ``HashingVectorizer``, deterministic); the pairwise
intersections are sparse products computed in row chunks, so memory stays bounded.
"""

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import HashingVectorizer

SHINGLE = 5
THRESHOLD = 0.5
CHUNK_ROWS = 500
COLUMNS = ["report_id", "duplicate_of", "jaccard"]


def shingles(texts: list[str]) -> sparse.csr_matrix:
    """Reports × hashed 5-shingles, binary (whitespace removed first)."""
    vectorizer = HashingVectorizer(
        analyzer="char",
        ngram_range=(SHINGLE, SHINGLE),
        n_features=2**20,
        binary=True,
        norm=None,
        alternate_sign=False,
        lowercase=False,
        preprocessor=lambda text: "".join(text.split()),
    )
    return vectorizer.transform(texts).astype(np.int32).tocsr()


def near_duplicates(blocks: pd.DataFrame, threshold: float = THRESHOLD) -> pd.DataFrame:
    """Every report that duplicates an earlier one: ``report_id``, ``duplicate_of`` (the first report of
    its cluster, manifest order) and ``jaccard`` (its shingle Jaccard similarity with that report, rounded
    to 6 decimals). From the ``body`` blocks of ``blocks``; empty when there are none."""
    body = blocks[blocks.kind == "body"]
    text = body.groupby("report_id", sort=False).text.agg("".join)
    ids = list(dict.fromkeys(blocks.report_id))
    text = text.reindex(ids, fill_value="")
    x = shingles(list(text))
    size = np.asarray(x.sum(axis=1)).ravel()
    rows, cols = [], []
    for start in range(0, len(ids), CHUNK_ROWS):
        inter = (x[start : start + CHUNK_ROWS] @ x.T).tocoo()
        a, b = inter.row + start, inter.col
        union = size[a] + size[b] - inter.data
        keep = (a < b) & (inter.data >= threshold * union) & (union > 0)
        rows.append(a[keep])
        cols.append(b[keep])
    a, b = np.concatenate(rows), np.concatenate(cols)
    graph = sparse.coo_matrix((np.ones(len(a)), (a, b)), shape=(len(ids), len(ids)))
    _, label = connected_components(graph, directed=False)
    first = {}
    for i, lab in enumerate(label):
        first.setdefault(lab, i)
    members = [i for i, lab in enumerate(label) if first[lab] != i]
    rep = [first[label[i]] for i in members]
    inter = np.array([x[i].multiply(x[r]).sum() for i, r in zip(members, rep, strict=True)], dtype=float)
    union = size[members] + size[rep] - inter
    return pd.DataFrame(
        {
            "report_id": [ids[i] for i in members],
            "duplicate_of": [ids[r] for r in rep],
            "jaccard": np.round(np.divide(inter, union, out=np.ones_like(inter), where=union > 0), 6),
        },
        columns=COLUMNS,
    )


def representatives(reports: pd.DataFrame, duplicates: pd.DataFrame | None) -> pd.DataFrame:
    """``reports`` without the reports that duplicate an earlier one (one report per cluster); all of them
    when ``duplicates`` is None (not computed)."""
    return reports if duplicates is None else reports[~reports.report_id.isin(duplicates.report_id)]


def duplicates_stage(frames: dict[str, pd.DataFrame], options: dict) -> dict[str, pd.DataFrame]:
    """Build stage: ``near_duplicates.csv``."""
    return {"near_duplicates": near_duplicates(frames["blocks"])}
