"""OCR'd newspaper page: narrow columns broken every ~17 characters, lines separated by blank lines.

Structure is recovered from the page's shape, not from line numbers:

* **paragraphs** — a line ends a paragraph when it ends a sentence outside an open quotation and is
  either clearly shorter than the column, or fills it and ends in 。！… (a full-width line ending in ？
  is one question of a run, as in “…？”“…？”);
* **byline** — ``…记者 NAME`` / ``通讯员 NAME``; the **title block** is the run of bare lines (no clause
  punctuation) right after it (or before it, or at the top of a page without a byline): the longest
  line is the title, the others subtitles;
* **headings** — a bare line with an internal space (``借鉴先进 筑基提能强本领``) or a numbered form
  (``一、…``) no wider than the column, standing between paragraphs;
* **captions** — unterminated lines left after the last paragraph; photos captions run together on one
  line are split at spaces and where a caption's opening word repeats (参观…参观…);
* **reading order** — body paragraphs printed before the title block belong to the last heading when
  that heading has no body of its own (the OCR read the column's end first): they are moved there.
"""

import re
import statistics

from ..audit import AuditLog
from .common import Block, format_spans, is_bare, numbered_lines, quote_depth, width

_BYLINE = re.compile(r"^(?:\S{0,4}记者|通讯员|实习生|撰文)\s*[:：]?\s*\S{2,4}(?:\s+\S{2,4})*$")
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、])")
_SPACED = re.compile(r"\S\s+\S")
_LONG_END = re.compile(r"(?:[。！!]|……|⋯⋯)[”’」』）)》]*$")
_TERMINAL = re.compile(r"(?:[。！？!?]|……|⋯⋯)[”’」』）)》]*$")


def read(text: str, log: AuditLog) -> list[Block]:
    """Blocks of an OCR newspaper page in repaired reading order, with sections assigned."""
    lines = numbered_lines(text)
    column = statistics.median(width(line) for _, line in lines)
    byline = next((i for i, (_, line) in enumerate(lines) if _BYLINE.match(line)), None)
    title_idx = _title_block(lines, byline, column)
    skip = set(title_idx) | ({byline} if byline is not None else set())

    flow: list[Block] = []  # raw order, title block excluded
    para: list[tuple[int, str]] = []
    for i, (n, line) in enumerate(lines):
        if i in skip:
            if para:  # a title or byline interrupts nothing but closes an open paragraph
                flow.append(_paragraph(para, log))
                para = []
            flow.append(Block("front", "", [n]))
            continue
        if not para and _is_heading(line, column):
            flow.append(Block("heading", line, [n]))
            continue
        para.append((n, line))
        if _ends_paragraph(line, "".join(t for _, t in para), column):
            flow.append(_paragraph(para, log))
            para = []
    captions = [c for n, line in para for c in _split_captions(n, line, log)]

    front = _front_blocks(lines, title_idx, byline)
    blocks = _repair_order(flow, front, log) + captions
    section = 0
    for block in blocks:
        section += block.kind == "heading"
        block.section = section
    return blocks


def _title_block(lines: list[tuple[int, str]], byline: int | None, column: float) -> list[int]:
    def run(indexes):
        out = []
        for i in indexes:
            line = lines[i][1]
            if not (is_bare(line) and width(line) <= column):
                break
            out.append(i)
        return out

    if byline is None:
        return run(range(len(lines)))
    return run(range(byline + 1, len(lines))) or sorted(run(range(byline - 1, -1, -1)))


def _front_blocks(lines, title_idx: list[int], byline: int | None) -> list[Block]:
    """Title and subtitle(s) in page order, then the byline."""
    title = max(title_idx, key=lambda i: len(lines[i][1]), default=None)
    front = [Block("title" if i == title else "subtitle", lines[i][1], [lines[i][0]]) for i in title_idx]
    if byline is not None:
        front.append(Block("byline", lines[byline][1], [lines[byline][0]]))
    return front


def _is_heading(line: str, column: float) -> bool:
    return is_bare(line) and width(line) <= column and bool(_SPACED.search(line) or _NUMBERED.match(line))


def _ends_paragraph(line: str, paragraph: str, column: float) -> bool:
    if quote_depth(paragraph) > 0 or not _TERMINAL.search(line):
        return False
    return width(line) <= column - 4 or bool(_LONG_END.search(line))


def _paragraph(para: list[tuple[int, str]], log: AuditLog) -> Block:
    numbers = list(range(para[0][0], para[-1][0] + 1))  # the span, blank separator lines included
    text = "".join(line for _, line in para)  # a printed line break is never a space in Chinese typesetting
    if len(para) > 1:
        log.add(
            "line_join",
            f"raw lines {format_spans(numbers)}",
            f"1 paragraph from {len(para)} lines",
            len(para),
        )
    return Block("body", text, numbers)


def _split_captions(n: int, line: str, log: AuditLog) -> list[Block]:
    """Split a line of run-together photo captions at spaces and at a repeated opening word."""
    parts = []
    for chunk in line.split():
        lead = re.escape(chunk[:2])
        parts += [p for p in re.split(f"(?={lead})", chunk) if p] if len(chunk) > 4 else [chunk]
    if len(parts) > 1:
        log.add("caption_split", line, " | ".join(parts), len(parts))
    return [Block("caption", p, [n]) for p in parts]


def _repair_order(flow: list[Block], front: list[Block], log: AuditLog) -> list[Block]:
    """Put the front (title, subtitle, byline) first; move body printed before it under an orphan heading."""
    first_front = next((i for i, b in enumerate(flow) if b.kind == "front"), 0)
    before, after = flow[:first_front], [b for b in flow[first_front:] if b.kind != "front"]
    headings = [i for i, b in enumerate(after) if b.kind == "heading"]
    orphan = bool(before) and bool(headings) and headings[-1] == len(after) - 1
    if not orphan:
        return front + before + after
    lines = sorted(n for b in before for n in b.lines)
    log.add(
        "reorder",
        f"raw lines {lines[0]}-{lines[-1]} ({len(before)} paragraphs printed before the title)",
        f"after the final heading {after[-1].text!r} (raw line {after[-1].lines[0]})",
        len(before),
    )
    return front + after + before
