"""Term explorer and theme browser: the logic behind notebook 06's widgets, as DataFrames (nothing drawn).

:class:`Explorer` indexes the processed tables once (tokens as integer codes, so a term lookup is one
vectorised comparison over the token array and stays well under a second at hundreds of reports); every
method returns a DataFrame.
Groups are the values of a ``reports.csv`` column (``group_by``, default ``region``); an empty value is the
group ``(missing)``. Counting unit for rates: content tokens (``is_stopword`` False), as in
``frequencies.csv``; a term is matched as a whole token, as in :func:`helpers.kwic.kwic`.
"""

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .groups import report_groups
from .kwic import TokenIndex
from .themes import positions

KWIC_WINDOW = 15  # characters of context on each side
KWIC_PER_GROUP = 10  # KWIC lines per group and term
PAGE_SIZE = 10  # sentences per page in the theme browser


@dataclass
class Explorer:
    """The processed tables of one corpus, indexed for term and theme queries.

    ``tables`` as returned by :func:`helpers.load_corpus` (needs ``reports``, ``tokens``, ``sentences``,
    ``sentence_themes``); ``labels``: optional hand labels, one row per labelled sentence with
    ``report_id``, ``sentence_id`` and one 1/0/<NA> column per theme, as
    :func:`helpers.validation.reference_labels` returns them.
    Raises ValueError if ``group_by`` is not a column of ``reports``.
    """

    tables: dict[str, pd.DataFrame]
    group_by: str = "region"
    labels: pd.DataFrame | None = None
    _index: TokenIndex = field(init=False, repr=False)

    def __post_init__(self) -> None:
        reports = self.tables["reports"]
        group = report_groups(reports, self.group_by)
        self.reports = reports[["report_id"]].assign(group=group.to_numpy())
        self.groups = list(dict.fromkeys(self.reports.group))
        tokens = self.tables["tokens"]
        self._index = TokenIndex(tokens)
        group_of = self.reports.set_index("report_id").group
        self._run_group = pd.Index(self.groups).get_indexer(group_of.reindex(self._index.reports))
        self._content_totals = tokens["report_id"][~tokens["is_stopword"].astype(bool)].value_counts()

    @cached_property
    def _positions(self) -> pd.DataFrame:
        return positions(self.tables["sentences"])[["report_id", "sentence_id", "position"]]

    def _hits(self, *terms: str, first: int | None = None) -> pd.DataFrame:
        """One row per occurrence of any of ``terms``, in corpus order: ``report_id``, ``sentence_id``,
        ``term`` and ``token_index`` (the token's index in the token array). With ``first``: only the first
        ``first`` occurrences of each term in each group (found on the arrays, so a frequent term of a large
        corpus makes no frame of millions of rows)."""
        index = self._index.find(*terms)
        if first is not None:
            index = index[self._first(index, first)]
        hits = self.tables["tokens"].iloc[index][["report_id", "sentence_id"]].reset_index(drop=True)
        return hits.assign(term=self._index.vocabulary[self._index.codes[index]], token_index=index)

    def _first(self, index: np.ndarray, n: int) -> np.ndarray:
        """Which of the token positions ``index`` (sorted) are among the first ``n`` of their term in their
        group (a report without a group forms one of its own)."""
        group = self._run_group[self._index.run(index)] + 1
        key = self._index.codes[index].astype(np.int64) * (len(self.groups) + 1) + group
        order = np.argsort(key, kind="stable")
        start = np.flatnonzero(np.diff(key[order], prepend=-1))
        rank = np.arange(len(key)) - np.repeat(start, np.diff(np.append(start, len(key))))
        keep = np.zeros(len(key), dtype=bool)
        keep[order[rank < n]] = True
        return keep

    def _context(self, hits: pd.DataFrame, window: int) -> pd.DataFrame:
        """``left``, ``match``, ``right`` of each hit: up to ``window`` characters of the same report."""
        return self._index.context(hits.token_index.to_numpy(), window).set_axis(hits.index)

    def term_by_report(self, term: str) -> pd.DataFrame:
        """Per report (reports.csv order): ``group``, ``report_id``, ``count`` of ``term``, ``content_tokens``
        and ``per_10k`` = 10,000 · count / content tokens."""
        counts = self._hits(term).groupby("report_id").size()
        out = self.reports.assign(
            count=self.reports.report_id.map(counts).fillna(0).astype(int),
            content_tokens=self.reports.report_id.map(self._content_totals).fillna(0).astype(int),
        )
        out["per_10k"] = (10_000 * out["count"] / out.content_tokens.where(out.content_tokens > 0)).round(2)
        return out[["group", "report_id", "count", "content_tokens", "per_10k"]]

    def term_by_group(self, term: str) -> pd.DataFrame:
        """Per group (first-appearance order): ``reports``, ``reports_using`` (count > 0), ``count``,
        ``content_tokens`` and ``per_10k`` (pooled over the group's reports)."""
        per_report = self.term_by_report(term).assign(using=lambda d: d["count"] > 0)
        out = per_report.groupby("group", sort=False).agg(
            reports=("report_id", "size"),
            reports_using=("using", "sum"),
            count=("count", "sum"),
            content_tokens=("content_tokens", "sum"),
        )
        out["per_10k"] = (10_000 * out["count"] / out.content_tokens.where(out.content_tokens > 0)).round(2)
        return out.reset_index()

    def term_positions(self, term: str) -> pd.DataFrame:
        """Every occurrence with where it is: ``group``, ``report_id``, ``sentence_id`` and ``position``
        (share 0–1 of the report's body characters before the sentence holding it)."""
        hits = self._hits(term)[["report_id", "sentence_id"]].merge(self._positions, how="left")
        return hits.merge(self.reports, how="left")[["group", "report_id", "sentence_id", "position"]]

    def kwic_lines(
        self, term: str, per_group: int = KWIC_PER_GROUP, window: int = KWIC_WINDOW
    ) -> pd.DataFrame:
        """The first ``per_group`` occurrences in each group, in corpus order: ``group``, ``report_id``,
        ``sentence_id``, ``left``, ``match``, ``right`` (up to ``window`` characters of the same report
        on each side; context may cross sentence boundaries)."""
        hits = self._hits(term, first=per_group).merge(self.reports, how="left")
        hits = hits.groupby("group", sort=False).head(per_group)
        lines = self._context(hits, window)
        return pd.concat([hits[["group", "report_id", "sentence_id"]], lines], axis=1).reset_index(drop=True)

    def kwic_table(self, terms: list[str], per_term: int, window: int = KWIC_WINDOW) -> pd.DataFrame:
        """Up to ``per_term`` KWIC lines for each of ``terms``, taken in turn from each group (the first
        occurrence in every group, then the second …): ``term``, ``group``, ``report_id``, ``sentence_id``,
        ``left``, ``match``, ``right``; sorted by term, then that turn, then group order. One pass over the
        token array for all terms."""
        hits = self._hits(*terms, first=per_term).merge(self.reports, how="left")
        order = {g: i for i, g in enumerate(self.groups)}
        hits = hits.assign(turn=hits.groupby(["term", "group"]).cumcount(), group_order=hits.group.map(order))
        hits = hits.sort_values(["term", "turn", "group_order"], kind="stable").groupby("term").head(per_term)
        lines = pd.concat(
            [hits[["term", "group", "report_id", "sentence_id"]], self._context(hits, window)], axis=1
        )
        return lines.reset_index(drop=True)

    def kwic_side_by_side(
        self, term: str, per_group: int = KWIC_PER_GROUP, window: int = KWIC_WINDOW
    ) -> pd.DataFrame:
        """:meth:`kwic_lines` as one column per group (every group, blank cells where it has fewer hits),
        each cell ``left【match】right``."""
        lines = self.kwic_lines(term, per_group, window)
        text = lines.left + "【" + lines.match + "】" + lines.right
        columns = {g: text[lines.group == g].reset_index(drop=True) for g in self.groups}
        return pd.DataFrame(columns).fillna("").rename_axis(index=f"hits of {term}")

    def theme_sentences(
        self, theme: str, group: str | None = None, report_id: str | None = None
    ) -> pd.DataFrame:
        """The sentences coded with ``theme`` (optionally of one group and/or report), in corpus order:
        ``group``, ``report_id``, ``sentence_id``, ``matched_terms``, ``n_hits``, ``human_label`` (1/0 from
        the hand labels, ``<NA>`` where the sentence is not labelled) and ``text``."""
        hits = self.tables["sentence_themes"]
        hits = hits.loc[hits.theme == theme, ["report_id", "sentence_id", "matched_terms", "n_hits"]]
        out = hits.merge(self.tables["sentences"][["report_id", "sentence_id", "text"]], how="left")
        out = out.merge(self.reports, how="left")
        if group is not None:
            out = out[out.group == group]
        if report_id is not None:
            out = out[out.report_id == report_id]
        label = pd.Series(pd.NA, index=out.index, dtype="Int64")
        if self.labels is not None and theme in self.labels.columns:
            keyed = self.labels.set_index(["report_id", "sentence_id"])[theme]
            label = pd.Series(
                keyed.reindex(pd.MultiIndex.from_frame(out[["report_id", "sentence_id"]])).to_numpy(),
                index=out.index,
            ).astype("Int64")
        out = out.assign(human_label=label)
        columns = ["group", "report_id", "sentence_id", "matched_terms", "n_hits", "human_label", "text"]
        return out[columns].reset_index(drop=True)


def page(frame: pd.DataFrame, number: int, size: int = PAGE_SIZE) -> tuple[pd.DataFrame, int]:
    """Rows of page ``number`` (0-based, clipped to the last page) and the number of pages (≥ 1)."""
    pages = max(1, -(-len(frame) // size))
    number = min(max(number, 0), pages - 1)
    return frame.iloc[number * size : (number + 1) * size], pages
