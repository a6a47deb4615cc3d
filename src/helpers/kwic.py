"""Keyword in context: every occurrence of a term as a whole token, with the characters around it."""

import pandas as pd

KWIC_COLUMNS = ["report_id", "sentence_id", "left", "match", "right"]


def kwic(term: str, tokens: pd.DataFrame, window: int = 15) -> pd.DataFrame:
    """Occurrences of ``term`` as a whole token (so 党 does not match inside 党建), in corpus order.

    ``left``/``right`` hold up to ``window`` characters of the same report on each side (context may cross
    sentence boundaries). ``tokens`` is ``tokens.parquet`` (or any subset of it).
    """
    rows = []
    for report, group in tokens.groupby("report_id", sort=False):
        words = group["token"].astype(str).tolist()
        for i in [i for i, w in enumerate(words) if w == term]:
            left = "".join(words[max(0, i - window) : i])[-window:]
            right = "".join(words[i + 1 : i + 1 + window])[:window]
            rows.append((report, int(group["sentence_id"].iloc[i]), left, term, right))
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


def kwic_by_group(
    term: str, groups: pd.Series, tokens: pd.DataFrame, window: int = 15, rows: int = 3
) -> pd.DataFrame:
    """Up to ``rows`` KWIC lines of ``term`` per group (``groups``: report_id → group, in its order), in
    corpus order; columns ``group``, ``hits`` (the group's total), ``report_id``, ``sentence_id``, ``line``
    (``left【match】right``). A group without a hit gets one row with ``hits`` 0 and empty cells, so every
    group is listed."""
    hits = kwic(term, tokens, window)
    hits = hits.assign(
        group=hits.report_id.map(groups), line=hits.left + "【" + hits.match + "】" + hits.right
    )
    parts = []
    for group in dict.fromkeys(groups):
        part = hits[hits.group == group]
        shown = (
            part.head(rows).assign(hits=len(part))
            if len(part)
            else pd.DataFrame(
                [{"group": group, "hits": 0, "report_id": "", "sentence_id": pd.NA, "line": ""}]
            )
        )
        parts.append(shown)
    return pd.concat(parts, ignore_index=True)[["group", "hits", "report_id", "sentence_id", "line"]]


def first_sentences(tokens: pd.DataFrame, report_ids: list[str]) -> pd.DataFrame:
    """The first sentence of each of ``report_ids`` as the build segmented it, read from ``tokens`` (the
    tokens table: no segmenter is loaded). Columns ``report_id``, ``sentence_id``, ``segmented`` (the tokens
    joined by ·, content tokens in Markdown bold); one row per report that has tokens, in the order given."""
    chosen = tokens[tokens.report_id.isin(report_ids)]
    first = chosen.sentence_id == chosen.groupby("report_id").sentence_id.transform("min")
    shown = chosen[first].assign(
        word=lambda d: d.token.where(d.is_stopword, "**" + d.token.astype(str) + "**")
    )
    rows = shown.groupby(["report_id", "sentence_id"]).word.agg("·".join).rename("segmented").reset_index()
    order = {r: i for i, r in enumerate(report_ids)}
    return rows.sort_values("report_id", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
