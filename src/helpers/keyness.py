"""Vocabulary and keyness: which content terms each report uses more than the others, and how strongly.

Counting unit: *content tokens* of ``tokens.csv`` (``is_stopword`` False, i.e. not a stopword, not
punctuation, not a number). Every total below is a count of content tokens, so frequency table and keyness
table share one denominator. With N reports each report is compared with the pooled rest (all reports at
once, as columns of one terms × reports matrix); with one report there is no reference and the keyness table
is empty.
"""

import numpy as np
import pandas as pd
from scipy import special, stats
from statsmodels.stats.multitest import multipletests

MIN_COUNT = 3  # a term is tested only if it occurs at least this often in the whole corpus
PRIOR_SCALE = 0.1  # alpha0 (Dirichlet prior total) as a share of the pooled corpus size
ZERO_COUNT = 0.5  # Hardie (2014): a zero frequency is replaced by 0.5 before taking the log ratio

KEYNESS_COLUMNS = [
    "target_report",
    "term",
    "count_target",
    "count_reference",
    "total_target",
    "total_reference",
    "g2",
    "p_value",
    "q_value",
    "log_ratio",
    "log_odds_z",
]


def content(tokens: pd.DataFrame) -> pd.DataFrame:
    """The content tokens (``is_stopword`` False) with ``token`` as text."""
    out = tokens.loc[~tokens["is_stopword"]]
    return out.assign(token=out["token"].astype(str))


def count_matrix(tokens: pd.DataFrame) -> pd.DataFrame:
    """Content-token counts, one row per term (sorted), one column per report (in corpus order)."""
    ct = content(tokens)
    reports = pd.Index(pd.unique(tokens["report_id"]))
    term, terms = pd.factorize(ct["token"], sort=True)
    report = reports.get_indexer(ct["report_id"])
    counts = np.bincount(term * len(reports) + report, minlength=len(terms) * len(reports))
    return pd.DataFrame(
        counts.reshape(len(terms), len(reports)), index=pd.Index(terms, name="term"), columns=reports
    )


def frequency_table(tokens: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Per report and term: ``count``, ``rate_per_10k`` content tokens and ``paragraphs`` containing it.

    A paragraph is a body block (``block_id`` of ``sentences.csv``). Sorted by report (corpus order),
    count descending, term.
    """
    ct = content(tokens).merge(sentences[["report_id", "sentence_id", "block_id"]], how="left")
    reports = list(dict.fromkeys(tokens["report_id"]))
    table = (
        ct.groupby(["report_id", "token"])
        .agg(count=("token", "size"), paragraphs=("block_id", "nunique"))
        .reset_index()
        .rename(columns={"token": "term"})
    )
    totals = table.groupby("report_id")["count"].transform("sum")
    table.insert(3, "rate_per_10k", (table["count"] / totals * 10_000).round(2))
    order = table["report_id"].map({r: i for i, r in enumerate(reports)})
    table = table.assign(_order=order).sort_values(["_order", "count", "term"], ascending=[True, False, True])
    return table.drop(columns="_order").reset_index(drop=True)


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


def log_ratio(count_target, count_reference, total_target, total_reference) -> np.ndarray:
    """Hardie's (2014) Log Ratio: log2 of the ratio of relative frequencies, target over reference.

    log2((a / N1) / (c / N2)); a zero count is replaced by ``ZERO_COUNT`` = 0.5 first (Hardie's
    adjustment), so a term absent from one side gets a finite value. +1 = twice as frequent in the target.
    """
    a = np.where(np.asarray(count_target) == 0, ZERO_COUNT, count_target)
    c = np.where(np.asarray(count_reference) == 0, ZERO_COUNT, count_reference)
    return np.log2((a / np.asarray(total_target)) / (c / np.asarray(total_reference)))


def log_odds_z(y_i, y_j, alpha) -> np.ndarray:
    """z-scores of the log-odds ratio with a Dirichlet prior (Monroe, Colaresi & Quinn 2008, eqs. 15–22).

    δ_w = ln[(y_iw + α_w) / (n_i + α0 − y_iw − α_w)] − ln[(y_jw + α_w) / (n_j + α0 − y_jw − α_w)],
    z_w = δ_w / √Var(δ_w), with n = Σ_w y_w, α0 = Σ_w α_w over the whole vocabulary. The variance is the
    full delta-method variance 1/(y_iw+α_w) + 1/(n_i+α0−y_iw−α_w) + 1/(y_jw+α_w) + 1/(n_j+α0−y_jw−α_w);
    Monroe et al. drop the two large-denominator terms (their eq. 20), which slightly inflates |z|.
    Vectorised: with terms × reports arrays (``alpha`` terms × 1) each column is one comparison.
    """
    y_i, y_j, alpha = (np.asarray(x, dtype=float) for x in (y_i, y_j, alpha))
    n_i, n_j, alpha0 = y_i.sum(axis=0), y_j.sum(axis=0), alpha.sum()
    rest_i, rest_j = n_i + alpha0 - y_i - alpha, n_j + alpha0 - y_j - alpha
    delta = np.log((y_i + alpha) / rest_i) - np.log((y_j + alpha) / rest_j)
    variance = 1 / (y_i + alpha) + 1 / rest_i + 1 / (y_j + alpha) + 1 / rest_j
    return delta / np.sqrt(variance)


def keyness_table(
    tokens: pd.DataFrame, min_count: int = MIN_COUNT, prior_scale: float = PRIOR_SCALE
) -> pd.DataFrame:
    """Keyness of every report against the pooled rest; columns ``KEYNESS_COLUMNS``.

    Tested terms: content terms with at least ``min_count`` occurrences in the whole corpus. ``g2`` is
    non-directional (a term the target under-uses also scores high): the sign of ``log_ratio`` and
    ``log_odds_z`` gives the direction. ``q_value``: Benjamini–Hochberg FDR over the tested terms of each
    target (``statsmodels.stats.multitest.multipletests(method="fdr_bh")``). Log-odds prior: informative,
    from the pooled corpus, α_w = α0 · (pooled count of w / pooled total) with α0 = ``prior_scale`` ×
    pooled total (0.1: the prior weighs as much as a tenth of the corpus). Rows sorted by target (corpus
    order), ``g2`` descending, term.
    """
    counts = count_matrix(tokens)
    if counts.shape[1] < 2:  # one report: nothing to compare it with
        return pd.DataFrame(columns=KEYNESS_COLUMNS)
    y = counts.to_numpy()  # terms × reports
    pooled = y.sum(axis=1, keepdims=True)
    alpha = prior_scale * pooled.astype(float)  # = α0 · pooled share, α0 = prior_scale · N
    tested = pooled[:, 0] >= min_count
    z = log_odds_z(y, pooled - y, alpha)[tested]
    a = y[tested]
    c = pooled[tested] - a
    n_t = y.sum(axis=0)
    n_r = n_t.sum() - n_t
    stat, p = g2(a, n_t - a, c, n_r - c)
    q = (
        np.column_stack([multipletests(p[:, j], method="fdr_bh")[1] for j in range(p.shape[1])])
        if len(p)
        else p
    )
    n_terms, n_reports = a.shape
    report_no = np.tile(np.arange(n_reports), n_terms)  # row-major: term by term, reports inside
    term_no = np.repeat(np.arange(n_terms), n_reports)
    order = np.lexsort((term_no, -stat.ravel(), report_no))  # target, G² descending, term (terms are sorted)
    table = pd.DataFrame(
        {
            "target_report": counts.columns.to_numpy()[report_no],
            "term": counts.index[tested].to_numpy()[term_no],
            "count_target": a.ravel(),
            "count_reference": c.ravel(),
            "total_target": n_t[report_no],
            "total_reference": n_r[report_no],
            "g2": stat.ravel(),
            "p_value": p.ravel(),
            "q_value": q.ravel(),
            "log_ratio": log_ratio(a, c, n_t, n_r).ravel(),
            "log_odds_z": z.ravel(),
        }
    )
    return table.iloc[order].reset_index(drop=True)


def vocabulary_stage(frames: dict[str, pd.DataFrame], options: dict) -> dict[str, pd.DataFrame]:
    """Build stage: ``frequencies.csv`` and ``keyness.csv`` from ``tokens`` (after the tokens stage)."""
    return {
        "frequencies": frequency_table(frames["tokens"], frames["sentences"]),
        "keyness": keyness_table(frames["tokens"]),
    }


def top_keyness(table: pd.DataFrame, target: str, n: int = 20) -> pd.DataFrame:
    """The ``n`` terms the ``target`` report over-uses (``log_ratio`` > 0), strongest G² first."""
    rows = table[(table["target_report"] == target) & (table["log_ratio"] > 0)]
    columns = ["term", *KEYNESS_COLUMNS[2:4], *KEYNESS_COLUMNS[6:]]
    return rows.sort_values(["g2", "term"], ascending=[False, True]).head(n)[columns].reset_index(drop=True)
