"""Hand labels of theme codes (``data/validation/theme_labels.csv``) and how the codebook's rules score.

The labels file has one row per (sentence, coder): ``sentence_key`` (see :mod:`helpers.sentence_keys`),
``report_id``, ``coder``, ``sample`` (the coding sheet it came from; ``seed`` for the labels of the two seed
reports), ``weight`` (inverse inclusion probability of the sentence in its sample; 1 for a census),
``held_out_for`` (the hash of the frozen rules the label was held out from; empty = a *development* label, one
the rules may have been written or tuned on), ``text`` (the sentence as labelled, for reading) and one column
per codebook theme holding 1, 0 or blank (not labelled). Labels may cover any subset of the corpus: a report
without labels is coded like any other and shown as "not validated".
"""

import hashlib
import json
import warnings
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd

from . import inference
from .codebook import Theme, load_codebook
from .codes import SentenceRows
from .config import SEED, THEME_LABELS
from .errors import InputError
from .keyness import CHUNK_TOKENS
from .textio import read_csv
from .themes import coded_matrix

LABEL_COLUMNS = ["sentence_key", "report_id", "coder", "sample", "weight", "held_out_for", "text"]
N_BOOT = 2_000  # bootstrap replicates of the scores
Frames = dict[str, pd.DataFrame]


def read_labels(theme_ids: list[str], path: Path = THEME_LABELS) -> pd.DataFrame:
    """The labels file as a DataFrame (``LABEL_COLUMNS`` + one nullable Int8 column per theme; a theme the
    file has no column for is all blank). A missing file is an empty table. Raises ``InputError`` for a
    missing identifying column, a theme cell other than 1/0/blank or a (sentence, coder) given twice."""
    path = Path(path)
    if not path.is_file():
        return pd.DataFrame(columns=[*LABEL_COLUMNS, *theme_ids]).astype({t: "Int8" for t in theme_ids})
    raw = read_csv(path, dtype=str, keep_default_na=False)
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


def reference_labels(matched: pd.DataFrame, theme_ids: list[str], current_rules: str = "") -> pd.DataFrame:
    """One row per labelled sentence: ``report_id``, ``sentence_id``, ``sentence_key``, ``text``, ``weight``,
    ``held_out`` (True when every coder's label of it was held out from the rules whose hash is
    ``current_rules``: labels held out from older rules have become development labels) and per theme the
    majority label over the coders who labelled the theme (<NA> when unlabelled or tied)."""
    keys = ["report_id", "sentence_id", "sentence_key"]
    if matched.empty:
        columns = [*keys, "text", "weight", "held_out", *theme_ids]
        return pd.DataFrame(columns=columns).astype({"held_out": bool} | {t: "Int8" for t in theme_ids})
    grouped = matched.groupby(keys, sort=False)
    votes = grouped[theme_ids].agg(lambda x: _majority(x.dropna()))
    meta = grouped.agg(text=("text", "first"), weight=("weight", "mean"))
    meta["held_out"] = grouped.held_out_for.agg(
        lambda x: bool(current_rules) and bool((x == current_rules).all())
    )
    out = meta.join(votes.astype("Int8")).reset_index()
    return out.sort_values(["report_id", "sentence_id"], kind="stable", ignore_index=True)


def _majority(values: pd.Series):
    counts = values.value_counts()
    if counts.empty or (len(counts) > 1 and counts.iloc[0] == counts.iloc[1]):
        return pd.NA
    return counts.index[0]


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


def uncoded_sentences(sentences: pd.DataFrame, coded: pd.DataFrame) -> pd.DataFrame:
    """The sentences no theme coded (``report_id``, ``sentence_id``, ``sentence_key``, ``text``), in corpus
    order: where to look for phrasing the rules miss."""
    row = SentenceRows(sentences).of(coded["report_id"], coded["sentence_id"])
    hit = np.zeros(len(sentences), bool)
    hit[row[row >= 0]] = True
    columns = ["report_id", "sentence_id", "sentence_key", "text"]
    return sentences.loc[~hit, columns].reset_index(drop=True)


def uncoded_terms(uncoded: pd.DataFrame, tokens: pd.DataFrame, top_n: int = 20) -> pd.DataFrame:
    """The most frequent content terms (``is_stopword`` False in ``tokens``) of the ``uncoded`` sentences:
    ``term``, ``n_sentences`` (uncoded sentences containing it), ``count`` (occurrences), ``example`` (the
    first such sentence in token order). Sorted by ``n_sentences``, then ``count`` (descending), then term;
    at most ``top_n`` rows. Counted on integer codes (sentence keys, the tokens' categorical codes), so a
    corpus of millions of tokens needs no merge or string per token."""
    columns = ["term", "n_sentences", "count", "example"]
    sentence = SentenceRows(uncoded)
    report, sentence_id = pd.Categorical(tokens["report_id"]), tokens["sentence_id"].to_numpy()
    words = tokens["token"].astype("category")
    content = ~tokens["is_stopword"].astype(bool).to_numpy()
    codes, rows = [], []
    for start in range(0, len(tokens), CHUNK_TOKENS):  # a chunk at a time: memory stays bounded
        at = start + np.flatnonzero(content[start : start + CHUNK_TOKENS])
        row = sentence.of(report[at], sentence_id[at])  # -1: a coded sentence
        codes.append(words.cat.codes.to_numpy()[at[row >= 0]].astype(np.int64))
        rows.append(row[row >= 0])
    code, row = np.concatenate([np.empty(0, np.int64), *codes]), np.concatenate([np.empty(0, np.intp), *rows])
    if not len(code):
        return pd.DataFrame(columns=columns)
    used, first = np.unique(code, return_index=True)
    in_sentence = np.unique(code * len(uncoded) + row) // len(uncoded)
    out = pd.DataFrame(
        {
            "term": words.cat.categories.astype(str)[used],
            "n_sentences": np.bincount(in_sentence)[used],
            "count": np.bincount(code)[used],
            "example": uncoded["text"].to_numpy()[row[first]],
        }
    )
    out = out.sort_values(["n_sentences", "count", "term"], ascending=[False, False, True])
    return out[columns].head(top_n).reset_index(drop=True)


# --- agreement and scores with intervals ------------------------------------------------------------------


def rules_hash(themes: list[Theme]) -> str:
    """16 hex digits of the SHA-256 of the compiled rules: each theme's id and its include and exclude
    patterns with their flags (not the YAML text: comments, definitions and examples do not change it)."""
    rules = [
        [t.id, [[p.pattern, p.flags] for p in t.include], [[p.pattern, p.flags] for p in t.exclude]]
        for t in themes
    ]
    return hashlib.sha256(json.dumps(rules, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def agreement(matched: pd.DataFrame, theme_ids: list[str]) -> pd.DataFrame:
    """Intercoder agreement per theme over the sentences that two or more coders labelled for it:
    ``theme``, ``n_units`` (such sentences), ``n_coders``, ``alpha`` (Krippendorff's alpha, nominal, from the
    ``krippendorff`` package: α = 1 − D_o / D_e, observed over expected disagreement of the coincidence
    matrix; Krippendorff 2011, "Computing Krippendorff's alpha-reliability"; NaN when every value is the
    same, where α is undefined), ``percent_agreement`` (share of those sentences on which all their coders
    agree). The unit of analysis is the sentence."""
    rows = []
    for theme in theme_ids:
        votes = matched.pivot_table(index="coder", columns="sentence_key", values=theme, aggfunc="first")
        votes = votes.loc[:, votes.notna().sum() >= 2] if len(votes) else votes
        n = votes.shape[1]
        data = votes.to_numpy(dtype=float)
        alpha = float("nan")
        if n and len(np.unique(data[~np.isnan(data)])) > 1:
            alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        same = [len(set(col[~np.isnan(col)])) == 1 for col in data.T]
        rows.append(
            {
                "theme": theme,
                "n_units": n,
                "n_coders": int((votes.notna().sum(axis=1) > 0).sum()) if n else 0,
                "alpha": alpha,
                "percent_agreement": float(np.mean(same)) if n else float("nan"),
            }
        )
    return pd.DataFrame(rows)


SCORE_COLUMNS = [
    "coder", "set", "theme", "n_labelled", "n_reports", "n_positive", "n_coded", "tp", "fp", "fn",
    "precision", "precision_lo", "precision_hi", "recall", "recall_lo", "recall_hi", "f1", "f1_lo", "f1_hi",
    "interval",
]  # fmt: skip


def scores(
    reference: pd.DataFrame,
    coded_wide: pd.DataFrame,
    theme_ids: list[str],
    coder: str = "rules",
    n_boot: int = N_BOOT,
    seed: int = SEED,
) -> pd.DataFrame:
    """Precision, recall and F1 per label set (``development``, ``held-out``) and theme, re-weighted by the
    sampling weights, with 95% intervals (columns ``SCORE_COLUMNS``).

    With w the weight, y the reference label and p the coder's code of a labelled sentence: TP = Σ w·y·p,
    FP = Σ w·(1−y)·p, FN = Σ w·y·(1−p); precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2TP / (2TP
    + FP + FN) (Horvitz–Thompson totals of a stratified sample). Labelled sentences cluster in reports, so
    when they span two or more reports the interval is a percentile bootstrap over reports (``n_boot``
    replicates resampling whole reports, seeded); for one report it is Wilson's score interval on the
    unweighted counts (no interval for F1). ``tp``, ``fp``, ``fn`` are unweighted counts; ``coder`` names
    the coder scored. A set without labels has no rows."""
    pred = reference[["sentence_key"]].merge(coded_wide, on="sentence_key", how="left")
    rows = []
    for name, subset in (("development", ~reference.held_out), ("held-out", reference.held_out)):
        ref, p_all = reference[subset.to_numpy()], pred[subset.to_numpy()]
        for theme in theme_ids:
            known = ref[theme].notna().to_numpy()
            if not known.any():
                continue
            y = ref[theme].to_numpy()[known].astype(int)
            p = p_all[theme].fillna(0).to_numpy()[known].astype(int)
            w = ref.weight.to_numpy()[known]
            cells = np.column_stack([w * y * p, w * (1 - y) * p, w * y * (1 - p)])
            per_report = pd.DataFrame(cells).groupby(ref.report_id.to_numpy()[known]).sum()
            stats_ = _prf(cells.sum(axis=0))
            row = {"coder": coder, "set": name, "theme": theme, "n_labelled": int(known.sum())}
            row |= {"n_reports": len(per_report), "n_positive": int(y.sum()), "n_coded": int(p.sum())}
            row |= {"tp": int((y & p).sum()), "fp": int((p & (1 - y)).sum()), "fn": int((y & (1 - p)).sum())}
            if len(per_report) > 1:
                draws = inference.bootstrap_counts(len(per_report), f"{name}:{theme}", n_boot, seed)
                totals = np.vstack([c @ per_report.to_numpy() for c in draws])
                lo, hi = _percentiles(_prf(totals))
                row["interval"] = f"bootstrap over {len(per_report)} reports"
            else:
                lo, hi = _wilson(row["tp"], row["tp"] + row["fp"], row["tp"] + row["fn"])
                row["interval"] = "Wilson (one report, unweighted)"
            for i, stat in enumerate(("precision", "recall", "f1")):
                row |= {stat: stats_[i], f"{stat}_lo": lo[i], f"{stat}_hi": hi[i]}
            rows.append(row)
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def _prf(totals: np.ndarray) -> np.ndarray:
    """Precision, recall, F1 from TP, FP, FN totals in the last axis (NaN where undefined)."""
    tp, fp, fn = np.moveaxis(np.asarray(totals, dtype=float), -1, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.stack([tp / (tp + fp), tp / (tp + fn), 2 * tp / (2 * tp + fp + fn)], axis=-1)


def _percentiles(replicates: np.ndarray) -> np.ndarray:
    """The percentile interval of replicates that may be undefined (NaN: no coded or no positive sentence
    drawn), over the defined ones."""
    alpha = (1 - inference.CONFIDENCE) / 2
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a statistic undefined in every replicate
        return np.nanquantile(replicates, [alpha, 1 - alpha], axis=0)


def _wilson(tp: int, n_coded: int, n_positive: int) -> tuple[list[float], list[float]]:
    lo, hi = inference.wilson_interval([tp, tp], [n_coded, n_positive])
    lo, hi = np.where([n_coded, n_positive], lo, np.nan), np.where([n_coded, n_positive], hi, np.nan)
    return [*lo, np.nan], [*hi, np.nan]


def validation_stage(frames: Frames, options: dict) -> Frames:
    """Build stage: ``theme_validation`` (the rules' :func:`scores` against the hand labels the build uses,
    ``options["inputs"]["labels"]``, see :mod:`helpers.inputs`) and ``theme_agreement`` (:func:`agreement`
    between their coders)."""
    themes = load_codebook(options["codebook"])
    theme_ids = [t.id for t in themes]
    matched, _ = match_labels(read_labels(theme_ids, options["inputs"]["labels"]), frames["sentences"])
    reference = reference_labels(matched, theme_ids, rules_hash(themes))
    wide = coded_matrix(frames["sentences"], frames["sentence_themes"], theme_ids)
    return {
        "theme_validation": scores(reference, wide, theme_ids).round(6),
        "theme_agreement": agreement(matched, theme_ids).round(6),
    }
