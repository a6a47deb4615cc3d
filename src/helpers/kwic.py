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


def kwic_side_by_side(
    term: str, reports: pd.DataFrame, tokens: pd.DataFrame, window: int = 15
) -> pd.DataFrame:
    """The KWIC lines of ``term`` as one column per region (``reports.csv`` order), hits aligned by row.

    Each cell reads ``left【match】right``; a region with fewer hits has blank cells below its last one.
    """
    hits = kwic(term, tokens, window)
    lines = hits["left"] + "【" + hits["match"] + "】" + hits["right"]
    unique = reports["region"].is_unique  # else label columns by report_id
    columns = {
        region if unique else report: lines[hits["report_id"] == report].reset_index(drop=True)
        for report, region in reports[["report_id", "region"]].itertuples(index=False)
    }
    table = pd.DataFrame(columns).fillna("")
    return table.rename_axis(index=f"hits of {term}")
