"""Integer codes for counting over large tables: terms as sorted codes, sentences as one int64 each, and the
runs of a sorted code array. Codes are local to one computation (a build, a notebook's table): the stable
identity of a sentence across builds is its ``sentence_key`` (:mod:`helpers.sentence_keys`)."""

import numpy as np
import pandas as pd


def sorted_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """``values`` (text or categorical) as integer codes into their distinct values as text, sorted."""
    codes, uniques = pd.factorize(values)
    uniques = pd.Index(uniques).astype(str)
    order = np.argsort(uniques.to_numpy(dtype=object), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[codes], uniques[order]


def sentence_code(report: np.ndarray, sentence_id: pd.Series | np.ndarray) -> np.ndarray:
    """One int64 per sentence from its report's integer code and its ``sentence_id`` (each below 2³²); a
    paragraph's likewise from its ``block_id``. Sorting the codes sorts by report, then sentence."""
    return report.astype(np.int64) << 32 | np.asarray(sentence_id, np.int64)


def runs(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``sorted_keys`` and how often each occurs."""
    start = np.flatnonzero(np.diff(sorted_keys, prepend=sorted_keys[:1] - 1))
    return sorted_keys[start], np.diff(np.append(start, len(sorted_keys)))
