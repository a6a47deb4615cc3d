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
    hits = coded.pivot_table(
        index=["report_id", "sentence_id"], columns="theme", values="n_hits", aggfunc="sum", fill_value=0
    )
    keys = pd.MultiIndex.from_frame(sentences[["report_id", "sentence_id"]])
    hits = hits.reindex(index=keys, columns=theme_ids, fill_value=0).to_numpy()
    frame = pd.DataFrame(
        np.column_stack([hits > 0, np.minimum(hits, cap)]).astype(int),
        columns=[f"{kind}:{t}" for kind in ("coded", "hits") for t in theme_ids],
    )
    frame.insert(0, "report_id", sentences["report_id"].to_numpy())
    frame.insert(1, "block_id", sentences["block_id"].to_numpy())
    frame.insert(2, "n_sentences", 1)
    frame.insert(3, "n_chars", n_chars(sentences["text"]).to_numpy())
    return frame.groupby(["report_id", "block_id"], sort=False).sum().reset_index()


def _units(par: pd.DataFrame, reports: list[str]) -> tuple[pd.DataFrame, str]:
    """The resampling units of a group (its reports, or one report's paragraphs) with summed counts."""
    part = par[par.report_id.isin(reports)]
    if len(reports) >= 2:
        return part.drop(columns="block_id").groupby("report_id", sort=False).sum(), inference.REPORTS
    return part.drop(columns="report_id").set_index("block_id"), inference.PARAGRAPHS


def _group_stats(units: pd.DataFrame, theme_ids: list[str], key: str, n_boot: int, seed: int) -> dict:
    coded = units[[f"coded:{t}" for t in theme_ids]].to_numpy()
    hits = units[[f"hits:{t}" for t in theme_ids]].to_numpy()
    n_sent, chars = units.n_sentences.to_numpy(), units.n_chars.to_numpy()
    return {
        "n_sentences": int(n_sent.sum()),
        "n_chars": int(chars.sum()),
        "n_coded": coded.sum(axis=0),
        "n_hits": hits.sum(axis=0),
        "share_boot": inference.ratio_replicates(coded, n_sent, key, n_boot, seed),
        "hits_boot": 1000 * inference.ratio_replicates(hits, chars, key, n_boot, seed),
    }


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
    parts = []
    for group, members in groups.groupby(groups, sort=False):
        units, unit = _units(par, list(members.index))
        s = _group_stats(units, theme_ids, str(group), n_boot, seed)
        share = s["n_coded"] / max(s["n_sentences"], 1)
        share_lo, share_hi = inference.percentile_interval(s["share_boot"])
        hits_lo, hits_hi = inference.percentile_interval(s["hits_boot"])
        edge = (s["n_coded"] == 0) | (s["n_coded"] == s["n_sentences"])
        w_lo, w_hi = inference.wilson_interval(s["n_coded"], s["n_sentences"])
        parts.append(
            pd.DataFrame(
                {
                    "group": group,
                    "theme": theme_ids,
                    "n_reports": len(members),
                    "n_paragraphs": int(par.report_id.isin(members.index).sum()),
                    "n_sentences": s["n_sentences"],
                    "n_chars": s["n_chars"],
                    "n_coded": s["n_coded"],
                    "share": share,
                    "share_lo": np.where(edge, w_lo, share_lo),
                    "share_hi": np.where(edge, w_hi, share_hi),
                    "n_hits": s["n_hits"],
                    "hits_per_1k": 1000 * s["n_hits"] / max(s["n_chars"], 1),
                    "hits_per_1k_lo": hits_lo,
                    "hits_per_1k_hi": hits_hi,
                    "method": np.where(edge, "Wilson", "percentile bootstrap"),
                    "unit": np.where(edge, "sentences", unit),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=RATE_COLUMNS)
    return pd.concat(parts, ignore_index=True)[RATE_COLUMNS].round(6)


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
    for group in (group_a, group_b):
        members = list(groups.index[groups == group])
        if not members:
            raise KeyError(f"no report in group {group!r}")
        frame, unit = _units(par, members)
        stats.append(_group_stats(frame, theme_ids, str(group), n_boot, seed))
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
