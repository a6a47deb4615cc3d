"""Raw reports → the data contract: reports, blocks, sentences and the normalization log."""

import re

import pandas as pd

from .audit import AuditLog
from .chars import HAN
from .errors import EXCLUDED_COLUMNS, InputError
from .manifest import AUTO, Report
from .normalize import convert_script, merge_duplicates, normalize_text
from .overrides import apply_overrides
from .readers import read_blocks
from .readers.common import ROLE_WORDS, Block
from .readers.detect import detect_format, detect_script
from .script import detect_convention
from .segment import content_tokens
from .sentence_keys import sentence_keys
from .sentences import split_sentences

DIAGNOSTIC_COLUMNS = [
    "format", "format_reason", "script", "script_reason", "convention",
    "lines_joined", "n_headings", "n_captions", "sections_reordered", "lines_dropped", "reader_warnings",
]  # fmt: skip
REPORT_COLUMNS = [
    "report_id", "region", "region_zh", "title", "subtitle", "authors", "published", "source",
    "n_chars", "n_paragraphs", "n_sentences", "encoding",
    *DIAGNOSTIC_COLUMNS,
]  # fmt: skip
BLOCK_COLUMNS = ["report_id", "block_id", "section", "kind", "text", "raw_lines"]
SENTENCE_COLUMNS = ["report_id", "sentence_id", "sentence_key", "block_id", "section", "text"]

_DATE = re.compile(r"(\d{4})(?:年|-|/|\.)(\d{1,2})(?:月|-|/|\.)(\d{1,2})日?\s*T?(\d{1,2}:\d{2})?")
_SOURCE = re.compile(r"来源\s*[:：]\s*(\S+)")
_ROLE = re.compile(rf"\S{{0,4}}?(?:{ROLE_WORDS})\s*[:：]?|[文图]\s*[/／]|报道|报导|[/／（()）【】□■]")
# a dateline's place after the names: 记者 王小明 北京报道, 记者王小明／台北报导 (not 记者 张三报道)
_PLACE = re.compile(  # a name (after a space or a role word) — separator — place + 报道
    rf"((?:\s|[者员生])[{HAN}·]{{2,4}})(?:\s+|\s*[/／]\s*)[{HAN}]{{1,6}}?(?:报道|报导)(?=\s*[）)】]?$)"
)
_AUTHOR_IN_META = re.compile(rf"(?:作者|记者)\s*[:：]\s*([{HAN}·]{{2,4}}(?:[、\s]+[{HAN}·]{{2,4}})*)")
# a news agency's or paper's lead: 本报讯（记者 王小明 通讯员 李四）…, 新华社北京5月6日电（记者王小明、张三）…
_ROLE_WORD = re.compile(f"({ROLE_WORDS})")
_LEAD_BYLINE = re.compile(
    rf"^[^。！？，（(]{{0,24}}?[讯电]\s*[（(]([^（）()]*?{_ROLE_WORD.pattern}[^（）()]*)[）)]"
)


def n_chars(text: pd.Series) -> pd.Series:
    """Characters without whitespace: the unit of ``reports.n_chars`` and of every per-character rate
    (whitespace: what ``str.isspace`` says, i.e. what ``\\s`` matches in Python's ``re``)."""
    return pd.Series([len("".join(t.split())) for t in text.tolist()], index=text.index, dtype="int64")


def read_report(report: Report) -> dict[str, pd.DataFrame]:
    """Read, structure and normalize one report into the four contract tables."""
    log = AuditLog()
    fmt, format_reason = _given(report.format) or detect_format(report.path, report.encoding)
    blocks, encoding = read_blocks(report.path, fmt, log, report.encoding)
    script, script_reason = _given(report.script) or detect_script("\n".join(b.text for b in blocks))
    convention = detect_convention("\n".join(b.text for b in blocks)) if script == "traditional" else script
    if script != "simplified":
        for block, text in zip(
            blocks, convert_script([b.text for b in blocks], log, convention), strict=True
        ):
            block.text = text
    for block in blocks:
        block.text = normalize_text(block.text, block.kind, log)
    blocks = apply_overrides(merge_duplicates(blocks, log), report.overrides, log)
    block_df = pd.DataFrame(
        [(report.report_id, i, b.section, b.kind, b.text, b.raw_lines()) for i, b in enumerate(blocks)],
        columns=BLOCK_COLUMNS,
    )
    sentences = [
        (report.report_id, 0, "", i, b.section, s)
        for i, b in enumerate(blocks)
        if b.kind == "body"
        for s in split_sentences(b.text)
    ]
    sent_df = pd.DataFrame(sentences, columns=SENTENCE_COLUMNS)
    sent_df["sentence_id"] = range(len(sent_df))
    sent_df["sentence_key"] = sentence_keys(report.report_id, sent_df.text)
    check_analysable(report, sent_df.text)
    how = {"format": fmt, "format_reason": format_reason, "script": script, "script_reason": script_reason}
    how |= {"convention": "" if script == "simplified" else convention}
    return {
        "reports": pd.DataFrame(
            [_report_row(report, blocks, sent_df) | how | {"encoding": encoding} | diagnostics(blocks, log)]
        )[REPORT_COLUMNS + list(report.extra)],  # the manifest's extra columns last
        "blocks": block_df,
        "sentences": sent_df,
        "normalization_log": log.frame(report.report_id),
    }


def check_analysable(report: Report, sentences: pd.Series) -> None:
    """The one rule for reports too short to analyse: a report with no content word in its body sentences
    (none at all, or only stopwords, numbers and punctuation) raises InputError naming its file, so the build
    leaves it out like a report no reader can read (:func:`read_or_exclude`: one warning line, a row of
    ``excluded``; fatal with ``--strict``). A report with one sentence is kept."""
    if not any(content_tokens(s) for s in sentences):
        raise InputError(
            report.path,
            f"no content words after stopwords in {len(sentences)} body sentence(s) — too short to analyse",
            "give the report's full text, or remove its row from the manifest",
        )


def _report_row(report: Report, blocks: list[Block], sentences: pd.DataFrame) -> dict:
    def texts(kind):
        return [b.text for b in blocks if b.kind == kind]

    meta = " ".join(texts("meta"))
    # body text has lost the spaces between names and role words: put them back
    lead = [_ROLE_WORD.sub(r" \1 ", m.group(1)) for m in map(_LEAD_BYLINE.match, texts("body")[:1]) if m]
    bylines = texts("byline") or [m.group(1) for m in _AUTHOR_IN_META.finditer(meta)] or lead
    bylines = [line.replace("、", " ") for line in bylines]
    date, source = _DATE.search(meta), _SOURCE.search(meta)
    published = report.published
    if date:
        y, m, d, hm = date.groups()
        published = f"{y}-{int(m):02d}-{int(d):02d}" + (f"T{hm.zfill(5)}" if hm else "")
    return {
        "report_id": report.report_id,
        "region": report.region,
        "region_zh": report.region_zh,
        "title": next(iter(texts("title")), ""),
        "subtitle": " | ".join(texts("subtitle")),
        "authors": "|".join(
            dict.fromkeys(
                name for line in bylines for name in _ROLE.sub(" ", _PLACE.sub(r"\1", line)).split()
            )
        ),
        "published": published,
        "source": source.group(1) if source else report.source,
        "n_chars": int(n_chars(pd.Series(texts("body"), dtype=str)).sum()),
        "n_paragraphs": len(texts("body")),
        "n_sentences": len(sentences),
        **report.extra,
    }


def _given(value: str) -> tuple[str, str] | None:
    """A manifest value with its reason, or None when it is left to detection (empty or ``auto``)."""
    return None if value in AUTO else (value, "manifest")


def diagnostics(blocks: list[Block], log: AuditLog) -> dict:
    """What the reader did, so a user sees which report needs a look: raw lines joined into paragraphs,
    headings, captions, sections moved to repair the reading order, lines dropped as page furniture
    (``label`` → ``boilerplate`` in the audit trail, repeats included) and the reader's warnings
    (``; ``-joined)."""

    def logged(step):
        return [(before, n) for (s, before, _), n in log.counts.items() if s == step]

    return {
        "lines_joined": sum(n for _, n in logged("line_join")),
        "n_headings": sum(b.kind == "heading" for b in blocks),
        "n_captions": sum(b.kind == "caption" for b in blocks),
        "sections_reordered": len(logged("reorder")),
        "lines_dropped": sum(
            n for (s, _, after), n in log.counts.items() if (s, after) == ("label", "boilerplate")
        ),
        "reader_warnings": "; ".join(dict.fromkeys(before for before, _ in logged("warning"))),
    }


def read_or_exclude(report: Report, strict: bool = False) -> dict[str, pd.DataFrame]:
    """:func:`read_report`, or for a report that cannot be read only an ``excluded`` table of one row
    (``EXCLUDED_COLUMNS``; ``file`` is the path the error names). Cannot be read: an InputError (a missing,
    empty or undecodable file, an HTML page without main text, a PDF without a usable text layer …) or a
    reader failing on a page it did not foresee (any other exception; ``problem`` names it). With
    ``strict`` the exception is raised instead."""
    try:
        return read_report(report)
    except Exception as err:
        if strict:
            raise
        if isinstance(err, InputError):
            row = [report.report_id, err.path, err.problem, err.fix]
        else:
            problem = f"could not be read ({type(err).__name__}: {err})"
            fix = "name its `format` in the manifest, or see where it fails with --strict --debug"
            row = [report.report_id, str(report.path), problem, fix]
        return {"excluded": pd.DataFrame([row], columns=EXCLUDED_COLUMNS)}
