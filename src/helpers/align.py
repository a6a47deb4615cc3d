"""Cross-report correspondence: which body paragraphs of one report resemble which of another.

Paragraphs are the ``body`` blocks of ``blocks.csv``. Each is a TF-IDF vector over the project's content
tokens (``tokens.parquet``: jieba with the user dictionary, stopwords, punctuation and numbers
removed), fitted on the body paragraphs of all reports, with sublinear tf (1 + log tf), smoothed idf
ln((1 + n) / (1 + df)) + 1 and L2 normalisation (scikit-learn's ``TfidfVectorizer`` weighting, applied by its
``TfidfTransformer`` to a sparse paragraph × term count matrix); similarity is the cosine
(the dot product of the normalised vectors). Words used in more than ``MAX_DF`` (30%) of all body paragraphs
(党建, 企业, 发展, 工作 …) are dropped: every paragraph of these reports uses them, so they say nothing about
which practice a paragraph describes, and with them the best matches follow the generic vocabulary. Words
rather than character n-grams for the same reason (bigram matches follow 发展, 党组织).

Build outputs (stage :func:`alignment_stage`). ``alignment.csv`` — for each body paragraph, its ``TOP_K`` (3)
most similar paragraphs in each *other group* (``region`` in ``reports.csv`` for the build; any manifest
column through ``group_by``), pooled over that group's reports. Reports of the same group are not matched
with each other. The table grows linearly with the number of reports; rows are in paragraph order (reports,
then blocks), then group order, then rank.

Scale: up to ``EXACT_PAIRS`` (20 million) paragraph pairs, every pair is scored. Beyond that (about 150
reports of two groups), the time would grow with the square of the corpus, so only *candidate* pairs are
scored (:func:`candidates`): each paragraph looks up its ``TOP_TERMS`` (8) heaviest terms that the other group
uses, and per term the ``POSTINGS`` (8) paragraphs of that group in which the term weighs most — a
deterministic, linear-time approximation (an inverted index cut to fixed lengths). Its matches are exact
cosines, but a paragraph's true best match can be missed when it shares none of those heaviest terms (on the
benchmark's 1,000-report corpus the exact best match was found for 71% of paragraphs; where missed, the
similarity found was lower by 0.02 or less for 90% of them), and a paragraph has fewer than ``TOP_K`` rows in
a group with fewer candidates (none when it shares no looked-up term with it). Columns:

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
``chance_rate`` of null best matches above it (≈ 0.05; beyond ``NULL_PARAGRAPHS`` (5,000) body paragraphs
the tokens of a seeded sample of that many are shuffled among them, and beyond ``NULL_SOURCES`` the null best
matches of a seeded sample of that many paragraphs per permutation — the quantile needs draws, not every
paragraph, so the null's cost is bounded; found as the observed ones are, among all pairs or among
candidates. A sample's best matches come from fewer paragraphs than the corpus's, so its threshold is somewhat
lower: 0.237 on the benchmark's 1,000-report corpus, against 0.270 with every pair of the whole corpus), and
the ``observed_rate`` / ``n_counterparts`` of real rank-1 matches above it with the number
``expected_by_chance``. A counterpart is a
reading aid: among n best matches, about 5% × n pass by chance, so only a rate well above the chance rate
says the two texts share practices paragraph by paragraph.

The full paragraph × paragraph matrix of two reports (for the heatmap) is computed on demand by
:func:`similarity` from their tokens and the corpus's document frequencies, not stored. Similarities are
computed from sparse vectors in chunks of at most ``CHUNK_CELLS`` (all pairs) or ``CHUNK_PAIRS`` (candidates)
pairs, so memory stays bounded however many reports there are. With ``jobs`` above 1 the chunks (and the
null's permutations) are computed by that many threads (SciPy's sparse products and NumPy's sorts run without
the interpreter lock), and put together in order: the tables are the same whatever ``jobs`` is.
"""

from functools import partial
from itertools import pairwise

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

from .config import SEED
from .keyness import coded
from .parallel import in_threads

Frames = dict[str, pd.DataFrame]
N_PERMUTATIONS = 20
NULL_SOURCES = 2_000  # paragraphs whose null best matches are found per permutation (all when fewer)
NULL_QUANTILE = 0.95
MAX_DF = 0.3
N_SHARED = 5
TOP_K = 3
CHUNK_CELLS = 2_000_000  # paragraph pairs scored at once (a dense float64 block of 16 MB)
EXACT_PAIRS = 20_000_000  # beyond this many paragraph pairs, only candidate pairs are scored (see candidates)
TOP_TERMS = 8  # candidates: each paragraph's heaviest terms looked up …
POSTINGS = 8  # … and, per term and group, the paragraphs in which it weighs most
CHUNK_PAIRS = 200_000  # candidate pairs scored at once
CHUNK_SOURCES = 20_000  # paragraphs whose candidate pairs are found and ranked at once
NULL_PARAGRAPHS = 5_000  # beyond this many body paragraphs the null shuffles a seeded sample of them
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
    """The body blocks in report then reading order (report order as in ``blocks``): one copy of the rows,
    ordered on integer codes."""
    body = np.flatnonzero((blocks["kind"] == "body").to_numpy())
    report = pd.factorize(blocks["report_id"])[0][body]  # order of first appearance
    return blocks.iloc[body[np.lexsort((blocks["block_id"].to_numpy()[body], report))]]


def paragraph_terms(
    paras: pd.DataFrame, tokens: pd.DataFrame, sentences: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The content tokens of the paragraphs ``paras`` (index 0..n-1) as codes into the vocabulary (their
    distinct words, sorted), paragraph after paragraph and in reading order within one: ``codes`` (one per
    token), ``lengths`` (tokens per paragraph, length n) and ``vocab``."""
    c = coded(tokens, sentences)
    per_report = max(int(c.block.max(initial=0)), int(paras.block_id.to_numpy().max(initial=0))) + 1
    report = c.reports.get_indexer(paras.report_id)  # -1: a report without content tokens
    para_key = np.where(
        report >= 0, report * per_report + paras.block_id.to_numpy(), -2 - np.arange(len(paras))
    )
    token_key = c.report.astype(np.int64)  # one array made in place: a token table's worth of int64 at a time
    token_key *= per_report
    token_key += c.block
    token_key[c.block < 0] = -1
    para = pd.Index(para_key).get_indexer(token_key).astype(np.int32)  # -1: not in a body paragraph
    del token_key
    lengths = np.bincount(para + 1, minlength=len(paras) + 1)
    reading = np.argsort(para, kind="stable")[lengths[0] :]  # the tokens in no paragraph sort first
    del para
    term = c.term[reading]
    used = np.zeros(len(c.terms), dtype=bool)
    used[term] = True
    codes = (np.cumsum(used, dtype=np.int32) - 1)[term]
    return codes, lengths[1:], c.terms.to_numpy()[used]


def similarity(tables: Frames, report_a: str, report_b: str) -> pd.DataFrame:
    """Cosine similarity of every paragraph of ``report_a`` (rows) with every one of ``report_b`` (columns),
    in reading order, with the vectors of ``alignment.csv`` (fitted on every body paragraph of the corpus).

    ``tables``: ``blocks`` (``report_id``, ``block_id``, ``kind``), ``sentences`` (``report_id``,
    ``sentence_id``, ``block_id``), ``frequencies`` (``term``, ``paragraphs``) and ``tokens``, of which only
    the two reports' content tokens are used: a term's document frequency in the corpus is the sum of its
    ``paragraphs`` over the reports (sentences are body sentences only), among as many paragraphs as there
    are body blocks (:func:`_weighted`)."""
    blocks = tables["blocks"][["report_id", "block_id", "kind"]]
    paras = body_paragraphs(blocks[blocks["report_id"].isin([report_a, report_b])]).reset_index(drop=True)
    codes, lengths, vocab = paragraph_terms(paras, tables["tokens"], tables["sentences"])
    term = tables["frequencies"]["term"].astype("category")
    df = np.bincount(
        term.cat.codes, weights=tables["frequencies"]["paragraphs"], minlength=len(term.cat.categories)
    )
    df = df.astype(np.int64)[term.cat.categories.astype(str).get_indexer(vocab)]
    x = _weighted(_counts(codes, lengths, len(vocab)), df, int((blocks["kind"] == "body").sum()))
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
    of weights (ties in vocabulary order), ``|``-joined; ``CHUNK_PAIRS`` pairs at a time."""
    shared = []
    for i in range(0, len(a), CHUNK_PAIRS):
        product = x[a[i : i + CHUNK_PAIRS]].multiply(x[b[i : i + CHUNK_PAIRS]]).tocoo()
        order = np.lexsort((product.col, -product.data, product.row))
        rows, cols = product.row[order], product.col[order]
        kept = _within(rows) < N_SHARED
        words, rows = vocab[cols[kept]].tolist(), rows[kept]
        starts = np.searchsorted(rows, np.arange(product.shape[0] + 1)).tolist()
        shared += ["|".join(words[s:e]) for s, e in pairwise(starts)]
    return shared


def _matches(
    x: sparse.csr_matrix,
    para_group: np.ndarray,
    groups: list[str],
    k: int,
    only: np.ndarray | None = None,
    exact: bool = True,
    jobs: int = 1,
) -> tuple[np.ndarray, ...]:
    """Paragraph a, group index r, rank, paragraph b and similarity of each paragraph's (or only those of
    the paragraphs ``only``) ``k`` best matches in every other group, sorted by a, r, rank. ``exact``: every
    pair is scored, in sparse row chunks of ``CHUNK_CELLS`` pairs; otherwise only the candidate pairs of
    :func:`candidates`, and a paragraph may have fewer than ``k`` matches in a group (none without a
    candidate there). ``jobs``: threads scoring the chunks."""
    group = pd.Categorical(para_group, categories=groups).codes
    sources = np.arange(x.shape[0]) if only is None else np.sort(only)
    matches = _exact_matches if exact else _candidate_matches
    found = matches(x, group, sources, k, jobs) or [(np.zeros(0, np.intp),) * 4 + (np.zeros(0),)]
    a, r, rank, b, sim = (np.concatenate(parts) for parts in zip(*found, strict=True))
    order = np.lexsort((rank, r, a))
    return a[order], r[order], rank[order], b[order], sim[order]


def _exact_matches(
    x: sparse.csr_matrix, group: np.ndarray, sources: np.ndarray, k: int, jobs: int = 1
) -> list[tuple]:
    found = []
    for r in np.unique(group):
        targets = np.flatnonzero(group == r)
        step = max(1, CHUNK_CELLS // len(targets))
        chunks = sources[group[sources] != r]
        best = partial(_best_of_all, x, x[targets].T.tocsr(), targets, r, k)
        found += in_threads(best, [chunks[i : i + step] for i in range(0, len(chunks), step)], jobs)
    return found


def _best_of_all(
    x: sparse.csr_matrix, xt: sparse.csr_matrix, targets: np.ndarray, r: int, k: int, chunk: np.ndarray
) -> tuple:
    sim = (x[chunk] @ xt).toarray()
    rows, cols = top_k(sim, k)
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows) + 1
    return chunk[rows], np.full(len(rows), r), rank, targets[cols], sim[rows, cols]


def postings(
    x: sparse.csr_matrix, group: np.ndarray, jobs: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The inverted index of :func:`candidates`, cut to fixed lengths: for each key (term code × groups +
    group code, ascending) the ``POSTINGS`` paragraphs of that group in which the term weighs most (ties by
    paragraph order), as ``key`` and ``paragraph`` arrays, and ``present`` (groups × terms: the term has
    postings in the group). ``jobs`` threads, each sorting the entries of a range of terms."""
    n_groups = int(group.max()) + 1
    entries = x.tocoo()  # in paragraph order
    key = entries.col.astype(np.int64) * n_groups + group[entries.row]
    bounds = np.linspace(0, x.shape[1], jobs + 1).astype(np.int64) * n_groups
    ranges = [np.flatnonzero((key >= lo) & (key < hi)) for lo, hi in pairwise(bounds)] if jobs > 1 else [None]

    def heaviest(at: np.ndarray | None) -> np.ndarray:
        at = np.arange(len(key)) if at is None else at
        by_weight = at[np.argsort(-entries.data[at], kind="stable")]  # ties stay in paragraph order
        order = by_weight[np.argsort(key[by_weight], kind="stable")]
        return order[_within(key[order]) < POSTINGS]

    first = np.concatenate(in_threads(heaviest, ranges, jobs))
    present = np.zeros((n_groups, x.shape[1]), dtype=bool)
    present[key[first] % n_groups, key[first] // n_groups] = True
    return key[first], entries.row[first], present


def candidates(
    x: sparse.csr_matrix,
    group: np.ndarray,
    sources: np.ndarray,
    index: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (a, b), sorted and distinct, for sources a of ``sources``: b is in another group
    (``group``: each paragraph's group code) and among the ``POSTINGS`` paragraphs of that group in which
    one of a's ``TOP_TERMS`` heaviest terms used there weighs most (ties by paragraph order) — an inverted
    index cut to fixed lengths (``index``: :func:`postings` of ``x``, computed if not given), so the pairs
    grow linearly with the corpus. The best matches among them are those of all pairs when no paragraph has
    more than ``TOP_TERMS`` terms and no term is in more than ``POSTINGS`` paragraphs of a group."""
    n, n_groups = x.shape[0], int(group.max()) + 1
    key, b, present = postings(x, group) if index is None else index
    source = x[sources].tocoo()
    a, wanted = [], []
    for r in range(n_groups):
        there = (group[sources[source.row]] != r) & present[r, source.col]
        top = _heaviest(source.row[there], source.col[there], source.data[there], TOP_TERMS)
        a.append(sources[source.row[there][top]])
        wanted.append(source.col[there][top].astype(np.int64) * n_groups + r)
    a, wanted = np.concatenate(a), np.concatenate(wanted)
    start, stop = np.searchsorted(key, wanted), np.searchsorted(key, wanted, side="right")
    count = stop - start
    at = np.repeat(start - np.cumsum(count) + count, count) + np.arange(count.sum())
    pair = np.sort(np.repeat(a, count).astype(np.int64) * n + b[at])  # np.unique hashes: slower
    pair = pair[np.diff(pair, prepend=-1) > 0]
    return pair // n, pair % n


def _heaviest(row: np.ndarray, col: np.ndarray, weight: np.ndarray, n: int) -> np.ndarray:
    """Positions of each row's ``n`` largest weights (ties by column), sorted by row."""
    order = np.lexsort((col, -weight, row))
    return order[_within(row[order]) < n]


def _within(sorted_keys: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal ``sorted_keys`` (0 for the first)."""
    return np.arange(len(sorted_keys)) - np.searchsorted(sorted_keys, sorted_keys)


def _candidate_matches(
    x: sparse.csr_matrix, group: np.ndarray, sources: np.ndarray, k: int, jobs: int = 1
) -> list[tuple]:
    """The ``k`` most similar candidates (:func:`candidates`) of each source in each group, for
    ``CHUNK_SOURCES`` sources at a time (their candidate pairs in memory, not all), by ``jobs`` threads."""
    best = partial(_best_of_candidates, x, group, postings(x, group, jobs), k)
    return in_threads(
        best, [sources[i : i + CHUNK_SOURCES] for i in range(0, len(sources), CHUNK_SOURCES)], jobs
    )


def _best_of_candidates(
    x: sparse.csr_matrix, group: np.ndarray, index: tuple, k: int, chunk: np.ndarray
) -> tuple:
    return _best_candidates(x, group, *candidates(x, group, chunk, index), k)


def _best_candidates(x: sparse.csr_matrix, group: np.ndarray, a: np.ndarray, b: np.ndarray, k: int) -> tuple:
    sim = np.concatenate(
        [
            np.asarray(x[a[i : i + CHUNK_PAIRS]].multiply(x[b[i : i + CHUNK_PAIRS]]).sum(axis=1)).ravel()
            for i in range(0, len(a), CHUNK_PAIRS)
        ]
        or [np.zeros(0)]
    )
    order = np.lexsort((b, -sim, group[b], a))
    rank = _within(a[order].astype(np.int64) * (int(group.max()) + 1) + group[b[order]]) + 1
    best = order[rank <= k]
    return a[best], group[b[best]], rank[rank <= k], b[best], sim[best]


def _counts(codes: np.ndarray, lengths: np.ndarray, n_terms: int) -> sparse.csr_matrix:
    """Paragraph × term counts of the term ``codes`` that follow each other (``lengths`` per paragraph)."""
    para = np.repeat(np.arange(len(lengths)), lengths)
    shape = (len(lengths), n_terms)
    counts = sparse.csr_matrix((np.ones(len(codes), dtype=np.int64), (para, codes)), shape=shape)
    counts.sort_indices()
    return counts


def _fit(codes: np.ndarray, lengths: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray]:
    """TF-IDF rows of the paragraphs whose term ``codes`` follow each other (``lengths`` per paragraph), as
    scikit-learn's ``TfidfVectorizer(sublinear_tf=True, max_df=MAX_DF)`` fits them, and the codes of the
    terms kept (in at most ``MAX_DF`` of the paragraphs)."""
    n, n_terms = len(lengths), int(codes.max(initial=-1)) + 1
    counts = _counts(codes, lengths, n_terms)
    kept = np.flatnonzero(np.bincount(counts.indices, minlength=n_terms) <= MAX_DF * n)
    return TfidfTransformer(sublinear_tf=True).fit_transform(counts[:, kept]).tocsr(), kept


def _weighted(counts: sparse.csr_matrix, df: np.ndarray, n: int) -> sparse.csr_matrix:
    """TF-IDF rows of paragraph × term ``counts`` as :func:`_fit` makes them among ``n`` paragraphs in which
    the terms occur ``df`` times (document frequencies), without the other paragraphs: the terms in more than
    ``MAX_DF`` of them dropped, and the transformer fitted on a matrix with those frequencies (its column j
    holds df_j ones), so scikit-learn computes the same idf."""
    kept = np.flatnonzero(df <= MAX_DF * n)
    indptr = np.concatenate([[0], np.cumsum(df[kept])])
    within = np.arange(indptr[-1]) - np.repeat(indptr[:-1], df[kept])  # rows 0..df_j - 1 of column j
    same_df = sparse.csc_matrix((np.ones(len(within)), within, indptr), shape=(n, len(kept)))
    return TfidfTransformer(sublinear_tf=True).fit(same_df).transform(counts[:, kept]).tocsr()


def null_similarities(
    codes: np.ndarray,
    lengths: np.ndarray,
    para_group: np.ndarray,
    groups: list[str],
    n_perm: int = N_PERMUTATIONS,
    seed: int = SEED,
    exact: bool = True,
    jobs: int = 1,
) -> np.ndarray:
    """Best-match similarities under the permutation null: the content tokens of all body paragraphs
    (term ``codes`` paragraph after paragraph, ``lengths`` per paragraph, as :func:`paragraph_terms` gives
    them) are shuffled among the paragraphs (each keeps its length, the corpus its vocabulary and
    frequencies, but which words share a paragraph is random), TF-IDF is refitted and every paragraph's best
    match in each other group is found again (all pairs if ``exact``, else among candidates as
    :func:`_matches` does); pooled over ``n_perm`` permutations (seeded). Beyond ``NULL_PARAGRAPHS``
    paragraphs, the null is that of a seeded sample of that many (their tokens shuffled among them); beyond
    ``NULL_SOURCES``, the best matches of a seeded sample of that many, drawn afresh each time: the cost
    stays bounded however large the corpus. The permutations are drawn in turn, then matched by ``jobs``
    threads."""
    rng = np.random.default_rng(seed)
    if len(lengths) > NULL_PARAGRAPHS:
        sample = np.zeros(len(lengths), dtype=bool)
        sample[rng.choice(len(lengths), NULL_PARAGRAPHS, replace=False)] = True
        codes, lengths, para_group = codes[np.repeat(sample, lengths)], lengths[sample], para_group[sample]
    n = len(lengths)
    draws = []
    for _ in range(n_perm):
        shuffled = rng.permutation(codes)
        draws.append((shuffled, None if n <= NULL_SOURCES else rng.choice(n, NULL_SOURCES, replace=False)))

    def best(draw: tuple) -> np.ndarray:
        x, _ = _fit(draw[0], lengths)
        return _matches(x, para_group, groups, 1, draw[1], exact)[4]

    return np.concatenate(in_threads(best, draws, jobs))


def alignment_table(
    tables: Frames, k: int = TOP_K, group_by: str = "region", jobs: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each body paragraph's ``k`` best matches in every other group (columns ``COLUMNS``) and the
    calibration of the counterpart threshold (columns ``CALIBRATION_COLUMNS``), from the ``blocks``,
    ``tokens``, ``sentences`` and ``reports`` tables; groups are the values of ``group_by``; ``jobs``
    threads (the same tables whatever their number).

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
    codes, lengths, vocab = paragraph_terms(paras, tables["tokens"], tables["sentences"])
    x, kept = _fit(codes, lengths)
    vocab = vocab[kept]
    para_group = paras.report_id.map(group_of).to_numpy()
    sizes = pd.Series(para_group).value_counts().to_numpy()
    exact = int((sizes * (len(paras) - sizes)).sum()) <= EXACT_PAIRS
    a, r, rank, b, sim = _matches(x, para_group, groups, k, exact=exact, jobs=jobs)
    null = null_similarities(codes, lengths, para_group, groups, exact=exact, jobs=jobs)
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
    """Build stage: ``alignment.csv`` and ``alignment_calibration.csv`` (``options["jobs"]`` threads)."""
    table, calibration = alignment_table(frames, jobs=options.get("jobs", 1))
    return {"alignment": table, "alignment_calibration": calibration}


def paragraph_labels(blocks: pd.DataFrame, report_id: str, block_ids, n_chars: int = 8) -> list[str]:
    """``¶<block_id> <first characters>…`` labels for the axes of the heatmap."""
    text = blocks[blocks.report_id == report_id].set_index("block_id").text
    return [f"¶{i} {text[i][:n_chars]}…" for i in block_ids]
