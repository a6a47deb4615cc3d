"""OCR'd newspaper page: narrow columns broken every ~15–20 characters, in any reading order.

Structure is recovered from the page's shape, never from line numbers or a page's wording:

* **line roles** — lines that are never body text, recognised by their pattern wherever they stand (on a
  simplified view, so a traditional-script page reads alike):
  bylines (``记者 NAME``, ``（记者 NAME 通讯员 NAME）``, ``文/NAME``), editor lines (``责任编辑：…``),
  photo captions (``图为…``, ``▲…``, ``… NAME 摄``), the dated page header (``…年…月…日 星期…``) and a
  copied web page's date/source line (``来源：…``, ``发布时间：…``, a date with a time), kept as ``meta``,
  and page furniture (``第3版``, a bare page number; labelled ``boilerplate``);
* **title block** — a run of display lines (no terminal punctuation, no clause punctuation unless it
  opens with a dash, not a news-agency lead such as ``本报讯``, not a paragraph's first line: as wide
  as the next line, or narrower by an indent, when that line has punctuation): the run at the top of
  the page or, when the page does not start with one (the OCR read a column's end first), the run
  right after the byline (or before it). Its widest line that does not
  open with a dash is the title; the others — a kicker above, a subtitle below — are subtitles;
* **paragraphs** — a line ends a paragraph when it ends a sentence outside an open quotation and is
  either clearly shorter than the paragraph's widest line so far (the column, for its first line), or
  fills it, ends in 。！… and the next line is indented
  (narrower: a sentence ending at a line's end does not end its paragraph; a full-width line ending
  in ？ is one question of a run, as in “…？”“…？”). Text that is not hard-wrapped (lines longer than
  a column, most of them ending a sentence) ends a paragraph at every sentence-final line end. Blank
  lines mark paragraphs, unless they separate (nearly) every line of hard-wrapped text; a caption
  printed inside a paragraph leaves the paragraph open;
* **headings** — a bare line (no clause punctuation) no wider than the column, standing between
  paragraphs, with an internal space (``借鉴先进 筑基提能强本领``), a numbered or bracketed form
  (``一、…``, ``【…】``), or clearly narrower than the line after it;
* **captions** — besides the patterned ones, unterminated bare lines left after the last paragraph
  (after an orphan heading: a heading directly followed by another bare line at the page's end);
  photo captions run together on one line are split at spaces and where an opening word repeats;
* **reading order** — body printed before the title block belongs to the last heading when that
  heading has no body of its own (the column's end was read first): it is moved there.

Warnings (``title not found``, ``last paragraph unterminated``) go to the audit trail as step ``warning``.
"""

import re
import statistics
from collections import Counter
from itertools import pairwise

from ..audit import AuditLog
from ..normalize import to_simplified
from .common import (
    Block,
    format_spans,
    is_bare,
    line_role,
    numbered_lines,
    quote_depth,
    warn,
    width,
)

_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、])")
_BRACKETED = re.compile(r"^(?:【[^】]+】|〖[^〗]+〗|[■◆●□◇]\s*\S.*)$")
_SPACED = re.compile(r"\S\s+\S")
_LONG_END = re.compile(r"(?:[。！!]|……|⋯⋯)[”’」』）)》]*$")
_TERMINAL = re.compile(r"(?:[。！？!?]|……|⋯⋯)[”’」』）)》]*$")
_DASH = re.compile(r"^[—―\-]{1,2}")
_LEAD = re.compile(r"^(?:本报讯|本报.{0,8}电|新华社.{0,10}电|据.{0,6}报道)")
MAX_TITLE = 40  # characters: longer unpunctuated lines are text, not a headline
NARROW = 0.7  # a heading without a number, bracket or space is at most this share of the next line
INDENT = 3  # display width: a paragraph's first line is indented (two characters, often dropped by OCR)
SPACED_LINES = 0.8  # blank lines after this share of lines are line spacing, not paragraph breaks
MAX_COLUMN = 60  # display width (30 CJK characters): a hard-wrapped column is no wider
WRAPPED_ENDS = 0.4  # share of lines ending a sentence below which the text is hard-wrapped


def read(text: str, log: AuditLog, repair_order: bool = True) -> list[Block]:
    """Blocks of an OCR newspaper page in repaired reading order, with sections assigned.

    ``repair_order=False`` keeps the page order (the plain-text reader shares everything else).
    """
    lines = numbered_lines(text)
    if not lines:
        return []
    column = _column(lines)
    roles = {i: role for i, (_, line) in enumerate(lines) if (role := line_role(to_simplified(line)))}
    byline = next((i for i, role in roles.items() if role == "byline"), None)
    title_idx = _title_block(lines, roles, byline, column)
    if not title_idx:
        warn(log, "title not found")
    front_idx = set(title_idx)
    if byline is not None and title_idx and (byline + 1 in front_idx or byline - 1 in front_idx):
        front_idx.add(byline)
    wrapped = is_hard_wrapped(lines)
    blank_breaks = _blank_lines_break(lines, wrapped)

    flow: list[Block] = []  # reading order as printed, front (title block) as markers
    head: list[Block] = []  # a dated page header: shown after the title block
    tail: list[Block] = []  # bylines and editor lines after the text, page furniture
    para: list[tuple[int, str]] = []

    def close():
        nonlocal para
        if para:
            flow.append(_paragraph(para, log))
            para = []

    for i, (n, line) in enumerate(lines):
        if blank_breaks and i and n - lines[i - 1][0] > 1:
            close()
        role = "front" if i in front_idx else roles.get(i)
        if role == "caption":  # a photo inside a paragraph does not end it
            flow.append(Block("caption", line, [n]))
        elif role == "front":
            close()
            flow.append(Block("front", "", [n]))
        elif role:
            close()
            if role == "boilerplate":
                log.add("label", line, role)
            (head if role == "meta" else tail).append(Block(role, line, [n]))
        elif not para and _is_heading(line, column, _next_text(lines, roles, i)):
            flow.append(Block("heading", line, [n]))
        else:
            para.append((n, line))
            measure = max((width(t) for _, t in para[:-1]), default=column - INDENT)  # its full line
            joined = "".join(t for _, t in para)
            if _ends_paragraph(line, joined, measure, _next_text(lines, roles, i), wrapped):
                close()
    if not para and len(flow) > 1 and flow[-1].kind == flow[-2].kind == "heading":
        para = [(flow[-1].lines[0], flow.pop().text)]  # an orphan heading is followed by captions only
    leftover = _leftover(para, log)
    front = _front_blocks(lines, title_idx, byline if byline in front_idx else None) + head
    blocks = (_repair_order(flow, front, log) if repair_order else _in_order(flow, front)) + leftover + tail
    section = 0
    for block in blocks:
        section += block.kind == "heading"
        block.section = section
    return blocks


def _column(lines: list[tuple[int, str]]) -> float:
    """The column's display width: the commonest width of lines that do not end a sentence (full lines;
    the wider on a tie)."""
    full = Counter(width(line) for _, line in lines if not _TERMINAL.search(line))
    full = full or Counter(width(line) for _, line in lines)
    return max(full, key=lambda w: (full[w], w))


def _title_line(line: str, next_line: str | None) -> bool:
    """Could be a line of the title block: a display line, not running text or a news-agency lead, nor
    the (indented) first line of a paragraph that runs on into the next line."""
    if _TERMINAL.search(line) or len(line) > MAX_TITLE or _LEAD.match(line):
        return False
    if _DASH.match(line):
        return True
    runs_on = next_line is not None and not is_bare(next_line)
    return is_bare(line) and not (runs_on and -2 <= width(next_line) - width(line) <= 2 * INDENT)


def _title_block(lines, roles: dict[int, str], byline: int | None, column: float) -> list[int]:
    """Indexes of the title block (see the module docstring), in page order."""

    def run(indexes):
        out = []
        for i in indexes:
            if roles.get(i) in ("meta", "boilerplate") and not out:
                continue  # a page header above the headline
            following = lines[i + 1][1] if i + 1 < len(lines) and i + 1 not in roles else None
            if i in roles or not _title_line(lines[i][1], following):
                break
            out.append(i)
        return out

    top = run(range(len(lines)))
    if byline is None:
        return top
    near = run(range(byline + 1, len(lines))) or sorted(run(range(byline - 1, -1, -1)))
    lone_heading = len(top) == 1 and _is_heading(lines[top[0]][1], column, None)
    return near if near and (not top or lone_heading) else top


def _front_blocks(lines, title_idx: list[int], byline: int | None) -> list[Block]:
    """Title and subtitle(s) (a kicker too) in page order, then the byline."""
    candidates = [i for i in title_idx if not _DASH.match(lines[i][1])] or title_idx
    title = max(candidates, key=lambda i: width(lines[i][1]), default=None)
    front = [Block("title" if i == title else "subtitle", lines[i][1], [lines[i][0]]) for i in title_idx]
    if byline is not None:
        front.append(Block("byline", lines[byline][1], [lines[byline][0]]))
    return front


def _next_text(lines, roles: dict[int, str], i: int) -> str | None:
    """The next line that is not a caption or page furniture."""
    return next((line for j, (_, line) in enumerate(lines[i + 1 :], i + 1) if j not in roles), None)


def _is_heading(line: str, column: float, next_line: str | None) -> bool:
    next_width = width(next_line) if next_line else 0
    if not is_bare(line) or _TERMINAL.search(line) or width(line) > max(column, next_width):
        return False
    shaped = _SPACED.search(line) or _NUMBERED.match(line) or _BRACKETED.match(line)
    return bool(shaped) or width(line) <= NARROW * next_width


def _ends_paragraph(line: str, paragraph: str, measure: float, next_line: str | None, wrapped: bool) -> bool:
    if quote_depth(paragraph) > 0 or not _TERMINAL.search(line):
        return False
    if not wrapped or width(line) <= measure - 4:
        return True
    indented = next_line is None or width(next_line) <= measure - INDENT
    return bool(_LONG_END.search(line)) and indented


def is_hard_wrapped(lines: list[tuple[int, str]]) -> bool:
    """Lines broken at a column, not at paragraph ends: short (median display width at most
    ``MAX_COLUMN``) and most of them ending mid-sentence (fewer than ``WRAPPED_ENDS`` end one)."""
    ends = sum(bool(_TERMINAL.search(line)) for _, line in lines)
    return statistics.median(width(line) for _, line in lines) <= MAX_COLUMN and ends < WRAPPED_ENDS * len(
        lines
    )


def _blank_lines_break(lines: list[tuple[int, str]], wrapped: bool) -> bool:
    """Blank lines are paragraph breaks unless they follow (nearly) every line of hard-wrapped text
    (OCR line spacing)."""
    gaps = [b - a > 1 for (a, _), (b, _) in pairwise(lines)]
    return any(gaps) and (not wrapped or sum(gaps) < SPACED_LINES * len(gaps))


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


def _leftover(para: list[tuple[int, str]], log: AuditLog) -> list[Block]:
    """Lines after the last paragraph: run-together captions, or an unterminated last paragraph."""
    if not para:
        return []
    if len(para) == 1 and is_bare(para[0][1]):
        return _split_captions(*para[0], log)
    warn(log, "last paragraph unterminated", f"raw lines {format_spans([n for n, _ in para])}")
    return [_paragraph(para, log)]


def _split_captions(n: int, line: str, log: AuditLog) -> list[Block]:
    """Split a line of run-together photo captions at spaces and at a repeated opening word."""
    parts = []
    for chunk in line.split():
        lead = re.escape(chunk[:2])
        parts += [p for p in re.split(f"(?={lead})", chunk) if p] if len(chunk) > 4 else [chunk]
    if len(parts) > 1:
        log.add("caption_split", line, " | ".join(parts), len(parts))
    return [Block("caption", p, [n]) for p in parts]


def _in_order(flow: list[Block], front: list[Block]) -> list[Block]:
    """Page order, the front blocks where the title block stood."""
    i = next((i for i, b in enumerate(flow) if b.kind == "front"), 0)
    return flow[:i] + front + [b for b in flow[i:] if b.kind != "front"]


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
