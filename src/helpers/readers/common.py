"""What every reader shares: the Block record, character classes and line measures."""

import re
import unicodedata
from dataclasses import dataclass, field

from ..chars import CLOSERS, HAN

KINDS = ("title", "subtitle", "meta", "heading", "body", "byline", "caption", "editor", "boilerplate")

_TERMINAL = re.compile(r"(?:[。！？!?]|……|⋯⋯)[" + re.escape(CLOSERS) + r"]*$")
_CLAUSE_PUNCT = re.compile(r"[，,。；;！!？?]")
_NAMES = re.compile(rf"^[{HAN}·]{{2,4}}(?:\s+[{HAN}·]{{2,4}})*$")


@dataclass
class Block:
    """A unit of the page: its kind, its (not yet normalized) text and the raw lines it came from."""

    kind: str
    text: str
    lines: list[int]
    section: int = 0
    extra_lines: list[int] = field(default_factory=list)  # duplicates merged into this block

    def raw_lines(self) -> str:
        """Compact line span, e.g. ``1-19`` or ``16,18``."""
        return format_spans(sorted(self.lines + self.extra_lines))


def format_spans(numbers: list[int]) -> str:
    spans, start = [], None
    for i, n in enumerate(numbers):
        start = n if start is None else start
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            spans.append(str(n) if start == n else f"{start}-{n}")
            start = None
    return ",".join(spans)


def numbered_lines(text: str) -> list[tuple[int, str]]:
    """Non-empty lines with their 1-based raw line numbers, stripped."""
    return [(n, line.strip()) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]


class _CharWidths(dict):
    """Character → display width, looked up once per distinct character."""

    def __missing__(self, char: str) -> int:
        self[char] = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        return self[char]


_WIDTHS = _CharWidths()


def width(line: str) -> int:
    """Display width: wide (CJK) characters count 2, the rest 1."""
    return sum(map(_WIDTHS.__getitem__, line))


def ends_sentence(line: str) -> bool:
    """True if the line ends in 。！？ or an ellipsis, optionally followed by closing quotes/brackets."""
    return bool(_TERMINAL.search(line))


def is_bare(line: str) -> bool:
    """No clause punctuation: the shape of titles, headings, bylines and captions."""
    return not _CLAUSE_PUNCT.search(line)


def is_name_list(line: str) -> bool:
    """One or more 2-4 character personal names separated by spaces (an author line)."""
    return bool(_NAMES.match(line))


def quote_depth(text: str) -> int:
    """Open double quotes minus closed ones."""
    return text.count("“") - text.count("”")


_NAME = rf"[{HAN}·]{{2,4}}"
ROLE_WORDS = "记者|通讯员|实习生|撰文|作者"  # a byline's role words, after an optional 本报, 特约 …
_ROLE_WORD = rf"(?:\S{{0,4}}?(?:{ROLE_WORDS})|文\s*[/／]|文图\s*[/／]|图\s*[/／])"
_DATELINE = rf"(?:\s*[/／]\s*[{HAN}]{{1,6}}?|\s+[{HAN}]{{2,6}}?)?(?:报道|报导)"  # ／台北报导, 北京报道
_BYLINE = re.compile(
    rf"^[（(【□■]?\s*(?:{_ROLE_WORD}\s*[:：]?\s*{_NAME}(?:[\s、，,]+{_NAME})*\s*)+(?:{_DATELINE})?\s*[）)】]?$"
)
_EDITOR = re.compile(
    r"^[（(]?\s*(?:责任编辑|责编|本版编辑|编辑|美编|校对|审核|审校|终审|签发|版式设计)\s*[:：]\s*[^。，；]+$"
)
_CAPTION = re.compile(
    rf"^(?:图为|图[:：]|[▲△►]|[上下左右]图[:：为]?)|(?:\s{_NAME}\s*摄|[（(][^（）()]{{1,20}}摄[）)]|供图)$"
)
_PAGE_HEADER = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日\s*星期[一二三四五六日天]")
# a web page's publication line: 发布时间：…, or a date with a time (2024-05-06 14:30, 2024/5/6 9:05 …)
PUBLISHED = (
    r"^(?:发布|发表|更新)?(?:时间|日期)\s*[:：]"
    r"|^\d{4}(?:年|-|/|\.)\d{1,2}(?:月|-|/|\.)\d{1,2}日?\s*\d{1,2}:\d{2}"
)
_DATE_SOURCE = re.compile(rf"(?:^|\s)来源\s*[:：]|{PUBLISHED}")  # a web page's date/source line, copied
_PAGE_FURNITURE = re.compile(r"^(?:第\s*\d{1,3}\s*版|[A-Z]\d{1,2}\s*版?)(?:\s|$)|^[-—–\s]*\d{1,3}[-—–\s]*$")
MAX_ROLE_LINE = 40  # characters: longer lines are text whatever they start with
MAX_CAPTION = 120


def is_editor(line: str) -> bool:
    """An editor line: ``责任编辑：…``, ``编辑：…``, ``审核：…``, ``签发：…`` and the like."""
    return len(line) <= MAX_ROLE_LINE and bool(_EDITOR.match(line))


def line_role(line: str) -> str | None:
    """The kind of a line that is never body text, from its pattern alone: ``byline``, ``editor``,
    ``caption``, ``meta`` (a dated page header, a date/source line) or ``boilerplate`` (page number, page
    label); else None."""
    if _CAPTION.search(line) and len(line) <= MAX_CAPTION:
        return "caption"
    if len(line) > MAX_ROLE_LINE:
        return None
    if _BYLINE.match(line):
        return "byline"
    if _EDITOR.match(line):
        return "editor"
    if _PAGE_HEADER.match(line) or _DATE_SOURCE.search(line):
        return "meta"
    if _PAGE_FURNITURE.match(line):
        return "boilerplate"
    return None


def warn(log, message: str, where: str = "") -> None:
    """Record a reader warning in the audit trail (step ``warning``); reports.csv lists them."""
    log.add("warning", message, where)
