"""Vocabulary and keyness: which content terms each group of reports uses more than the other groups.

Counting unit: *content tokens* of ``tokens.parquet`` (``is_stopword`` False, i.e. not a stopword, not
punctuation, not a number). Every total below is a count of content tokens, so frequency table and keyness
table share one denominator.

Groups pool their reports (as quanteda's ``dfm_group`` does): a group is any docvar of the manifest
(``region`` by default; one report per group when grouping by ``report_id``). Each group is compared with
the other groups pooled, so a report's sister reports from the same group never sit in its reference. With
one group there is no reference and the keyness table is empty.

Significance (Rayson & Garside 2000; Dunning 1993; Fisher): log-likelihood G² when every expected cell count
of the 2×2 table is at least ``MIN_EXPECTED`` (5), Fisher's exact test otherwise (``test`` column).
Benjamini–Hochberg q-values are computed over **one family**: every (group, term) test made — every tested
term in every group, including the cells not written out because the group never uses the term.
A term is ``distinctive`` for a group only when it is over-used (log ratio > 0), q ≤ ``Q_MAX`` *and*
dispersed: it occurs in at least ``MIN_PARAGRAPHS`` of the group's paragraphs, so a term repeated within one
paragraph is never called distinctive. Gries' (2008) DP over the group's paragraphs is reported too.
"""

from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse, special, stats
from statsmodels.stats.multitest import multipletests

from .codes import SentenceRows, runs, sorted_codes
from .groups import group_column, report_groups
from .near_duplicates import representatives

MIN_COUNT = 3  # a term is tested only if it occurs at least this often in the whole corpus
BUILD_GROUP_BY = "region"  # the grouping keyness.csv is computed for
MIN_EXPECTED = 5  # below this expected count in any cell, Fisher's exact test replaces G²
MIN_PARAGRAPHS = 3  # a distinctive term occurs in at least this many paragraphs of its group
Q_MAX = 0.05  # BH false-discovery rate at which a term is called distinctive
PRIOR_SCALE = 0.1  # alpha0 (Dirichlet prior total) as a share of the pooled corpus size
ZERO_COUNT = 0.5  # Hardie (2014): a zero frequency is replaced by 0.5 before taking the log ratio
CHUNK_TOKENS = 1_000_000  # tokens whose sentence is looked up at once

KEYNESS_COLUMNS = [
    "group",
    "term",
    "count_target",
    "count_reference",
    "total_target",
    "total_reference",
    "expected_target",
    "test",
    "g2",
    "p_value",
    "q_value",
    "log_ratio",
    "log_odds_z",
    "paragraphs_target",
    "dp_target",
    "distinctive",
]


class Coded(NamedTuple):
    """The content tokens as integer codes, one entry per token (see :func:`coded`)."""

    report: np.ndarray  # int32 codes into ``reports`` (order of first appearance)
    term: np.ndarray  # int32 codes into ``terms`` (sorted)
    block: np.ndarray  # int32 block_id of the token's sentence, -1 when it has none
    reports: pd.Index
    terms: pd.Index

    def paragraph(self) -> tuple[np.ndarray, int]:
        """Each token's paragraph, distinct per (report, block) — a sentence without block counts as one
        paragraph of its report — and an upper bound of the codes."""
        per_report = int(self.block.max(initial=0)) + 2
        return self.report.astype(np.int64) * per_report + self.block + 1, len(self.reports) * per_report

    def groups(self, groups: pd.Series) -> tuple[np.ndarray, pd.Index]:
        """Each token's group code (-1 when its report is not in ``groups``: report_id → group) and the
        groups in order of first appearance."""
        label = groups.reindex(self.reports)
        names = pd.Index(pd.unique(label.dropna()))
        return names.get_indexer(label)[self.report], names


def coded(tokens: pd.DataFrame, sentences: pd.DataFrame) -> Coded:
    """The content tokens (``is_stopword`` False) of ``tokens`` as integer codes — reports, terms and
    paragraphs (``block_id`` of each token's sentence in ``sentences``) — so that counts are sparse
    matrices and sorts of integers, not group-bys over text (fast at millions of tokens)."""
    ct = content_rows(tokens)
    report, reports = pd.factorize(ct["report_id"])
    report, reports = report.astype(np.int32), pd.Index(reports).astype(str)
    term, terms = sorted_codes(ct["token"])
    term = term.astype(np.int32)
    sentence, block_of = SentenceRows(sentences), sentences["block_id"].to_numpy(np.int64)
    report_id, sentence_id = ct["report_id"].array, ct["sentence_id"].to_numpy(np.int64)
    block = np.empty(len(ct), np.int32)
    for i in range(0, len(ct), CHUNK_TOKENS):  # the keys of a chunk at a time: memory stays bounded
        at = slice(i, i + CHUNK_TOKENS)
        row = sentence.of(report_id[at], sentence_id[at])
        block[at] = np.where(row >= 0, block_of[row], -1)
    return Coded(report, term, block, reports, terms.rename("term"))


def content_rows(tokens: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``tokens`` whose ``is_stopword`` is False: ``tokens`` itself when it has no stopword
    (read with ``load_corpus``'s content filter), so that no copy is made."""
    stopword = tokens["is_stopword"].to_numpy(bool)
    return tokens.loc[~stopword] if stopword.any() else tokens


def frequency_table(tokens: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Per report and term: ``count``, ``rate_per_10k`` content tokens and ``paragraphs`` containing it.

    A paragraph is a block (``block_id`` of ``sentences.parquet``). Sorted by report (corpus order),
    count descending, term; ``report_id`` and ``term`` are categoricals with sorted categories (as
    :func:`helpers.build.load_corpus` reads them back): one string per distinct value, not per row.
    """
    c = coded(tokens, sentences)
    n_terms, n_blocks, reports, terms = len(c.terms), int(c.block.max(initial=0)) + 2, c.reports, c.terms
    cell = c.report.astype(np.int64)  # (report × terms + term) × blocks + block + 1, built in place
    cell *= n_terms
    cell += c.term
    cell *= n_blocks
    cell += c.block
    cell += 1
    del c  # memory: one array per token from here, not four
    cell.sort()
    pair, count = runs(cell // n_blocks)
    in_paragraph = runs(cell)[0]
    del cell
    in_paragraph = in_paragraph[in_paragraph % n_blocks > 0] // n_blocks
    paragraphs = np.searchsorted(in_paragraph, pair, "right") - np.searchsorted(in_paragraph, pair)
    report, term = pair // n_terms, pair % n_terms
    total = np.bincount(report, weights=count)[report]
    order = np.lexsort((term, -count, report))
    return pd.DataFrame(
        {
            "report_id": pd.Categorical.from_codes(report[order], reports).reorder_categories(
                reports.sort_values()
            ),
            "term": pd.Categorical.from_codes(term[order], terms),  # sorted already (sorted_codes)
            "count": count[order],
            "rate_per_10k": (count / total * 10_000).round(2)[order],
            "paragraphs": paragraphs[order],
        }
    )


def group_frequencies(frequencies: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Per group and term: ``count``, ``rate_per_10k`` content tokens of the group, ``reports`` and
    ``paragraphs`` using it — the report frequency table pooled by ``groups`` (report_id → group; reports
    not in it are left out). Groups in order of ``groups``, then count descending, term."""
    freq = frequencies.assign(group=group_column(frequencies["report_id"], groups))  # no string per row
    table = (
        freq.groupby(["group", "term"], sort=False, observed=True)
        .agg(count=("count", "sum"), reports=("report_id", "nunique"), paragraphs=("paragraphs", "sum"))
        .reset_index()
        .astype({"group": str})
    )
    totals = table.groupby("group")["count"].transform("sum")
    table.insert(3, "rate_per_10k", (table["count"] / totals * 10_000).round(2))
    order = table["group"].map({g: i for i, g in enumerate(dict.fromkeys(groups))})
    table = table.assign(_o=order).sort_values(["_o", "count", "term"], ascending=[True, False, True])
    return table.drop(columns="_o").reset_index(drop=True)


def g2(a, b, c, d) -> tuple[np.ndarray, np.ndarray]:
    """Log-likelihood G² (Dunning 1993) and its χ²(1) p-value for 2×2 tables [[a, b], [c, d]].

    a = term in target, b = other tokens in target, c = term in reference, d = other tokens in reference.
    G² = 2 Σ O·ln(O/E) with E = row total × column total / N and 0·ln 0 = 0 — the statistic of
    ``scipy.stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")``, vectorised.
    """
    a, b, c, d = (x.astype(float) for x in np.broadcast_arrays(a, b, c, d))
    row1, row2, col1, col2 = a + b, c + d, a + c, b + d
    n = row1 + row2
    observed = np.array([a, b, c, d])
    expected = np.array([row1 * col1, row1 * col2, row2 * col1, row2 * col2]) / n
    stat = 2 * special.xlogy(observed, observed / expected).sum(axis=0)
    return stat, stats.chi2.sf(stat, df=1)


def fisher_p(a, b, c, d) -> np.ndarray:
    """Two-sided p-values of Fisher's exact test for 2×2 tables [[a, b], [c, d]] (vectorised over arrays):
    ``scipy.stats.fisher_exact`` (the minimum-likelihood two-sided p), computed once per distinct table."""
    tables = np.column_stack([np.ravel(x) for x in np.broadcast_arrays(a, b, c, d)]).astype(np.int64)
    unique, inverse = np.unique(tables, axis=0, return_inverse=True)
    p = np.array([stats.fisher_exact(t.reshape(2, 2)).pvalue for t in unique])
    return p[inverse.ravel()].reshape(np.shape(np.broadcast_arrays(a, b, c, d)[0]))


def log_ratio(count_target, count_reference, total_target, total_reference) -> np.ndarray:
    """Hardie's (2014) Log Ratio: log2 of the ratio of relative frequencies, target over reference.

    log2((a / N1) / (c / N2)); a zero count is replaced by ``ZERO_COUNT`` = 0.5 first (Hardie's
    adjustment), so a term absent from one side gets a finite value. +1 = twice as frequent in the target.
    """
    a = np.where(np.asarray(count_target) == 0, ZERO_COUNT, count_target)
    c = np.where(np.asarray(count_reference) == 0, ZERO_COUNT, count_reference)
    return np.log2((a / np.asarray(total_target)) / (c / np.asarray(total_reference)))


def log_odds_z(y_i, y_j, alpha, n_i=None, n_j=None) -> np.ndarray:
    """z-scores of the log-odds ratio with a Dirichlet prior (Monroe, Colaresi & Quinn 2008, eqs. 15–22).

    δ_w = ln[(y_iw + α_w) / (n_i + α0 − y_iw − α_w)] − ln[(y_jw + α_w) / (n_j + α0 − y_jw − α_w)],
    z_w = δ_w / √Var(δ_w), with n = Σ_w y_w, α0 = Σ_w α_w over the whole vocabulary. The variance is the
    full delta-method variance 1/(y_iw+α_w) + 1/(n_i+α0−y_iw−α_w) + 1/(y_jw+α_w) + 1/(n_j+α0−y_jw−α_w);
    Monroe et al. drop the two large-denominator terms (their eq. 20), which slightly inflates |z|.
    Vectorised: with terms × groups arrays (``alpha`` terms × 1) each column is one comparison; ``n_i``,
    ``n_j`` default to the column sums (pass them when the arrays hold only the tested terms).
    """
    y_i, y_j, alpha = (np.asarray(x, dtype=float) for x in (y_i, y_j, alpha))
    n_i = y_i.sum(axis=0) if n_i is None else np.asarray(n_i, dtype=float)
    n_j = y_j.sum(axis=0) if n_j is None else np.asarray(n_j, dtype=float)
    alpha0 = alpha.sum()
    rest_i, rest_j = n_i + alpha0 - y_i - alpha, n_j + alpha0 - y_j - alpha
    delta = np.log((y_i + alpha) / rest_i) - np.log((y_j + alpha) / rest_j)
    variance = 1 / (y_i + alpha) + 1 / rest_i + 1 / (y_j + alpha) + 1 / rest_j
    return delta / np.sqrt(variance)


def dispersion(tokens: pd.DataFrame, sentences: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Per group and term the group uses: ``paragraphs_target`` (paragraphs of the group containing the
    term) and ``dp_target``, Gries' (2008) deviation of proportions over the group's paragraphs:
    DP = ½ Σ_p |v_p − s_p|, v_p = the term's count in paragraph p / its count in the group, s_p = paragraph
    p's content tokens / the group's. 0 = spread like the text itself, → 1 = all in one small paragraph.
    Computed sparsely: Σ over paragraphs without the term of |0 − s_p| = 1 − Σ over those with it of s_p."""
    c = coded(tokens, sentences)
    group, names = c.groups(groups)
    key, paragraphs, dp = _dispersion(c, group, len(names))
    return pd.DataFrame(
        {
            "group": names[key % len(names)],
            "term": c.terms[key // len(names)],
            "paragraphs_target": paragraphs,
            "dp_target": dp,
        }
    )


def _dispersion(c: Coded, group: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`dispersion` as arrays: key (term code × ``n_groups`` + group code, sorted), paragraphs, DP."""
    para, n_para = c.paragraph()
    term = c.term
    if not (used := group >= 0).all():
        para, term, group = para[used], term[used], group[used]
    para_size, group_size = np.bincount(para, minlength=n_para), np.bincount(group, minlength=n_groups)
    para_group = np.zeros(n_para, dtype=np.int64)
    para_group[para] = group
    para *= len(c.terms)  # in place (one array per token): each token's cell, paragraph × terms + term
    para += term
    para.sort()
    cell, f = runs(para)
    del para
    cell_para, cell_term = cell // len(c.terms), cell % len(c.terms)
    s = para_size[cell_para] / group_size[para_group[cell_para]]
    cells = pd.DataFrame({"key": cell_term * n_groups + para_group[cell_para], "f": f})
    v = f / cells.groupby("key")["f"].transform("sum").to_numpy()
    out = (
        cells.assign(part=np.abs(v - s) - s).groupby("key").agg(paragraphs=("f", "size"), dp=("part", "sum"))
    )
    return (
        out.index.to_numpy(),
        out["paragraphs"].to_numpy(),
        (0.5 * (1 + out["dp"])).clip(0, 1).round(6).to_numpy(),
    )


def keyness_table(
    tokens: pd.DataFrame,
    sentences: pd.DataFrame,
    groups: pd.Series | None = None,
    min_count: int = MIN_COUNT,
    prior_scale: float = PRIOR_SCALE,
    min_paragraphs: int = MIN_PARAGRAPHS,
    q_max: float = Q_MAX,
    include_zero: bool = False,
) -> pd.DataFrame:
    """Keyness of every group against the other groups pooled; columns ``KEYNESS_COLUMNS``.

    ``groups`` maps report_id → group (default: each report its own group); reports not in it are left
    out (e.g. near-duplicates). Tested terms: content terms
    with at least ``min_count`` occurrences in the whole corpus. Rows: the (group, term) cells of tested
    terms the group uses (``count_target`` > 0) — long and sparse; the BH family (``q_value``) still counts
    every test made, the unwritten zero cells included. ``include_zero`` writes every cell (for a term map
    of few groups; a term a group never uses has ``paragraphs_target`` 0 and ``dp_target`` 1). ``g2`` is
    non-directional; ``log_ratio`` and ``log_odds_z`` give the direction. ``expected_target`` = term
    total × group total / corpus total.
    ``p_value`` from G² (χ²₁) or, when any expected cell count < ``MIN_EXPECTED``, from Fisher's exact test
    (``test`` = ``"G2"`` or ``"fisher"``). Log-odds prior: informative, α_w = α0 · (pooled count of w /
    pooled total) with α0 = ``prior_scale`` × pooled total. ``distinctive``: log_ratio > 0, q ≤ ``q_max`` and
    ``paragraphs_target`` ≥ ``min_paragraphs``. Rows sorted by group (order of ``groups``), ``g2``
    descending, term. Raises nothing; no inf or NaN in any column.
    """
    coded_tokens = coded(tokens, sentences)
    if groups is None:
        groups = pd.Series(coded_tokens.reports, index=coded_tokens.reports)
    group, cols = coded_tokens.groups(groups)
    if len(cols) < 2:  # one group: nothing to compare it with
        return pd.DataFrame(columns=KEYNESS_COLUMNS)
    used = group >= 0
    counts = sparse.csr_matrix(
        (np.ones(used.sum(), dtype=np.int64), (coded_tokens.term[used], group[used])),
        shape=(len(coded_tokens.terms), len(cols)),
    )
    n_t = np.asarray(counts.sum(axis=0)).ravel()  # content tokens per group
    n = n_t.sum()
    n_r = n - n_t
    pooled = np.asarray(counts.sum(axis=1)).ravel()
    tested = np.flatnonzero(pooled >= min_count)
    y = counts[tested].toarray()  # tested terms × groups (groups are few; terms are bounded by min_count)
    k = pooled[tested][:, None]
    a, c = y, k - y
    expected = k * n_t / n
    small = np.minimum.reduce([expected, k * n_r / n, (n - k) * n_t / n, (n - k) * n_r / n]) < MIN_EXPECTED
    stat, p = g2(a, n_t - a, c, n_r - c)
    if small.any():
        p[small] = fisher_p(a[small], (n_t - a)[small], c[small], (n_r - c)[small])
    q = multipletests(p.ravel(), method="fdr_bh")[1].reshape(p.shape) if p.size else p
    z = log_odds_z(a, c, prior_scale * k, n_t, n_r)
    lr = log_ratio(a, c, n_t, n_r)
    rows, group_no = np.nonzero((a > 0) | include_zero)
    table = pd.DataFrame(
        {
            "group": cols.to_numpy()[group_no],
            "term": coded_tokens.terms.to_numpy()[tested[rows]],
            "count_target": a[rows, group_no],
            "count_reference": c[rows, group_no],
            "total_target": n_t[group_no],
            "total_reference": n_r[group_no],
            "expected_target": expected[rows, group_no].round(6),
            "test": np.where(small[rows, group_no], "fisher", "G2"),
            "g2": stat[rows, group_no],
            "p_value": p[rows, group_no],
            "q_value": q[rows, group_no],
            "log_ratio": lr[rows, group_no],
            "log_odds_z": z[rows, group_no],
        }
    )
    key, paragraphs, dp = _dispersion(coded_tokens, group, len(cols))
    at = np.minimum(np.searchsorted(key, tested[rows] * len(cols) + group_no), max(len(key) - 1, 0))
    found = key[at] == tested[rows] * len(cols) + group_no if len(key) else np.zeros(len(rows), bool)
    table["paragraphs_target"] = np.where(found, paragraphs[at] if len(key) else 0, 0)
    table["dp_target"] = np.where(found, dp[at] if len(key) else 1.0, 1.0)
    table["distinctive"] = (
        (table.log_ratio > 0) & (table.q_value <= q_max) & (table.paragraphs_target >= min_paragraphs)
    )
    order = np.lexsort((tested[rows], -table["g2"].to_numpy(), group_no))
    return table.iloc[order].reset_index(drop=True)[KEYNESS_COLUMNS]


def vocabulary_stage(frames: dict[str, pd.DataFrame], options: dict) -> dict[str, pd.DataFrame]:
    """Build stage: ``frequencies.csv`` and ``keyness.csv`` (groups = ``region``, one report per cluster of
    near-duplicates) from ``tokens``."""
    reports = representatives(frames["reports"], frames.get("near_duplicates"))
    groups = report_groups(reports, options.get("group_by", BUILD_GROUP_BY))
    return {
        "frequencies": frequency_table(frames["tokens"], frames["sentences"]),
        "keyness": keyness_table(frames["tokens"], frames["sentences"], groups),
    }


def is_build_test(group_by: str, min_count: int = MIN_COUNT) -> bool:
    """Whether ``keyness.csv`` is the test a notebook asks for: groups of ``BUILD_GROUP_BY`` (a near-duplicate
    counted once, as the build counts it) and the default minimum count — then read it, not recompute it."""
    return group_by == BUILD_GROUP_BY and min_count == MIN_COUNT


def top_keyness(table: pd.DataFrame, group: str, n: int = 20, distinctive_only: bool = True) -> pd.DataFrame:
    """The ``n`` terms ``group`` over-uses (``log_ratio`` > 0), strongest G² first — selected and ranked by
    the statistic that is drawn (G²); only ``distinctive`` terms unless ``distinctive_only`` is False."""
    rows = table[(table["group"] == group) & (table["log_ratio"] > 0)]
    if distinctive_only:
        rows = rows[rows["distinctive"]]
    return (
        rows.sort_values(["g2", "term"], ascending=[False, True])
        .head(n)
        .drop(columns="group")
        .reset_index(drop=True)
    )
