"""Integer codes for counting over large tables: terms as sorted codes, sentences as one int64 each, the runs
of a sorted code array, and :class:`SentenceRows`, which finds the sentence of a token or a theme hit by its
code. Codes are local to one computation (a build, a notebook's table): the stable identity of a sentence
across builds is its ``sentence_key`` (:mod:`helpers.sentence_keys`)."""

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


class SentenceRows:
    """The rows of ``keyed`` — a table with one row per (``report_id``, ``sentence_id``): sentences, or the
    uncoded ones — looked up by the keys of other rows (a token's sentence, a theme hit's) as int64 codes
    (:func:`sentence_code`), not merges over text. ``of`` takes the other rows' keys in chunks of any size."""

    def __init__(self, keyed: pd.DataFrame):
        report = pd.Categorical(keyed["report_id"])
        self._reports = report.categories.astype(str)
        self._index = pd.Index(sentence_code(report.codes, keyed["sentence_id"]))

    def of(self, report_id, sentence_id: pd.Series | np.ndarray) -> np.ndarray:
        """For each key (``report_id``: text or categorical values; ``sentence_id``: integers, as many), the
        position (0-based) of its row in ``keyed``; -1 where ``keyed`` has none (an unknown report too)."""
        report = pd.Categorical(report_id)
        known = self._reports.get_indexer(report.categories.astype(str))
        code = np.append(known, -1)[report.codes]  # -1: a report not in keyed, or none (code -1)
        return self._index.get_indexer(sentence_code(code, sentence_id))
