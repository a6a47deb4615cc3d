"""Theme coding of sentences and the region comparison with bootstrap uncertainty (see ``validation``).

Build outputs (stage :func:`themes_stage`):

``sentence_themes.csv`` — one row per (sentence, theme) hit: ``report_id``, ``sentence_id``, ``sentence_key``
(stable across re-builds, see :mod:`helpers.sentence_keys`), ``theme``,
``matched_terms`` (the distinct matched strings, ``|``-joined, in order of appearance) and ``n_hits``
(number of non-vetoed matches in the sentence; overlapping matches of several patterns count once).

``theme_summary.csv`` — one row per report × theme (reports in reports.csv order, themes in codebook order):
``report_id``, ``region``, ``theme``, ``n_sentences``, ``n_chars`` (body characters, whitespace excluded),
``n_coded`` (sentences coded), ``share`` = n_coded / n_sentences with ``share_lo``, ``share_hi`` (bootstrap)
and ``share_exact_lo``, ``share_exact_hi`` (Clopper–Pearson exact binomial interval, which unlike the
bootstrap does not collapse to [0, 0] when no sentence is coded: 0 of 29 still allows up to ~12%); ``n_hits``,
``hits_per_1k`` = 1000 · Σ hits / Σ characters with ``hits_per_1k_lo``, ``hits_per_1k_hi``; ``reference_id``
(the first report) and ``share_diff`` = reference − this report (for Zhejiang first: Zhejiang − Jiangsu),
``share_diff_lo``, ``share_diff_hi``, ``hits_per_1k_diff`` (same sign), ``hits_per_1k_diff_lo``,
``hits_per_1k_diff_hi`` — empty on the reference's own rows. For N reports every report is compared with the
first.

Intervals are 95% percentile bootstrap intervals (Efron & Tibshirani 1993, ch. 13): sentences of a report are
resampled with replacement (``N_BOOT`` replicates, the same resample for every theme of that report, seeded
from ``config.SEED`` and the report id so adding a report does not change the others); the statistic of
replicate b is computed on the resample, and the interval is its 2.5th and 97.5th percentile. Differences
resample the two reports independently and take percentiles of the replicate differences. Floats are
rounded to 6 decimals.
"""

import zlib
from html import escape

import numpy as np
import pandas as pd
from scipy import stats

from .codebook import Theme, load_codebook
from .config import SEED
from .corpus import n_chars

N_BOOT = 10_000
MAX_DRAWS = 4_000_000  # resample indices drawn at once (32 MB)
CONFIDENCE = 0.95
Frames = dict[str, pd.DataFrame]
CODED_COLUMNS = ["report_id", "sentence_id", "sentence_key", "theme", "matched_terms", "n_hits"]


def code_sentences(sentences: pd.DataFrame, themes: list[Theme]) -> pd.DataFrame:
    """One row per (sentence, theme) hit, in sentence then codebook order."""
    rows = []
    for s in sentences.itertuples():
        for theme in themes:
            spans = theme.spans(s.text)
            if spans:
                terms = "|".join(theme.matched_terms(s.text))
                rows.append((s.report_id, s.sentence_id, s.sentence_key, theme.id, terms, len(spans)))
    return pd.DataFrame(rows, columns=CODED_COLUMNS)


def themes_stage(frames: Frames, options: dict) -> Frames:
    """Build stage: code every sentence with the codebook at ``options["codebook"]`` and summarise."""
    themes = load_codebook(options["codebook"])
    coded = code_sentences(frames["sentences"], themes)
    summary = summarize(frames["reports"], frames["sentences"], coded, [t.id for t in themes])
    return {"sentence_themes": coded, "theme_summary": summary}


def hit_matrix(sentences: pd.DataFrame, coded: pd.DataFrame, theme_ids: list[str]) -> pd.DataFrame:
    """Sentences × themes: number of hits (0 if not coded), indexed like ``sentences``."""
    counts = coded.pivot_table(
        index=["report_id", "sentence_id"], columns="theme", values="n_hits", aggfunc="sum", fill_value=0
    )
    keys = pd.MultiIndex.from_frame(sentences[["report_id", "sentence_id"]])
    return counts.reindex(index=keys, columns=theme_ids, fill_value=0).astype(int).set_axis(sentences.index)


def bootstrap_counts(n: int, key: str, n_boot: int = N_BOOT, seed: int = SEED):
    """The ``n_boot`` × ``n`` resample counts (row b: how often replicate b drew each of the ``n`` items in
    ``n`` draws with replacement), reproducible from ``seed`` and ``key`` (e.g. the report id).

    Yielded in blocks of rows of at most ``MAX_DRAWS`` draws, so memory stays bounded for long reports; the
    random stream is the same as drawing all ``n_boot`` × ``n`` indices at once.
    """
    rng = np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))])
    step = max(1, MAX_DRAWS // max(n, 1))
    for start in range(0, n_boot, step):
        rows = min(step, n_boot - start)
        idx = rng.integers(0, n, size=(rows, n)) + n * np.arange(rows)[:, None]
        yield np.bincount(idx.ravel(), minlength=rows * n).reshape(rows, n)


def percentile_interval(replicates: np.ndarray, confidence: float = CONFIDENCE) -> np.ndarray:
    """The percentile bootstrap interval (α/2 and 1 − α/2 quantiles of the replicates, along axis 0)."""
    alpha = (1 - confidence) / 2
    return np.quantile(replicates, [alpha, 1 - alpha], axis=0)


def exact_interval(k, n, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Clopper–Pearson exact binomial interval for ``k`` successes in ``n`` (vectorised): the α/2 quantile
    of Beta(k, n − k + 1) and the 1 − α/2 quantile of Beta(k + 1, n − k), 0 when k = 0 and 1 when k = n
    (what ``scipy.stats.binomtest(k, n).proportion_ci(method="exact")`` finds by root search)."""
    k, n = np.asarray(k), np.asarray(n)
    alpha = (1 - confidence) / 2
    with np.errstate(invalid="ignore"):
        lo = np.where(k == 0, 0.0, stats.beta.ppf(alpha, k, n - k + 1))
        hi = np.where(k == n, 1.0, stats.beta.ppf(1 - alpha, k + 1, n - k))
    return lo, hi


def _replicates(hits: np.ndarray, chars: np.ndarray, key: str, n_boot: int, seed: int) -> dict:
    """Bootstrap replicates (``n_boot`` × themes) of the share of sentences coded and of hits per 1,000
    characters, from sentences × themes ``hits`` and per-sentence ``chars``."""
    n, t = hits.shape
    values = np.column_stack([hits > 0, hits, chars]).astype(float)
    sums = np.vstack([w @ values for w in bootstrap_counts(n, key, n_boot, seed)])
    return {"share": sums[:, :t] / n, "hits_per_1k": 1000 * sums[:, t : 2 * t] / sums[:, [2 * t]]}


def summarize(
    reports: pd.DataFrame,
    sentences: pd.DataFrame,
    coded: pd.DataFrame,
    theme_ids: list[str],
    n_boot: int = N_BOOT,
    seed: int = SEED,
) -> pd.DataFrame:
    """The ``theme_summary`` table (columns in the module docstring)."""
    hits = hit_matrix(sentences, coded, theme_ids).to_numpy()
    chars = n_chars(sentences.text).to_numpy()
    rows_of = sentences.groupby("report_id", sort=False).indices
    reference = reports.report_id.iloc[0]
    parts = []
    for report in reports.itertuples():
        rows = rows_of.get(report.report_id, np.array([], dtype=int))
        h, c = hits[rows], chars[rows]
        part = pd.DataFrame(
            {
                "report_id": report.report_id,
                "region": report.region,
                "theme": theme_ids,
                "n_sentences": len(h),
                "n_chars": int(c.sum()),
                "n_coded": (h > 0).sum(axis=0),
                "n_hits": h.sum(axis=0),
            }
        )
        part["share"] = part.n_coded / part.n_sentences
        part["hits_per_1k"] = 1000 * part.n_hits / part.n_chars
        boot = _replicates(h, c, report.report_id, n_boot, seed)
        if report.report_id == reference:
            ref_part, ref_boot = part, boot
        for stat in boot:
            part[f"{stat}_lo"], part[f"{stat}_hi"] = percentile_interval(boot[stat])
            if report.report_id != reference:
                part[f"{stat}_diff"] = ref_part[stat].to_numpy() - part[stat].to_numpy()
                lo_hi = percentile_interval(ref_boot[stat] - boot[stat])
                part[f"{stat}_diff_lo"], part[f"{stat}_diff_hi"] = lo_hi
        part["share_exact_lo"], part["share_exact_hi"] = exact_interval(part.n_coded, part.n_sentences)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["reference_id"] = reference
    order = ["report_id", "region", "theme", "n_sentences", "n_chars", "n_coded", "share", "share_lo"]
    order += [
        "share_hi",
        "share_exact_lo",
        "share_exact_hi",
        "n_hits",
        "hits_per_1k",
        "hits_per_1k_lo",
        "hits_per_1k_hi",
        "reference_id",
    ]
    order += [f"{s}_diff{x}" for s in ("share", "hits_per_1k") for x in ("", "_lo", "_hi")]
    return out.reindex(columns=order).round(6)


def positions(sentences: pd.DataFrame) -> pd.DataFrame:
    """Where each sentence starts and ends, as shares (0–1) of its report's body characters."""
    chars = n_chars(sentences.text)
    end = chars.groupby(sentences.report_id).cumsum()
    total = chars.groupby(sentences.report_id).transform("sum")
    return sentences[["report_id", "sentence_id", "block_id", "section"]].assign(
        position=(end - chars) / total, end=end / total
    )


def rollup(sentences: pd.DataFrame, coded: pd.DataFrame, theme_ids: list[str], level: str) -> pd.DataFrame:
    """Share of sentences coded per theme, by ``level`` (``block_id`` = paragraph, or ``section``)."""
    coded_any = hit_matrix(sentences, coded, theme_ids) > 0
    keys = [sentences.report_id, sentences[level]]
    out = coded_any.groupby(keys, sort=False).mean()
    return out.assign(n_sentences=sentences.groupby(keys, sort=False).size()).reset_index()


def cooccurrence(
    sentences: pd.DataFrame, coded: pd.DataFrame, theme_ids: list[str]
) -> dict[str, pd.DataFrame]:
    """Per report, themes × themes: sentences coded with both (diagonal: with the theme at all)."""
    x = (hit_matrix(sentences, coded, theme_ids) > 0).astype(int)
    return {report: (part.T @ part) for report, part in x.groupby(sentences.report_id, sort=False)}


def coded_matrix(sentences: pd.DataFrame, coded: pd.DataFrame, theme_ids: list[str]) -> pd.DataFrame:
    """Sentences (``report_id``, ``sentence_id``, ``sentence_key``, ``text``) with one 0/1 column per
    theme, as the rules coded them."""
    x = (hit_matrix(sentences, coded, theme_ids) > 0).astype(int)
    return pd.concat([sentences[["report_id", "sentence_id", "sentence_key", "text"]], x], axis=1)


def highlight(text: str, theme: Theme) -> str:
    """HTML of ``text`` with the theme's non-vetoed matches wrapped in ``<mark>``."""
    out, last = [], 0
    for start, end in theme.spans(text):
        out += [escape(text[last:start]), f"<mark>{escape(text[start:end])}</mark>"]
        last = end
    return "".join(out) + escape(text[last:])


def representative(sentences: pd.DataFrame, coded: pd.DataFrame, theme: str, top_n: int = 3) -> pd.DataFrame:
    """Per report, the ``top_n`` sentences with the most distinct matched terms (then hits, then order)."""
    hits = coded[coded.theme == theme].assign(n_terms=lambda d: d.matched_terms.str.count(r"\|") + 1)
    hits = hits.merge(sentences[["report_id", "sentence_id", "text"]])
    order = {r: i for i, r in enumerate(dict.fromkeys(sentences.report_id))}
    hits = hits.assign(report_order=hits.report_id.map(order)).sort_values(
        ["report_order", "n_terms", "n_hits", "sentence_id"], ascending=[True, False, False, True]
    )
    return hits.groupby("report_id", sort=False).head(top_n).drop(columns="report_order")


def evidence_html(
    reports: pd.DataFrame, sentences: pd.DataFrame, coded: pd.DataFrame, theme: Theme, top_n: int = 3
) -> str:
    """An HTML table: one column per report, its most representative sentences with matches marked."""
    best = representative(sentences, coded, theme.id, top_n)
    cells = []
    for report in reports.itertuples():
        part = best[best.report_id == report.report_id]
        items = "".join(
            f"<li><small>[{r.sentence_id}]</small> {highlight(r.text, theme)}</li>" for r in part.itertuples()
        )
        body = f"<ol>{items}</ol>" if items else "<i>no sentence coded</i>"
        cells.append(f'<td style="vertical-align:top;text-align:left">{body}</td>')
    head = "".join(f"<th>{escape(r.region)} ({escape(r.report_id)})</th>" for r in reports.itertuples())
    title = f"<b>{escape(theme.label_en)} · {escape(theme.label_zh)}</b> — {escape(theme.definition)}"
    return f"<p>{title}</p><table><tr>{head}</tr><tr>{''.join(cells)}</tr></table>"
