"""Theme coding of sentences, per-report and per-group theme rates (validation: ``helpers.validation``).

Build outputs (per-report stage :func:`coding_stage`: ``sentence_themes`` and ``theme_summary``; cross-report
stage :func:`theme_summary_stage`: ``theme_rates``):

``sentence_themes.parquet`` — one row per (sentence, theme) hit: ``report_id``, ``sentence_id``,
``sentence_key`` (stable across re-builds, see :mod:`helpers.sentence_keys`), ``theme``,
``matched_terms`` (the distinct matched strings, ``|``-joined, in order of appearance) and ``n_hits``
(number of non-vetoed matches in the sentence; overlapping matches of several patterns count once).

``theme_summary.csv`` — one row per report × theme (reports in reports.csv order, themes in codebook order):
``report_id``, ``region`` and the columns of :data:`helpers.theme_rates.RATE_COLUMNS` (without ``group`` and
``n_reports``), each report its own group, so its intervals resample its paragraphs.

``theme_rates.csv`` — the same per group of the build's grouping column (``region``), one report per cluster
of near-duplicates: one row per group × theme, columns :data:`helpers.theme_rates.RATE_COLUMNS`; a group of
several reports resamples reports.
Notebooks recompute both for any ``group_by`` with :mod:`helpers.theme_rates`.
"""

from html import escape

import pandas as pd

from . import inference, theme_rates
from .codebook import Theme, load_codebook
from .config import SEED
from .corpus import n_chars
from .groups import report_groups
from .near_duplicates import representatives

Frames = dict[str, pd.DataFrame]
CODED_COLUMNS = ["report_id", "sentence_id", "sentence_key", "theme", "matched_terms", "n_hits"]
SUMMARY_COLUMNS = ["report_id", "region", *theme_rates.RATE_COLUMNS[1:2], *theme_rates.RATE_COLUMNS[3:]]


def code_sentences(sentences: pd.DataFrame, themes: list[Theme]) -> pd.DataFrame:
    """One row per (sentence, theme) hit, in sentence then codebook order."""
    rows = []
    columns = ["report_id", "sentence_id", "sentence_key", "text"]
    values = [sentences[c].tolist() for c in columns]
    per_theme = [theme.spans_in(values[-1]) for theme in themes]
    for i, (report_id, sentence_id, key, text) in enumerate(zip(*values, strict=True)):
        for theme, found in zip(themes, per_theme, strict=True):
            spans = found[i]
            if spans:
                terms = "|".join(theme.matched_terms(text, spans))
                rows.append((report_id, sentence_id, key, theme.id, terms, len(spans)))
    return pd.DataFrame(rows, columns=CODED_COLUMNS)


def coding_stage(frames: Frames, options: dict) -> Frames:
    """Per-report build stage: ``sentence_themes.parquet``, the sentences coded with ``options["themes"]``
    (the loaded codebook), and the report's rows of ``theme_summary.csv`` (they depend on this report
    alone)."""
    coded = code_sentences(frames["sentences"], options["themes"])
    theme_ids = [t.id for t in options["themes"]]
    summary = summarize(frames["reports"], frames["sentences"], coded, theme_ids)
    return {"sentence_themes": coded, "theme_summary": summary}


def theme_summary_stage(frames: Frames, options: dict) -> Frames:
    """Cross-report build stage: ``theme_rates.csv`` from every report's ``sentence_themes`` (themes of the
    codebook at ``options["codebook"]``)."""
    theme_ids = [t.id for t in load_codebook(options["codebook"])]
    coded = frames["sentence_themes"]
    reports = representatives(frames["reports"], frames.get("near_duplicates"))
    groups = report_groups(reports, options.get("group_by", "region"))
    par = theme_rates.paragraph_counts(frames["sentences"], coded, theme_ids)
    rates = theme_rates.group_rates(par, groups, theme_ids)
    return {"theme_rates": rates}


def hit_matrix(sentences: pd.DataFrame, coded: pd.DataFrame, theme_ids: list[str]) -> pd.DataFrame:
    """Sentences × themes: number of hits (0 if not coded), indexed like ``sentences``."""
    counts = coded.pivot_table(
        index=["report_id", "sentence_id"], columns="theme", values="n_hits", aggfunc="sum", fill_value=0
    )
    keys = pd.MultiIndex.from_frame(sentences[["report_id", "sentence_id"]])
    return counts.reindex(index=keys, columns=theme_ids, fill_value=0).astype(int).set_axis(sentences.index)


def summarize(
    reports: pd.DataFrame,
    sentences: pd.DataFrame,
    coded: pd.DataFrame,
    theme_ids: list[str],
    n_boot: int = inference.N_BOOT,
    seed: int = SEED,
) -> pd.DataFrame:
    """The ``theme_summary`` table: one row per report × theme, each report its own group (paragraphs
    resampled); columns ``SUMMARY_COLUMNS``: ``report_id``, ``region`` and
    :data:`theme_rates.RATE_COLUMNS` without ``group`` and ``n_reports``."""
    report_ids, _, counts = theme_rates.paragraph_sums(sentences, coded, theme_ids)
    ids = reports.report_id.to_numpy()
    rates = theme_rates.rate_columns(counts, report_ids, pd.Series(ids, index=ids), theme_ids, n_boot, seed)
    if not rates:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    region = dict(zip(reports.report_id.tolist(), reports.region.tolist(), strict=True))
    rates |= {"report_id": rates["group"], "region": [region[r] for r in rates["group"].tolist()]}
    return pd.DataFrame({c: rates[c] for c in SUMMARY_COLUMNS})


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
    sentences: pd.DataFrame, coded: pd.DataFrame, theme_ids: list[str], groups: pd.Series | None = None
) -> dict[str, pd.DataFrame]:
    """Per group, themes × themes: sentences coded with both (diagonal: with the theme at all), pooled over
    the group's reports. ``groups`` maps report_id → group (default: each report its own group); groups in
    its order."""
    groups = (
        pd.Series(pd.unique(sentences.report_id), index=pd.unique(sentences.report_id))
        if groups is None
        else groups
    )
    x = (hit_matrix(sentences, coded, theme_ids) > 0).astype(int)
    by = sentences.report_id.map(groups).to_numpy()
    return {g: x[by == g].T @ x[by == g] for g in dict.fromkeys(groups)}


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


def representative(
    sentences: pd.DataFrame, coded: pd.DataFrame, theme: str, groups: pd.Series, top_n: int = 3
) -> pd.DataFrame:
    """Per group (``groups``: report_id → group, in its order), the ``top_n`` sentences with the most
    distinct matched terms (then hits, then corpus order); a ``group`` column is added."""
    hits = coded[coded.theme == theme].assign(n_terms=lambda d: d.matched_terms.str.count(r"\|") + 1)
    hits = hits.merge(sentences[["report_id", "sentence_id", "text"]]).assign(
        group=lambda d: d.report_id.map(groups)
    )
    group_order = {g: i for i, g in enumerate(dict.fromkeys(groups))}
    report_order = {r: i for i, r in enumerate(dict.fromkeys(sentences.report_id))}
    hits = hits.assign(_g=hits.group.map(group_order), _r=hits.report_id.map(report_order)).sort_values(
        ["_g", "n_terms", "n_hits", "_r", "sentence_id"], ascending=[True, False, False, True, True]
    )
    return hits.groupby("group", sort=False).head(top_n).drop(columns=["_g", "_r"])


def evidence_html(
    groups: pd.Series, sentences: pd.DataFrame, coded: pd.DataFrame, theme: Theme, top_n: int = 3
) -> str:
    """An HTML table: one row per group (``groups``: report_id → group), its most representative sentences
    with matches marked, each with its ``report_id`` and ``sentence_id``."""
    best = representative(sentences, coded, theme.id, groups, top_n)
    rows = []
    for group in dict.fromkeys(groups):
        part = best[best.group == group]
        items = "".join(
            f"<li><small>[{escape(r.report_id)} {r.sentence_id}]</small> {highlight(r.text, theme)}</li>"
            for r in part.itertuples()
        )
        body = f"<ol>{items}</ol>" if items else "<i>no sentence coded</i>"
        rows.append(
            f'<tr><th style="vertical-align:top">{escape(str(group))}</th>'
            f'<td style="text-align:left">{body}</td></tr>'
        )
    title = f"<b>{escape(theme.label_en)} · {escape(theme.label_zh)}</b> — {escape(theme.definition)}"
    return f"<p>{title}</p><table>{''.join(rows)}</table>"
