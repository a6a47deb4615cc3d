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


def width(line: str) -> int:
    """Display width: wide (CJK) characters count 2, the rest 1."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


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
