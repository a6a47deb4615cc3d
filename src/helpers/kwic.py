"""Keyword in context: every occurrence of a term as a whole token, with the characters around it."""

import numpy as np
import pandas as pd

KWIC_COLUMNS = ["report_id", "sentence_id", "left", "match", "right"]


class TokenIndex:
    """The ``token`` column of a tokens table as integer codes, so finding a term is one vectorised
    comparison and a context line a slice of codes (4 bytes a token beyond the table itself). ``tokens``:
    ``tokens.parquet`` rows (``report_id``, ``token``; any subset), each report's rows together, in
    reading order; ``token`` as text or categorical (as :func:`helpers.load_corpus` reads it: no copy)."""

    def __init__(self, tokens: pd.DataFrame):
        words = tokens["token"].astype("category")
        self.codes = words.cat.codes.to_numpy()
        self.vocabulary = words.cat.categories.astype(str).to_numpy(dtype=object)
        self.code = {term: code for code, term in enumerate(self.vocabulary)}
        report = tokens["report_id"].astype("category").cat.codes.to_numpy()
        change = np.flatnonzero(report[1:] != report[:-1]) + 1
        self.bounds = np.concatenate([[0], change, [len(report)]])  # where each report's tokens start
        self.reports = tokens["report_id"].iloc[self.bounds[:-1]].astype(str).to_numpy()  # of each run

    def run(self, positions: np.ndarray) -> np.ndarray:
        """The run of one report's tokens (index into ``reports``) each position is in."""
        return np.searchsorted(self.bounds, positions, "right") - 1

    def find(self, *terms: str) -> np.ndarray:
        """Positions of every occurrence of any of ``terms`` (surrounding spaces ignored), in corpus order."""
        codes = [self.code[t.strip()] for t in terms if t.strip() in self.code]
        return np.flatnonzero(np.isin(self.codes, codes))

    def context(self, positions: np.ndarray, window: int) -> pd.DataFrame:
        """``left``, ``match``, ``right`` of the tokens at ``positions``: up to ``window`` characters of
        the same report on each side."""
        words, codes = self.vocabulary, self.codes
        run = self.run(positions)
        rows = [
            (
                "".join(words[codes[max(lo, i - window) : i]])[-window:],
                words[codes[i]],
                "".join(words[codes[i + 1 : min(hi, i + 1 + window)]])[:window],
            )
            for i, lo, hi in zip(positions, self.bounds[run], self.bounds[run + 1], strict=True)
        ]
        return pd.DataFrame(rows, columns=["left", "match", "right"])


def kwic(term: str, tokens: pd.DataFrame, window: int = 15) -> pd.DataFrame:
    """Occurrences of ``term`` as a whole token (so 党 does not match inside 党建), in corpus order.

    ``left``/``right`` hold up to ``window`` characters of the same report on each side (context may cross
    sentence boundaries). ``tokens`` is ``tokens.parquet`` (or any subset of it).
    """
    index = TokenIndex(tokens)
    return _lines(tokens, index, index.find(term), window)


def _lines(tokens: pd.DataFrame, index: TokenIndex, positions: np.ndarray, window: int) -> pd.DataFrame:
    found = tokens.iloc[positions]
    ids = pd.DataFrame(
        {
            "report_id": found["report_id"].astype(str).to_numpy(),
            "sentence_id": found["sentence_id"].to_numpy(),
        }
    )
    return pd.concat([ids, index.context(positions, window)], axis=1)[KWIC_COLUMNS]


def kwic_by_group(
    term: str, groups: pd.Series, tokens: pd.DataFrame, window: int = 15, rows: int = 3
) -> pd.DataFrame:
    """Up to ``rows`` KWIC lines of ``term`` per group (``groups``: report_id → group, in its order), in
    corpus order; columns ``group``, ``hits`` (the group's total), ``report_id``, ``sentence_id``, ``line``
    (``left【match】right``). A group without a hit gets one row with ``hits`` 0 and empty cells, so every
    group is listed. Context is cut only for the lines shown."""
    index = TokenIndex(tokens)
    positions = index.find(term)
    group = tokens["report_id"].iloc[positions].map(groups).to_numpy()
    parts = []
    for name in dict.fromkeys(groups):
        mine = positions[group == name]
        if len(mine):
            shown = _lines(tokens, index, mine[:rows], window)
            shown = shown.assign(
                group=name, hits=len(mine), line=shown.left + "【" + shown.match + "】" + shown.right
            )
        else:
            shown = pd.DataFrame(
                [{"group": name, "hits": 0, "report_id": "", "sentence_id": pd.NA, "line": ""}]
            )
        parts.append(shown)
    return pd.concat(parts, ignore_index=True)[["group", "hits", "report_id", "sentence_id", "line"]]


def first_sentences(tokens: pd.DataFrame, report_ids: list[str]) -> pd.DataFrame:
    """The first sentence of each of ``report_ids`` as the build segmented it, read from ``tokens`` (the
    tokens table: no segmenter is loaded). Columns ``report_id``, ``sentence_id``, ``segmented`` (the tokens
    joined by ·, content tokens in Markdown bold); one row per report that has tokens, in the order given."""
    chosen = tokens[tokens.report_id.isin(report_ids)].astype({"report_id": str, "token": str})
    first = chosen.sentence_id == chosen.groupby("report_id").sentence_id.transform("min")
    shown = chosen[first].assign(word=lambda d: d.token.where(d.is_stopword, "**" + d.token + "**"))
    rows = shown.groupby(["report_id", "sentence_id"]).word.agg("·".join).rename("segmented").reset_index()
    order = {r: i for i, r in enumerate(report_ids)}
    return rows.sort_values("report_id", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
