"""How often each group of reports codes each theme, with intervals whose resampling unit is named.

Headline metric: the **share of sentences** coded with a theme (a sentence counts once however many terms
it matches). Hits per 1,000 characters is secondary and capped: a sentence contributes at most
``HITS_CAP`` hits per theme, so one list-like sentence cannot dominate a report's rate.

Intervals (module :mod:`helpers.inference`): a group with several reports resamples reports (cluster
bootstrap); a group of one report resamples that report's paragraphs (block bootstrap); a share of 0 or 1
gets Wilson's interval and a difference involving one gets Newcombe's. With one report per group, an
interval describes the difference between two *texts*, not between the regions they come from.
"""

import numpy as np
import pandas as pd

from . import inference
from .codes import SentenceRows, sentence_code
from .config import SEED
from .corpus import n_chars

HITS_CAP = 3  # hits of one theme counted per sentence, at most
RATE_COLUMNS = [
    "group", "theme", "n_reports", "n_paragraphs", "n_sentences", "n_chars", "n_coded", "share",
    "share_lo", "share_hi", "n_hits", "hits_per_1k", "hits_per_1k_lo", "hits_per_1k_hi", "method", "unit",
]  # fmt: skip
DIFF_COLUMNS = [
    "theme", "group_a", "n_coded_a", "n_sentences_a", "share_a", "group_b", "n_coded_b", "n_sentences_b",
    "share_b", "share_diff", "share_diff_lo", "share_diff_hi", "method", "unit",
]  # fmt: skip


def paragraph_counts(
    sentences: pd.DataFrame, coded: pd.DataFrame, theme_ids: list[str], cap: int = HITS_CAP
) -> pd.DataFrame:
    """One row per body paragraph (report, block, in ``sentences`` order): ``n_sentences``, ``n_chars``
    (whitespace excluded), and per theme ``coded:<theme>`` (sentences coded) and ``hits:<theme>`` (hits,
    at most ``cap`` per sentence) — the sufficient statistics of every rate and interval below."""
    report_ids, block_ids, sums = paragraph_sums(sentences, coded, theme_ids, cap)
    names = ["n_sentences", "n_chars", *(f"{kind}:{t}" for kind in ("coded", "hits") for t in theme_ids)]
    frame = pd.DataFrame(sums, columns=names)
    frame.insert(0, "report_id", report_ids)
    frame.insert(1, "block_id", block_ids.astype(sentences["block_id"].dtype))
    return frame


def paragraph_sums(
    sentences: pd.DataFrame, coded: pd.DataFrame, theme_ids: list[str], cap: int = HITS_CAP
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`paragraph_counts` as arrays: each paragraph's report id (object) and block id, and its counts
    (paragraphs × (2 + 2 · themes): n_sentences, n_chars, coded per theme, hits per theme; int)."""
    rows = SentenceRows(sentences).of(coded["report_id"], coded["sentence_id"])
    columns = pd.Index(theme_ids).get_indexer(coded["theme"])
    known = (rows >= 0) & (columns >= 0)
    hits = np.zeros((len(sentences), len(theme_ids)), dtype=int)
    np.add.at(hits, (rows[known], columns[known]), coded["n_hits"].to_numpy()[known])
    report, reports = pd.factorize(sentences["report_id"])  # paragraphs keyed by one int64
    paragraph, paragraphs = pd.factorize(sentence_code(report, sentences["block_id"]))
    per_sentence = np.column_stack(
        [
            np.ones(len(sentences), dtype=int),
            n_chars(sentences["text"]).to_numpy(dtype=int),
            hits > 0,
            np.minimum(hits, cap),
        ]
    ).astype(int)
    sums = np.zeros((len(paragraphs), per_sentence.shape[1]), dtype=int)
    np.add.at(sums, paragraph, per_sentence)
    report_ids = np.asarray(reports, dtype=object)[paragraphs >> 32]
    return report_ids, paragraphs & 0xFFFFFFFF, sums


def _counts(par: pd.DataFrame, theme_ids: list[str]) -> np.ndarray:
    """Paragraphs × (n_sentences, n_chars, coded per theme, hits per theme)."""
    kinds = [f"{kind}:{t}" for kind in ("coded", "hits") for t in theme_ids]
    return par[["n_sentences", "n_chars", *kinds]].to_numpy(dtype=int)


def _units(counts: np.ndarray, in_group: np.ndarray, report_ids: np.ndarray, n_reports: int):
    """The resampling units of a group (its reports, in order of appearance, or one report's paragraphs)
    with their counts (rows of ``counts``), and the unit's name."""
    part = counts[in_group]
    if n_reports < 2:
        return part, inference.PARAGRAPHS
    codes, reports = pd.factorize(report_ids[in_group])
    units = np.zeros((len(reports), counts.shape[1]), dtype=counts.dtype)
    np.add.at(units, codes, part)
    return units, inference.REPORTS


def _group_stats(units: np.ndarray, n_themes: int, key: str, n_boot: int, seed: int) -> dict:
    """Totals and bootstrap replicates (one set of resamples for both rates) of a group's units."""
    n_sent, chars = units[:, 0], units[:, 1]
    coded, hits = units[:, 2 : 2 + n_themes], units[:, 2 + n_themes :]
    sums = inference.replicate_sums(
        np.column_stack([coded, hits, n_sent, chars]).astype(float), key, n_boot, seed
    )
    return {
        "n_sentences": int(n_sent.sum()),
        "n_chars": int(chars.sum()),
        "n_coded": coded.sum(axis=0),
        "n_hits": hits.sum(axis=0),
        "share_boot": inference.ratio(sums[:, :n_themes], sums[:, [-2]]),
        "hits_boot": 1000 * inference.ratio(sums[:, n_themes:-2], sums[:, [-1]]),
    }


def _intervals(s: dict, edge: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Percentile intervals of the shares and hit rates of :func:`_group_stats` ``s``, computed only where
    they are used: not for a share of 0 or 1 (``edge``: Wilson's interval replaces it; nan here), and [0, 0]
    for a theme without hits (every replicate is 0)."""
    share, hits = ~edge, s["n_hits"] > 0
    lo, hi = inference.percentile_interval(
        np.column_stack([s["share_boot"][:, share], s["hits_boot"][:, hits]])
    )
    out = np.full((4, len(edge)), np.nan)
    out[2:] = 0.0
    out[0, share], out[1, share] = lo[: share.sum()], hi[: share.sum()]
    out[2, hits], out[3, hits] = lo[share.sum() :], hi[share.sum() :]
    return out[0], out[1], out[2], out[3]


def group_rates(
    par: pd.DataFrame,
    groups: pd.Series,
    theme_ids: list[str],
    n_boot: int = inference.N_BOOT,
    seed: int = SEED,
) -> pd.DataFrame:
    """Group × theme rates with 95% intervals; columns ``RATE_COLUMNS``, groups in the order of ``groups``
    (report_id → group), themes in codebook order.

    ``share`` = n_coded / n_sentences; ``hits_per_1k`` = 1000 · capped hits / characters. ``unit`` names
    what was resampled; ``method`` is ``percentile bootstrap`` or, for a share of 0 or 1, ``Wilson``
    (applied to ``share`` only). Floats rounded to 6 decimals; no NaN (a group with no sentence gets share
    0 and the interval [0, 1]).
    """
    counts, report_ids = _counts(par, theme_ids), par["report_id"].to_numpy()
    return pd.DataFrame(
        rate_columns(counts, report_ids, groups, theme_ids, n_boot, seed), columns=RATE_COLUMNS
    )


def rate_columns(
    counts: np.ndarray,
    report_ids: np.ndarray,
    groups: pd.Series,
    theme_ids: list[str],
    n_boot: int = inference.N_BOOT,
    seed: int = SEED,
) -> dict[str, np.ndarray]:
    """:func:`group_rates` as one array per column of ``RATE_COLUMNS`` (empty without groups), from the
    paragraphs' ``counts`` and ``report_ids`` (:func:`paragraph_sums`)."""
    k = len(theme_ids)
    columns: dict[str, list] = {c: [] for c in RATE_COLUMNS}
    members_of: dict = {}  # group → its reports, groups in order of appearance (no group: left out)
    for report, group in zip(groups.index.tolist(), groups.tolist(), strict=True):
        if not pd.isna(group):
            members_of.setdefault(group, []).append(report)
    for group, members in members_of.items():
        in_group = np.isin(report_ids, members)
        units, unit = _units(counts, in_group, report_ids, len(members))
        s = _group_stats(units, k, str(group), n_boot, seed)
        edge = (s["n_coded"] == 0) | (s["n_coded"] == s["n_sentences"])
        share_lo, share_hi, hits_lo, hits_hi = _intervals(s, edge)
        w_lo, w_hi = inference.wilson_interval(s["n_coded"], s["n_sentences"])
        values = {
            "group": [group] * k,
            "theme": theme_ids,
            "n_reports": [len(members)] * k,
            "n_paragraphs": [int(in_group.sum())] * k,
            "n_sentences": [s["n_sentences"]] * k,
            "n_chars": [s["n_chars"]] * k,
            "n_coded": s["n_coded"],
            "share": s["n_coded"] / max(s["n_sentences"], 1),
            "share_lo": np.where(edge, w_lo, share_lo),
            "share_hi": np.where(edge, w_hi, share_hi),
            "n_hits": s["n_hits"],
            "hits_per_1k": 1000 * s["n_hits"] / max(s["n_chars"], 1),
            "hits_per_1k_lo": hits_lo,
            "hits_per_1k_hi": hits_hi,
            "method": np.where(edge, "Wilson", "percentile bootstrap"),
            "unit": np.where(edge, "sentences", unit),
        }
        for name, value in values.items():
            columns[name].append(np.asarray(value))
    if not columns["group"]:
        return {}
    out = {c: np.concatenate(parts) for c, parts in columns.items()}
    return {c: v.round(6) if v.dtype.kind == "f" else v for c, v in out.items()}


def group_difference(
    par: pd.DataFrame,
    groups: pd.Series,
    group_a: str,
    group_b: str,
    theme_ids: list[str],
    n_boot: int = inference.N_BOOT,
    seed: int = SEED,
) -> pd.DataFrame:
    """Per theme, share of group ``group_a`` − share of ``group_b`` with a 95% interval; columns
    ``DIFF_COLUMNS``. The two groups are resampled independently, each by its own unit (``unit`` names
    both); a share of 0 or 1 on either side gives Newcombe's interval. Raises KeyError for an unknown group.
    """
    stats, units = [], []
    counts, report_ids = _counts(par, theme_ids), par["report_id"].to_numpy()
    for group in (group_a, group_b):
        members = list(groups.index[groups == group])
        if not members:
            raise KeyError(f"no report in group {group!r}")
        frame, unit = _units(counts, np.isin(report_ids, members), report_ids, len(members))
        stats.append(_group_stats(frame, len(theme_ids), str(group), n_boot, seed))
        units.append(unit)
    (a, b) = stats
    share_a, share_b = a["n_coded"] / max(a["n_sentences"], 1), b["n_coded"] / max(b["n_sentences"], 1)
    lo, hi = inference.percentile_interval(a["share_boot"] - b["share_boot"])
    edge = np.zeros(len(theme_ids), dtype=bool)
    for s in (a, b):
        edge |= (s["n_coded"] == 0) | (s["n_coded"] == s["n_sentences"])
    n_lo, n_hi = inference.newcombe_interval(a["n_coded"], a["n_sentences"], b["n_coded"], b["n_sentences"])
    unit = units[0] if units[0] == units[1] else f"{units[0]} | {units[1]}"
    return pd.DataFrame(
        {
            "theme": theme_ids,
            "group_a": group_a,
            "n_coded_a": a["n_coded"],
            "n_sentences_a": a["n_sentences"],
            "share_a": share_a,
            "group_b": group_b,
            "n_coded_b": b["n_coded"],
            "n_sentences_b": b["n_sentences"],
            "share_b": share_b,
            "share_diff": share_a - share_b,
            "share_diff_lo": np.where(edge, n_lo, lo),
            "share_diff_hi": np.where(edge, n_hi, hi),
            "method": np.where(edge, "Newcombe", "percentile bootstrap"),
            "unit": np.where(edge, "sentences", unit),
        }
    )[DIFF_COLUMNS].round(6)
