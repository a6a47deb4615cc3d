"""Near-duplicate reports: the same article republished by several outlets.

Two reports are near-duplicates when the Jaccard similarity of their sets of character 5-shingles (every
run of ``SHINGLE`` consecutive non-space characters of the body text; Broder 1997) is at least
``THRESHOLD`` (0.5: a republished article with a changed headline or byline, or one paragraph in four
dropped, stays above it — 0.69 for the latter in the tests; two reports on the same event written
separately share few 5-character runs — 0.02 in the tests). Reports
linked by such pairs form a cluster (connected components), represented by its first report in manifest
order. The inference counts a cluster as one report: the other members are left out of keyness and theme
rates by default (:func:`representatives`), and listed in ``near_duplicates.csv``.

Shingles are hashed to 31-bit ids (a polynomial rolling hash of the code points, then a multiply-xorshift
mix, vectorised with NumPy; deterministic). Up to ``EXACT_REPORTS`` (500) reports every pair is compared
(sparse products in row chunks). Beyond that, comparing every pair would take time growing with the square
of the corpus (a cluster of m copies alone has m²/2 pairs), so candidate pairs come from bottom-k sketches
(Broder 1997; Cohen & Kaplan 2007): each report's ``SKETCH`` (16) smallest shingle ids; reports sharing
an id are linked to the first report (manifest order) that has it, and each such pair's exact Jaccard is
checked. Two reports with Jaccard J share about 16·J of their sketch ids, so a near-duplicate pair nearly
always shares one; it is still missed when every report it shares an id with first is not its
near-duplicate (deterministic; linear time and memory).
"""

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

SHINGLE = 5
THRESHOLD = 0.5
CHUNK_ROWS = 200  # reports hashed (and, all pairs, multiplied) at once
CHUNK_PAIRS = 500  # report pairs whose intersections are counted at once (rows of ~3,000 shingles)
EXACT_REPORTS = 500  # beyond this many reports, only candidate pairs from the sketches are compared
SKETCH = 16  # smallest shingle ids per report in its sketch
ID_BITS = 31
MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # rolling-hash base (2⁶⁴ / golden ratio, odd)
MIX = np.uint64(0xBF58476D1CE4E5B9)  # splitmix64's first multiplier (Steele, Lea & Flood 2014)
COLUMNS = ["report_id", "duplicate_of", "jaccard"]


def shingles(texts: list[str]) -> sparse.csr_matrix:
    """Reports × hashed 5-shingle ids (2³¹ columns), binary, indices sorted (whitespace removed first);
    hashed ``CHUNK_ROWS`` reports at a time, so memory stays bounded."""
    parts = [_shingle_ids(texts[i : i + CHUNK_ROWS]) for i in range(0, len(texts), CHUNK_ROWS)]
    sizes = np.concatenate([[0], *(np.diff(indptr) for indptr, _ in parts)])
    ids = np.concatenate([np.zeros(0, np.int32), *(ids for _, ids in parts)])
    data = np.ones(len(ids), np.int32)
    return sparse.csr_matrix((data, ids, np.cumsum(sizes)), shape=(len(texts), 2**ID_BITS))


def _shingle_ids(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Row pointers and sorted distinct shingle ids of ``texts`` (CSR parts)."""
    chars = [np.frombuffer("".join(t.split()).encode("utf-32-le"), dtype=np.uint32) for t in texts]
    lengths = np.array([len(c) for c in chars], dtype=np.int64)
    codes = np.concatenate([*chars, np.zeros(0, np.uint32)]).astype(np.uint64)
    n = max(len(codes) - SHINGLE + 1, 0)
    h = codes[:n].copy()
    for j in range(1, SHINGLE):
        h *= MULTIPLIER
        h += codes[j : j + n]
    h ^= h >> np.uint64(29)
    h *= MIX
    h >>= np.uint64(64 - ID_BITS)
    report = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)[:n]
    whole = np.arange(SHINGLE, n + SHINGLE) <= np.cumsum(lengths)[report]  # not across two reports
    key = np.sort(report[whole] << ID_BITS | h[whole].astype(np.int64))
    key = key[np.diff(key, prepend=-1) > 0]
    indptr = np.searchsorted(key >> ID_BITS, np.arange(len(texts) + 1))
    return indptr, (key & (2**ID_BITS - 1)).astype(np.int32)


def near_duplicates(blocks: pd.DataFrame, threshold: float = THRESHOLD) -> pd.DataFrame:
    """Every report that duplicates an earlier one: ``report_id``, ``duplicate_of`` (the first report of
    its cluster, manifest order) and ``jaccard`` (its shingle Jaccard similarity with that report, rounded
    to 6 decimals). From the ``body`` blocks of ``blocks``; empty when there are none."""
    body = blocks[blocks.kind == "body"]
    text = body.groupby("report_id", sort=False).text.agg("".join)
    ids = list(dict.fromkeys(blocks.report_id))
    x = shingles(list(text.reindex(ids, fill_value="")))
    size = np.diff(x.indptr)
    a, b, inter = all_pairs(x) if len(ids) <= EXACT_REPORTS else sketch_pairs(x)
    union = size[a] + size[b] - inter
    keep = (inter >= threshold * union) & (union > 0)
    graph = sparse.coo_matrix((np.ones(keep.sum()), (a[keep], b[keep])), shape=(len(ids), len(ids)))
    _, label = connected_components(graph, directed=False)
    _, first = np.unique(label, return_index=True)
    rep = first[label]
    members = np.flatnonzero(rep != np.arange(len(ids)))
    rep = rep[members]
    inter = intersections(x, members, rep).astype(float)
    union = size[members] + size[rep] - inter
    return pd.DataFrame(
        {
            "report_id": np.asarray(ids, dtype=object)[members],
            "duplicate_of": np.asarray(ids, dtype=object)[rep],
            "jaccard": np.round(np.divide(inter, union, out=np.ones_like(inter), where=union > 0), 6),
        },
        columns=COLUMNS,
    )


def all_pairs(x: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair (a < b) of rows sharing a shingle, with the number they share (sparse products in chunks
    of ``CHUNK_ROWS`` rows, on the shingle ids renumbered 0…)."""
    x = sparse.csr_matrix((x.data, pd.factorize(x.indices)[0], x.indptr))
    found = [(np.zeros(0, np.int64),) * 3]
    for start in range(0, x.shape[0], CHUNK_ROWS):
        inter = (x[start : start + CHUNK_ROWS] @ x.T).tocoo()
        a, b = inter.row + start, inter.col
        keep = a < b
        found.append((a[keep], b[keep], inter.data[keep]))
    return (
        tuple(np.concatenate(part) for part in zip(*found, strict=True)) if found else (np.zeros(0, int),) * 3
    )


def sketch_pairs(x: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs (a, b), distinct: a is the first row whose ``SKETCH`` smallest shingle ids include
    one of b's; with the number of shingles they share."""
    take = np.minimum(np.diff(x.indptr), SKETCH)
    at = np.repeat(x.indptr[:-1] - np.cumsum(take) + take, take) + np.arange(take.sum())
    report = np.repeat(np.arange(x.shape[0]), take)
    order = np.lexsort((report, x.indices[at]))
    value, report = x.indices[at][order], report[order]
    later = np.flatnonzero(np.diff(value, prepend=-1) == 0)
    first = np.maximum.accumulate(np.where(np.diff(value, prepend=-1) != 0, np.arange(len(value)), 0))
    pair = np.sort(report[first[later]].astype(np.int64) * x.shape[0] + report[later])
    pair = pair[np.diff(pair, prepend=-1) > 0]
    a, b = pair // x.shape[0], pair % x.shape[0]
    return a, b, intersections(x, a, b)


def intersections(x: sparse.csr_matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Shingles shared by rows ``a[i]`` and ``b[i]`` of the binary ``x``, for each i."""
    parts = [
        np.asarray(x[a[i : i + CHUNK_PAIRS]].multiply(x[b[i : i + CHUNK_PAIRS]]).sum(axis=1)).ravel()
        for i in range(0, len(a), CHUNK_PAIRS)
    ]
    return np.concatenate([*parts, np.zeros(0, np.int64)])


def representatives(reports: pd.DataFrame, duplicates: pd.DataFrame | None) -> pd.DataFrame:
    """``reports`` without the reports that duplicate an earlier one (one report per cluster); all of them
    when ``duplicates`` is None (not computed)."""
    return reports if duplicates is None else reports[~reports.report_id.isin(duplicates.report_id)]


def duplicates_stage(frames: dict[str, pd.DataFrame], options: dict) -> dict[str, pd.DataFrame]:
    """Build stage: ``near_duplicates.csv``."""
    return {"near_duplicates": near_duplicates(frames["blocks"])}
