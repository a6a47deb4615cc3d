"""Interval estimates for shares of sentences, with the unit of inference named.

Sentences are not independent draws: sentences of one paragraph share a topic, and reports of one group
share an outlet and an occasion. So the bootstrap resamples the largest independent unit available
(Efron & Tibshirani 1993, ch. 13; the cluster bootstrap of Field & Welsh 2007):

- a group holding two or more reports: **reports** (cluster bootstrap — every report's sentences move
  together);
- a group of one report: **paragraphs** of that report (block bootstrap).

The statistic is a ratio of sums (Σ coded sentences / Σ sentences over the resampled units), and the
interval is the 95% percentile interval of ``N_BOOT`` replicates. A share of 0 or 1 makes every replicate
identical, so where no (or every) sentence is coded the interval is Wilson's score interval instead
(Wilson 1927; ``statsmodels.stats.proportion.proportion_confint(method="wilson")``), and a difference with
such a share uses Newcombe's (1998) hybrid score interval (method 10; ``confint_proportions_2indep(
method="newcomb")``) — both treat sentences as independent, which the ``method`` column says.
"""

import zlib
from collections.abc import Iterator

import numpy as np
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from .config import SEED

N_BOOT = 10_000
MAX_DRAWS = 4_000_000  # resample indices drawn at once (32 MB)
CONFIDENCE = 0.95
REPORTS, PARAGRAPHS = "reports (cluster bootstrap)", "paragraphs (block bootstrap)"


def bootstrap_counts(n: int, key: str, n_boot: int = N_BOOT, seed: int = SEED) -> Iterator[np.ndarray]:
    """The ``n_boot`` × ``n`` resample counts (row b: how often replicate b drew each of the ``n`` units in
    ``n`` draws with replacement), reproducible from ``seed`` and ``key`` (e.g. a group or report name).

    Yielded in blocks of rows of at most ``MAX_DRAWS`` draws, so memory stays bounded; the random stream is
    the same as drawing all ``n_boot`` × ``n`` indices at once.
    """
    rng = np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))])
    step = max(1, MAX_DRAWS // max(n, 1))
    for start in range(0, n_boot, step):
        rows = min(step, n_boot - start)
        idx = rng.integers(0, n, size=(rows, n)) + n * np.arange(rows)[:, None]
        yield np.bincount(idx.ravel(), minlength=rows * n).reshape(rows, n)


def ratio_replicates(
    numerators: np.ndarray, denominators: np.ndarray, key: str, n_boot: int = N_BOOT, seed: int = SEED
) -> np.ndarray:
    """Bootstrap replicates (``n_boot`` × k) of Σ numerators / Σ denominators, resampling the rows (units).

    ``numerators``: units × k sums per unit (e.g. coded sentences per report and theme); ``denominators``:
    units (e.g. sentences per report). A replicate whose denominator is 0 counts as 0.
    """
    sums = replicate_sums(np.column_stack([numerators, denominators]).astype(float), key, n_boot, seed)
    return ratio(sums[:, :-1], sums[:, [-1]])


def replicate_sums(values: np.ndarray, key: str, n_boot: int = N_BOOT, seed: int = SEED) -> np.ndarray:
    """Bootstrap replicates (``n_boot`` × k) of the column sums of ``values`` (units × k, float), resampling
    the rows with :func:`bootstrap_counts` (so several ratios can share one set of resamples)."""
    return np.vstack([w @ values for w in bootstrap_counts(len(values), key, n_boot, seed)])


def ratio(numerators: np.ndarray, denominators: np.ndarray) -> np.ndarray:
    """``numerators / denominators`` (broadcast), 0 where the denominator is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num(numerators / denominators)


def percentile_interval(replicates: np.ndarray, confidence: float = CONFIDENCE) -> np.ndarray:
    """The percentile bootstrap interval (α/2 and 1 − α/2 quantiles of the replicates, along axis 0)."""
    alpha = (1 - confidence) / 2
    return np.quantile(replicates, [alpha, 1 - alpha], axis=0)


def wilson_interval(k, n, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``k`` of ``n`` (vectorised; n = 0 gives [0, 1])."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    lo, hi = proportion_confint(k, np.maximum(n, 1), alpha=1 - confidence, method="wilson")
    return np.where(n > 0, lo, 0.0), np.where(n > 0, hi, 1.0)


def newcombe_interval(k1, n1, k2, n2, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval for p1 − p2 (vectorised)."""
    arrays = [np.asarray(x, dtype=float) for x in (k1, np.maximum(n1, 1), k2, np.maximum(n2, 1))]
    lo, hi = confint_proportions_2indep(*arrays, method="newcomb", compare="diff", alpha=1 - confidence)
    return np.asarray(lo), np.asarray(hi)
