"""Hand labels of theme codes (``data/validation/theme_labels.csv``) and how the codebook's rules score.

The labels file has one row per (sentence, coder): ``sentence_key`` (see :mod:`helpers.sentence_keys`),
``report_id``, ``coder``, ``sample`` (the coding sheet it came from; ``seed`` for the labels of the two seed
reports), ``weight`` (inverse inclusion probability of the sentence in its sample; 1 for a census),
``held_out_for`` (the hash of the frozen rules the label was held out from; empty = a *development* label, one
the rules may have been written or tuned on), ``text`` (the sentence as labelled, for reading) and one column
per codebook theme holding 1, 0 or blank (not labelled). Labels may cover any subset of the corpus: a report
without labels is coded like any other and shown as "not validated".
"""

from pathlib import Path

import numpy as np
import pandas as pd

from .config import THEME_LABELS
from .errors import InputError

LABEL_COLUMNS = ["sentence_key", "report_id", "coder", "sample", "weight", "held_out_for", "text"]


def read_labels(theme_ids: list[str], path: Path = THEME_LABELS) -> pd.DataFrame:
    """The labels file as a DataFrame (``LABEL_COLUMNS`` + one nullable Int8 column per theme; a theme the
    file has no column for is all blank). A missing file is an empty table. Raises ``InputError`` for a
    missing identifying column, a theme cell other than 1/0/blank or a (sentence, coder) given twice."""
    path = Path(path)
    if not path.is_file():
        return pd.DataFrame(columns=[*LABEL_COLUMNS, *theme_ids]).astype({t: "Int8" for t in theme_ids})
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in LABEL_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(
            path, f"column(s) {', '.join(missing)} missing", "keep the columns that `label import` writes"
        )
    for theme in theme_ids:
        values = raw[theme].str.strip() if theme in raw.columns else pd.Series("", index=raw.index)
        bad = ~values.isin(["1", "0", ""])
        if bad.any():
            row = bad.idxmax()
            raise InputError(
                path,
                f"line {row + 2}, column {theme}: {raw.at[row, theme]!r} is not 1, 0 or blank",
                "write 1 (theme present), 0 (absent) or leave the cell empty",
            )
        raw[theme] = pd.to_numeric(values.replace("", None)).astype("Int8")
    twice = raw.duplicated(["sentence_key", "coder"])
    if twice.any():
        row = twice.idxmax()
        raise InputError(
            path,
            f"line {row + 2}: coder {raw.at[row, 'coder']!r} labels {raw.at[row, 'sentence_key']} twice",
            "keep one row per sentence and coder",
        )
    raw["weight"] = pd.to_numeric(raw.weight.replace("", "1"))
    return raw[[*LABEL_COLUMNS, *theme_ids]]


def match_labels(labels: pd.DataFrame, sentences: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split labels into those whose sentence exists (with its current ``sentence_id``) and orphans.

    Returns ``(matched, orphans)``: ``matched`` is ``labels`` plus ``sentence_id``; ``orphans`` lists each
    orphaned (sentence_key, coder) with ``report_id``, ``text`` and ``reason`` ("sentence changed or removed"
    when its report is in the corpus, "report not in this corpus" otherwise)."""
    ids = sentences[["sentence_key", "sentence_id"]]
    both = labels.merge(ids, on="sentence_key", how="left", indicator=True)
    matched = both[both._merge == "both"].drop(columns="_merge")
    matched = matched.astype({"sentence_id": int}).reset_index(drop=True)
    orphans = both[both._merge == "left_only"][["sentence_key", "report_id", "coder", "text"]]
    in_corpus = orphans.report_id.isin(set(sentences.report_id))
    orphans = orphans.assign(
        reason=np.where(in_corpus, "sentence changed or removed", "report not in this corpus")
    )
    return matched, orphans.reset_index(drop=True)


def coverage(sentences: pd.DataFrame, matched: pd.DataFrame) -> pd.DataFrame:
    """Per report (corpus order): ``report_id``, ``n_sentences``, ``n_labelled`` (sentences with a label by
    any coder), ``n_coders``, ``share_labelled`` and ``status`` ("validated" when every sentence is labelled,
    "partly validated", or "not validated" when none is)."""
    n = sentences.groupby("report_id", sort=False).size()
    labelled = matched.groupby("report_id").sentence_key.nunique().reindex(n.index, fill_value=0)
    coders = matched.groupby("report_id").coder.nunique().reindex(n.index, fill_value=0)
    out = pd.DataFrame(
        {"n_sentences": n, "n_labelled": labelled, "n_coders": coders, "share_labelled": labelled / n}
    )
    out["status"] = np.select(
        [out.n_labelled == 0, out.n_labelled < out.n_sentences],
        ["not validated", "partly validated"],
        "validated",
    )
    return out.reset_index()


def reference_labels(matched: pd.DataFrame, theme_ids: list[str]) -> pd.DataFrame:
    """One row per labelled sentence: ``report_id``, ``sentence_id``, ``sentence_key``, ``text``, ``weight``,
    ``held_out`` (True when every coder's label of it was held out) and per theme the majority label over the
    coders who labelled the theme (<NA> when unlabelled or tied)."""
    keys = ["report_id", "sentence_id", "sentence_key"]
    grouped = matched.groupby(keys, sort=False)
    votes = grouped[theme_ids].agg(lambda x: _majority(x.dropna()))
    meta = grouped.agg(text=("text", "first"), weight=("weight", "mean"))
    meta["held_out"] = grouped.held_out_for.agg(lambda x: bool((x != "").all()))
    out = meta.join(votes.astype("Int8")).reset_index()
    return out.sort_values(["report_id", "sentence_id"], kind="stable", ignore_index=True)


def _majority(values: pd.Series):
    counts = values.value_counts()
    if counts.empty or (len(counts) > 1 and counts.iloc[0] == counts.iloc[1]):
        return pd.NA
    return counts.index[0]


def validation_table(reference: pd.DataFrame, coded_wide: pd.DataFrame, theme_ids: list[str]) -> pd.DataFrame:
    """Precision, recall and F1 of the rules against the reference labels, per theme, over the sentences
    labelled for that theme (all reports pooled): ``theme``, ``n_labelled`` (sentences with a label),
    ``n_positive`` (labelled 1), ``n_coded`` (coded by the rules), ``tp``, ``fp``, ``fn``, ``precision``,
    ``recall``, ``f1`` (NaN when undefined, e.g. no sentence of the theme labelled)."""
    pred = reference[["sentence_key"]].merge(coded_wide, on="sentence_key", how="left")
    rows = []
    for theme in theme_ids:
        known = reference[theme].notna().to_numpy()
        y = reference[theme].to_numpy()[known].astype(int)
        p = pred[theme].fillna(0).to_numpy()[known].astype(int)
        tp, fp, fn = int((y & p).sum()), int((p & (1 - y)).sum()), int((y & (1 - p)).sum())
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        rows.append(
            {
                "theme": theme,
                "n_labelled": int(known.sum()),
                "n_positive": int(y.sum()),
                "n_coded": int(p.sum()),
                "tp": tp,
                "fp": fp,
                "fn": fn,
                "precision": precision,
                "recall": recall,
                "f1": _ratio(2 * tp, 2 * tp + fp + fn),
            }
        )
    return pd.DataFrame(rows)


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def disagreements(
    reference: pd.DataFrame, coded_wide: pd.DataFrame, coded: pd.DataFrame, theme_ids: list[str]
) -> pd.DataFrame:
    """Every (sentence, theme) where the reference label and the rules differ, with the terms matched:
    ``theme``, ``kind`` (false positive / false negative), ``report_id``, ``sentence_id``, ``matched_terms``
    (empty for a miss), ``text``; in codebook theme order, then report and sentence."""
    long = reference.melt(["report_id", "sentence_id", "sentence_key", "text"], theme_ids, "theme", "label")
    long = long.dropna(subset=["label"])
    pred = coded_wide.melt(["sentence_key"], theme_ids, "theme", "coded")
    both = long.merge(pred, on=["sentence_key", "theme"], how="left").fillna({"coded": 0})
    both = both.merge(coded[["sentence_key", "theme", "matched_terms"]], how="left")
    out = both[both.label != both.coded].fillna({"matched_terms": ""})
    out = out.assign(kind=np.where(out.coded == 1, "false positive", "false negative"))
    order = {t: i for i, t in enumerate(theme_ids)}
    out = out.sort_values(
        ["theme", "report_id", "sentence_id"], key=lambda s: s.map(order) if s.name == "theme" else s
    )
    return out[["theme", "kind", "report_id", "sentence_id", "matched_terms", "text"]].reset_index(drop=True)
