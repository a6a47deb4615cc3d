"""Cross-report correspondence: which body paragraphs of one report resemble which of another.

Paragraphs are the ``body`` blocks of ``blocks.csv``. Each is a TF-IDF vector over the project's content
tokens (``tokens.csv``: jieba with the user dictionary, stopwords, punctuation and numbers
removed), fitted on the body paragraphs of all reports, with sublinear tf (1 + log tf), smoothed idf
ln((1 + n) / (1 + df)) + 1 and L2 normalisation (scikit-learn ``TfidfVectorizer``); similarity is the cosine
(the dot product of the normalised vectors). Words used in more than ``MAX_DF`` (30%) of all body paragraphs
(党建, 企业, 发展, 工作 …) are dropped: every paragraph of these reports uses them, so they say nothing about
which practice a paragraph describes, and with them the best matches follow the generic vocabulary. Words
rather than character n-grams for the same reason (bigram matches follow 发展, 党组织).

Build output (stage :func:`alignment_stage`), ``alignment.csv`` — for each body paragraph, its ``TOP_K`` (3)
most similar paragraphs in each *other region* (``region`` in ``reports.csv``), pooled over that region's
reports. Reports of the same region are not matched with each other. The table grows linearly with the
number of reports; rows are in paragraph order (reports, then blocks), then region order, then rank:

- ``report_a``, ``block_a`` — the paragraph being matched.
- ``region_b`` — the other region searched.
- ``report_b``, ``block_b`` — one of the ``TOP_K`` most similar paragraphs of ``region_b``.
- ``similarity`` — cosine similarity, 0–1.
- ``rank`` — 1–``TOP_K``: 1 = the most similar paragraph of ``region_b`` for this ``block_a`` (ties by report
  then block order).
- ``counterpart`` — ``similarity >= THRESHOLD``.
- ``shared_terms`` — up to ``N_SHARED`` words that contribute most to the similarity (largest products of
  the two TF-IDF weights; ties in vocabulary order), ``|``-joined.

The full paragraph × paragraph matrix of two reports (for the heatmap) is computed on demand by
:func:`similarity`, not stored. Similarities are computed from sparse vectors in row chunks of at most
``CHUNK_CELLS`` pairs, so memory stays bounded however many reports there are.

``THRESHOLD`` = 0.08 was set by reading the ranked best pairs: from about 0.08 up, the two paragraphs share
a specific practice vocabulary (融合 业务 深度 — integrating Party work with business; 党性 素质 能力 —
training; 理念 服务 示范 — service concepts; 战斗堡垒 创新); below, the best match shares one or two
loose words (党员 发挥, 建设, 生产). It is a reading aid, not a test: a Jiangsu paragraph whose best
Zhejiang match is below it has no evident counterpart in what the Yongkang delegation studied.
"""

from itertools import pairwise

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

Frames = dict[str, pd.DataFrame]
THRESHOLD = 0.08
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
    docs = paragraph_tokens(paras, tables["tokens"], tables["sentences"])
    vectorizer = TfidfVectorizer(analyzer=_as_is, sublinear_tf=True, max_df=MAX_DF)
    x = vectorizer.fit_transform(docs).tocsr()
    return paras, x, vectorizer.get_feature_names_out()


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


def alignment_table(tables: Frames, k: int = TOP_K, threshold: float = THRESHOLD) -> pd.DataFrame:
    """Each body paragraph's ``k`` best matches in every other region (columns in the module docstring),
    from the ``blocks``, ``tokens``, ``sentences`` and ``reports`` (regions) tables."""
    blocks, reports = tables["blocks"], tables["reports"]
    region_of = reports.set_index("report_id").region
    regions = list(dict.fromkeys(reports.region))
    if blocks.report_id[blocks.kind == "body"].map(region_of).nunique() < 2:
        return pd.DataFrame(columns=COLUMNS)
    paras, x, vocab = vectors(tables)
    para_region = paras.report_id.map(region_of).to_numpy()
    found = []  # (paragraph a, region index of b, rank, paragraph b, similarity) arrays
    for r, region in enumerate(regions):
        targets = np.flatnonzero(para_region == region)
        if not len(targets):
            continue
        xt = x[targets].T.tocsr()
        step = max(1, CHUNK_CELLS // len(targets))
        sources = np.flatnonzero(para_region != region)
        for start in range(0, len(sources), step):
            chunk = sources[start : start + step]
            sim = (x[chunk] @ xt).toarray()
            rows, cols = top_k(sim, k)
            rank = np.arange(len(rows)) - np.searchsorted(rows, rows) + 1
            found.append((chunk[rows], np.full(len(rows), r), rank, targets[cols], sim[rows, cols]))
    a, r, rank, b, sim = (np.concatenate(parts) for parts in zip(*found, strict=True))
    order = np.lexsort((rank, r, a))
    a, r, rank, b, sim = a[order], r[order], rank[order], b[order], sim[order]
    table = pd.DataFrame(
        {
            "report_a": paras.report_id.to_numpy()[a],
            "block_a": paras.block_id.to_numpy()[a],
            "region_b": np.asarray(regions, dtype=object)[r],
            "report_b": paras.report_id.to_numpy()[b],
            "block_b": paras.block_id.to_numpy()[b],
            "similarity": sim.round(6),
            "rank": rank,
        }
    )
    table["counterpart"] = table.similarity >= threshold
    table["shared_terms"] = shared_terms(x, a, b, vocab)
    return table[COLUMNS]


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
    """Build stage: ``alignment.csv``."""
    return {"alignment": alignment_table(frames)}


def paragraph_labels(blocks: pd.DataFrame, report_id: str, block_ids, n_chars: int = 8) -> list[str]:
    """``¶<block_id> <first characters>…`` labels for the axes of the heatmap."""
    text = blocks[blocks.report_id == report_id].set_index("block_id").text
    return [f"¶{i} {text[i][:n_chars]}…" for i in block_ids]
