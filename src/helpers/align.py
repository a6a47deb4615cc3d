"""Cross-report correspondence: which body paragraphs of one report resemble which of another.

Paragraphs are the ``body`` blocks of ``blocks.csv``. Each is a TF-IDF vector over the project's content
tokens (``tokens.parquet``: jieba with the user dictionary, stopwords, punctuation and numbers
removed), fitted on the body paragraphs of all reports, with sublinear tf (1 + log tf), smoothed idf
ln((1 + n) / (1 + df)) + 1 and L2 normalisation (scikit-learn ``TfidfVectorizer``); similarity is the cosine
(the dot product of the normalised vectors). Words used in more than ``MAX_DF`` (30%) of all body paragraphs
(党建, 企业, 发展, 工作 …) are dropped: every paragraph of these reports uses them, so they say nothing about
which practice a paragraph describes, and with them the best matches follow the generic vocabulary. Words
rather than character n-grams for the same reason (bigram matches follow 发展, 党组织).

Build outputs (stage :func:`alignment_stage`). ``alignment.csv`` — for each body paragraph, its ``TOP_K`` (3)
most similar paragraphs in each *other group* (``region`` in ``reports.csv`` for the build; any manifest
column through ``group_by``), pooled over that group's reports. Reports of the same group are not matched
with each other. The table grows linearly with the number of reports; rows are in paragraph order (reports,
then blocks), then group order, then rank:

- ``report_a``, ``block_a`` — the paragraph being matched.
- ``region_b`` — the other group searched.
- ``report_b``, ``block_b`` — one of the ``TOP_K`` most similar paragraphs of ``region_b``.
- ``similarity`` — cosine similarity, 0–1.
- ``rank`` — 1–``TOP_K``: 1 = the most similar paragraph of ``region_b`` for this ``block_a`` (ties by report
  then block order).
- ``counterpart`` — ``similarity`` at or above the calibrated threshold (below).
- ``shared_terms`` — up to ``N_SHARED`` words that contribute most to the similarity (largest products of
  the two TF-IDF weights; ties in vocabulary order), ``|``-joined.

``alignment_calibration.csv`` — one row: the ``threshold`` (the 95th percentile of best-match similarities
under a permutation null that shuffles content tokens among paragraphs, ``N_PERMUTATIONS`` times), the
``chance_rate`` of null best matches above it (≈ 0.05; beyond ``NULL_SOURCES`` body paragraphs the null
best matches of a seeded sample of that many paragraphs per permutation — the quantile needs draws, not
every paragraph, and the null then costs time linear in the corpus), and the ``observed_rate`` /
``n_counterparts`` of real rank-1 matches above it with the number ``expected_by_chance``. A counterpart is a
reading aid: among n best matches, about 5% × n pass by chance, so only a rate well above the chance rate
says the two texts share practices paragraph by paragraph.

The full paragraph × paragraph matrix of two reports (for the heatmap) is computed on demand by
:func:`similarity`, not stored. Similarities are computed from sparse vectors in row chunks of at most
``CHUNK_CELLS`` pairs, so memory stays bounded however many reports there are.
"""

from itertools import pairwise

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .config import SEED

Frames = dict[str, pd.DataFrame]
N_PERMUTATIONS = 20
NULL_SOURCES = 2_000  # paragraphs whose null best matches are found per permutation (all when fewer)
NULL_QUANTILE = 0.95
MAX_DF = 0.3
N_SHARED = 5
TOP_K = 3
CHUNK_CELLS = 2_000_000  # paragraph pairs scored at once (a dense float64 block of 16 MB)
COLUMNS = [
    "report_a",
    "block_a",
    "region_b",
    "report_b",
    "block_b",
    "similarity",
    "rank",
    "counterpart",
    "shared_terms",
]
CALIBRATION_COLUMNS = [
    "threshold", "null_quantile", "n_permutations", "chance_rate", "n_best_matches", "n_counterparts",
    "observed_rate", "expected_by_chance",
]  # fmt: skip


def body_paragraphs(blocks: pd.DataFrame) -> pd.DataFrame:
    """The body blocks in report then reading order (report order as in ``blocks``)."""
    body = blocks[blocks.kind == "body"]
    order = {r: i for i, r in enumerate(blocks.report_id.unique())}
    return body.assign(_r=body.report_id.map(order)).sort_values(["_r", "block_id"]).drop(columns="_r")


def vectors(tables: Frames) -> tuple[pd.DataFrame, sparse.csr_matrix, np.ndarray]:
    """The body paragraphs (index 0..n-1), their L2-normalised TF-IDF rows and the vocabulary.

    A paragraph's words are its sentences' content tokens (``tokens``, ``sentences`` tables), not
    segmented again: the same words, since sentences end at punctuation, where jieba splits anyway.
    """
    paras = body_paragraphs(tables["blocks"]).reset_index(drop=True)
    x, vocab = _fit(paragraph_tokens(paras, tables["tokens"], tables["sentences"]))
    return paras, x, vocab


def paragraph_tokens(paras: pd.DataFrame, tokens: pd.DataFrame, sentences: pd.DataFrame) -> list[list[str]]:
    """The content tokens of each paragraph of ``paras``, in reading order, from the tokens table."""
    words = tokens.loc[~tokens.is_stopword, ["report_id", "sentence_id", "token"]].merge(
        sentences[["report_id", "sentence_id", "block_id"]], on=["report_id", "sentence_id"]
    )
    by_block = words.groupby(["report_id", "block_id"], sort=False).token.agg(list)
    return [by_block.get(key, []) for key in zip(paras.report_id, paras.block_id, strict=True)]


def _as_is(doc: list[str]) -> list[str]:
    return doc


def similarity(tables: Frames, report_a: str, report_b: str) -> pd.DataFrame:
    """Cosine similarity of every paragraph of ``report_a`` (rows) with every one of ``report_b``
    (columns), in reading order; vectors fitted on all reports (as in ``alignment.csv``)."""
    paras, x, _ = vectors(tables)
    ia, ib = (np.flatnonzero(paras.report_id == r) for r in (report_a, report_b))
    return pd.DataFrame(
        (x[ia] @ x[ib].T).toarray().round(6),
        index=pd.Index(paras.block_id.to_numpy()[ia], name="block_a"),
        columns=pd.Index(paras.block_id.to_numpy()[ib], name="block_b"),
    )


def top_k(sim: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the ``k`` largest values of each row of ``sim``, best first, ties by column.

    Linear per row (a partition finds the k-th value; the ties at it are taken in column order).
    """
    k = min(k, sim.shape[1])
    kth = np.partition(sim, sim.shape[1] - k, axis=1)[:, sim.shape[1] - k, None]
    above = sim > kth
    ties = sim == kth
    ties &= np.cumsum(ties, axis=1) <= k - above.sum(axis=1, keepdims=True)
    rows, cols = np.nonzero(above | ties)
    order = np.lexsort((cols, -sim[rows, cols], rows))
    return rows[order], cols[order]


def shared_terms(x: sparse.csr_matrix, a: np.ndarray, b: np.ndarray, vocab: np.ndarray) -> list[str]:
    """For each pair (``a[i]``, ``b[i]``) of rows of ``x``: the ``N_SHARED`` words with the largest product
    of weights (ties in vocabulary order), ``|``-joined."""
    product = x[a].multiply(x[b]).tocoo()
    order = np.lexsort((product.col, -product.data, product.row))
    rows, cols = product.row[order], product.col[order]
    starts = np.searchsorted(rows, np.arange(len(a) + 1))
    return ["|".join(vocab[cols[s : min(e, s + N_SHARED)]]) for s, e in pairwise(starts)]


def _matches(
    x: sparse.csr_matrix, para_group: np.ndarray, groups: list[str], k: int, only: np.ndarray | None = None
) -> tuple[np.ndarray, ...]:
    """Paragraph a, group index r, rank, paragraph b and similarity of each paragraph's (or only those of
    the paragraphs ``only``) ``k`` best matches in every other group, sorted by a, r, rank; similarities in
    sparse row chunks of ``CHUNK_CELLS`` pairs."""
    found = []
    for r, group in enumerate(groups):
        targets = np.flatnonzero(para_group == group)
        if not len(targets):
            continue
        xt = x[targets].T.tocsr()
        step = max(1, CHUNK_CELLS // len(targets))
        sources = np.flatnonzero(para_group != group)
        if only is not None:
            sources = np.intersect1d(sources, only)
        for start in range(0, len(sources), step):
            chunk = sources[start : start + step]
            sim = (x[chunk] @ xt).toarray()
            rows, cols = top_k(sim, k)
            rank = np.arange(len(rows)) - np.searchsorted(rows, rows) + 1
            found.append((chunk[rows], np.full(len(rows), r), rank, targets[cols], sim[rows, cols]))
    a, r, rank, b, sim = (np.concatenate(parts) for parts in zip(*found, strict=True))
    order = np.lexsort((rank, r, a))
    return a[order], r[order], rank[order], b[order], sim[order]


def _fit(docs: list[list[str]]) -> tuple[sparse.csr_matrix, np.ndarray]:
    vectorizer = TfidfVectorizer(analyzer=_as_is, sublinear_tf=True, max_df=MAX_DF)
    return vectorizer.fit_transform(docs).tocsr(), vectorizer.get_feature_names_out()


def null_similarities(
    docs: list[list[str]],
    para_group: np.ndarray,
    groups: list[str],
    n_perm: int = N_PERMUTATIONS,
    seed: int = SEED,
) -> np.ndarray:
    """Best-match similarities under the permutation null: the content tokens of all body paragraphs are
    shuffled among the paragraphs (each keeps its length, the corpus its vocabulary and frequencies, but
    which words share a paragraph is random), TF-IDF is refitted and every paragraph's best match in each
    other group is found again; pooled over ``n_perm`` permutations (seeded). Beyond ``NULL_SOURCES``
    paragraphs, the best matches of a seeded sample of ``NULL_SOURCES`` of them, drawn afresh each time."""
    rng = np.random.default_rng(seed)
    lengths = np.array([len(d) for d in docs])
    pool = np.array([w for d in docs for w in d], dtype=object)
    bounds = np.cumsum(lengths)[:-1]
    sims = []
    for _ in range(n_perm):
        shuffled = [list(part) for part in np.split(rng.permutation(pool), bounds)]
        x, _ = _fit(shuffled)
        only = None if len(docs) <= NULL_SOURCES else rng.choice(len(docs), NULL_SOURCES, replace=False)
        sims.append(_matches(x, para_group, groups, 1, only)[4])
    return np.concatenate(sims)


def alignment_table(
    tables: Frames, k: int = TOP_K, group_by: str = "region"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each body paragraph's ``k`` best matches in every other group (columns ``COLUMNS``) and the
    calibration of the counterpart threshold (columns ``CALIBRATION_COLUMNS``), from the ``blocks``,
    ``tokens``, ``sentences`` and ``reports`` tables; groups are the values of ``group_by``.

    ``counterpart`` = similarity ≥ the ``NULL_QUANTILE`` (95th) percentile of best-match similarities under
    the permutation null (:func:`null_similarities`), so about 5% of best matches would pass by chance;
    ``calibration`` states that threshold, the chance rate and the observed rate of rank-1 matches above it.
    """
    blocks, reports = tables["blocks"], tables["reports"]
    group_of = reports.set_index("report_id")[group_by].astype(str)
    groups = list(dict.fromkeys(group_of))
    if blocks.report_id[blocks.kind == "body"].map(group_of).nunique() < 2:
        return pd.DataFrame(columns=COLUMNS), pd.DataFrame(columns=CALIBRATION_COLUMNS)
    paras = body_paragraphs(blocks).reset_index(drop=True)
    docs = paragraph_tokens(paras, tables["tokens"], tables["sentences"])
    x, vocab = _fit(docs)
    para_group = paras.report_id.map(group_of).to_numpy()
    a, r, rank, b, sim = _matches(x, para_group, groups, k)
    null = null_similarities(docs, para_group, groups)
    threshold = float(np.quantile(null, NULL_QUANTILE)) if len(null) else 1.0
    table = pd.DataFrame(
        {
            "report_a": paras.report_id.to_numpy()[a],
            "block_a": paras.block_id.to_numpy()[a],
            "region_b": np.asarray(groups, dtype=object)[r],
            "report_b": paras.report_id.to_numpy()[b],
            "block_b": paras.block_id.to_numpy()[b],
            "similarity": sim.round(6),
            "rank": rank,
        }
    )
    table["counterpart"] = table.similarity >= round(threshold, 6)
    table["shared_terms"] = shared_terms(x, a, b, vocab)
    best = table[table["rank"] == 1]
    calibration = pd.DataFrame(
        {
            "threshold": [round(threshold, 6)],
            "null_quantile": NULL_QUANTILE,
            "n_permutations": N_PERMUTATIONS,
            "chance_rate": round(float((null >= threshold).mean()), 6),
            "n_best_matches": len(best),
            "n_counterparts": int(best.counterpart.sum()),
            "observed_rate": round(float(best.counterpart.mean()), 6),
            "expected_by_chance": round(float((null >= threshold).mean()) * len(best), 2),
        }
    )
    return table[COLUMNS], calibration[CALIBRATION_COLUMNS]


def best_pairs(alignment: pd.DataFrame, blocks: pd.DataFrame, report_a: str, region_b: str) -> pd.DataFrame:
    """For each paragraph of ``report_a`` its best match in ``region_b``, with both texts side by side."""
    best = alignment[
        (alignment.report_a == report_a) & (alignment.region_b == region_b) & (alignment["rank"] == 1)
    ]
    text = blocks.set_index(["report_id", "block_id"]).text
    return best.assign(
        text_a=[text[(report_a, i)] for i in best.block_a],
        text_b=[text[key] for key in zip(best.report_b, best.block_b, strict=True)],
    ).sort_values("block_a")[
        ["block_a", "report_b", "block_b", "similarity", "counterpart", "shared_terms", "text_a", "text_b"]
    ]


def alignment_stage(frames: Frames, options: dict) -> Frames:
    """Build stage: ``alignment.csv`` and ``alignment_calibration.csv``."""
    table, calibration = alignment_table(frames)
    return {"alignment": table, "alignment_calibration": calibration}


def paragraph_labels(blocks: pd.DataFrame, report_id: str, block_ids, n_chars: int = 8) -> list[str]:
    """``¶<block_id> <first characters>…`` labels for the axes of the heatmap."""
    text = blocks[blocks.report_id == report_id].set_index("block_id").text
    return [f"¶{i} {text[i][:n_chars]}…" for i in block_ids]
