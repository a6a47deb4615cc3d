"""Tables of notebook 01: what normalization produced and changed."""

import pandas as pd

from .corpus import DIAGNOSTIC_COLUMNS, n_chars
from .manifest import read_manifest
from .textio import read_text


def corpus_table(reports: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """One row per report (manifest order): ``report_id``, ``group`` (``groups``: report_id → group), the
    ``title`` and ``authors`` parsed from the page, the size columns and the reader diagnostics of
    ``reports.csv`` (format and script with the reason for each, what the reader repaired)."""
    columns = ["report_id", "title", "authors", "n_chars", "n_paragraphs", "n_sentences", *DIAGNOSTIC_COLUMNS]
    table = reports[columns].copy()
    table.insert(1, "group", table.report_id.map(groups))
    return table


def section_structure(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per report and section: its heading, paragraphs, sentences and characters; columns
    ``report_id``, ``section``, ``heading``, ``n_paragraphs``, ``n_chars``, ``n_sentences``."""
    blocks, sentences = tables["blocks"], tables["sentences"]
    body = blocks[blocks.kind == "body"].assign(n_chars=lambda d: n_chars(d.text))
    headings = blocks[blocks.kind == "heading"].set_index(["report_id", "section"]).text
    out = (
        body.groupby(["report_id", "section"], sort=False)
        .agg(n_paragraphs=("block_id", "size"), n_chars=("n_chars", "sum"))
        .join(sentences.groupby(["report_id", "section"]).size().rename("n_sentences"))
        .reset_index()
    )
    out.insert(
        2,
        "heading",
        [headings.get((r, s), "(lead)") for r, s in zip(out.report_id, out.section, strict=True)],
    )
    return out


def raw_vs_normalized(tables: dict[str, pd.DataFrame], report_id: str, manifest, n: int = 3) -> pd.DataFrame:
    """First ``n`` body paragraphs of a report: raw lines as printed (``⏎`` marks breaks) vs normalized;
    the raw text is read from the report's file listed in ``manifest`` (the one the tables were built from,
    ``build_info()["manifest"]["path"]``)."""
    report = next(r for r in read_manifest(manifest) if r.report_id == report_id)
    raw = read_text(report.path, report.encoding).split("\n")
    blocks = tables["blocks"]
    body = blocks[(blocks.report_id == report_id) & (blocks.kind == "body")].head(n)
    rows = []
    for block in body.itertuples():
        numbers = [int(x) for span in block.raw_lines.split(",") for x in _span(span)]
        printed = " ⏎ ".join(raw[i - 1].strip() for i in numbers if raw[i - 1].strip())
        rows.append(
            {
                "block_id": block.block_id,
                "raw_lines": block.raw_lines,
                "raw": printed,
                "normalized": block.text,
            }
        )
    return pd.DataFrame(rows)


def _span(span: str) -> range:
    first, _, last = span.partition("-")
    return range(int(first), int(last or first) + 1)


def log_summary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Changes per report (rows, manifest order) and normalization step (columns, first-seen order): the
    total count of changes of that step (0 where the step changed nothing)."""
    log = tables["normalization_log"]
    table = log.pivot_table(index="report_id", columns="step", values="count", aggfunc="sum", fill_value=0)
    return table.reindex(
        index=tables["reports"].report_id, columns=list(dict.fromkeys(log.step)), fill_value=0
    )


# The kinds of character-level repair, in pipeline order (helpers.normalize).
TEXT_KINDS = [
    "entity", "invisible", "fullwidth", "quotes", "script", "script_left",
    "ellipsis", "punctuation", "whitespace",
]  # fmt: skip


def changes_by_kind(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per report (reports.csv order), one column per kind of text repair (``TEXT_KINDS``): how many
    characters or marks normalization changed (``script_left``: traditional characters still left); then
    ``total``. Shows at a glance which texts were messy."""
    log = tables["normalization_log"]
    counts = log[log.step.isin(TEXT_KINDS)].pivot_table(
        index="report_id", columns="step", values="count", aggfunc="sum", fill_value=0
    )
    reports = tables["reports"].report_id
    out = counts.reindex(index=reports, columns=TEXT_KINDS, fill_value=0).fillna(0).astype(int)
    out["total"] = out.sum(axis=1)
    out.columns.name = None
    return out
