"""Text normalization, every change logged in the audit trail under its kind (the log's ``step``).

One small function per kind of mess, composed in this order (:data:`CLEANERS`, run on the whole file before
any reader sees it):

1. ``entity`` — HTML character references, named and numeric (``&nbsp;`` ``&ldquo;`` ``&#8220;``), decoded.
2. ``invisible`` — format characters removed: zero-width space/joiners (U+200B–U+200D), word joiner U+2060,
   a byte-order mark inside the text, soft hyphen, bidirectional marks (Unicode category Cf).
3. ``fullwidth`` — full-width ASCII letters, digits and signs folded to half-width (２０２４→2024, ５Ｇ→5G,
   ％→%), and the full-width full stop between digits (２．５→2.5); the Chinese full-width punctuation the
   project uses (，：；！？（）) stays.
4. ``quotes`` — the corner brackets of Taiwan/Hong Kong texts become the project's quotation marks:
   「」→“” and 『』→‘’, so sentences, quotes, voices and practices read them as they read “” and ‘’.

Then, per report, ``script`` (traditional → simplified, :mod:`helpers.script`; a traditional character
still left is logged as ``script_left``) and, per block, ``ellipsis``, ``punctuation``
(half-width → full-width inside Chinese text) and ``whitespace``.
"""

import difflib
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from .audit import AuditLog
from .chars import CJK
from .script import leftover_traditional, to_simplified

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_FULLWIDTH_KEPT = "，：；！？（）．"  # the project's Chinese punctuation (． only folds between digits)
_FULLWIDTH = re.compile(r"[\uff01-\uff5e]")
_FULLWIDTH_POINT = re.compile(r"(?<=[0-9])．(?=[0-9])")
CORNER_QUOTES = {"「": "“", "」": "”", "『": "‘", "』": "’", "﹁": "“", "﹂": "”", "﹃": "‘", "﹄": "’"}
_CORNER = re.compile("[" + "".join(CORNER_QUOTES) + "]")
HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_HALF = "[" + re.escape("".join(HALF_TO_FULL)) + "]"
_HALF_IN_CJK = re.compile(rf"(?<=[{CJK}])\s*{_HALF}|{_HALF}(?=\s*[{CJK}])")
_ELLIPSIS = re.compile(r"⋯⋯|\.{3,}|。。。")
_SPACE = r"[ \t\u00a0\u3000]"
_CJK_SPACE = re.compile(rf"(?<=[{CJK}]){_SPACE}+|{_SPACE}+(?=[{CJK}])")
_RUNS_OF_SPACE = re.compile(rf"{_SPACE}{{2,}}|[\t\u00a0\u3000]")


def decode_entities(text: str, log: AuditLog) -> str:
    """HTML character references decoded (twice-escaped ``&amp;nbsp;`` too); unknown names stay as written."""
    for _ in range(2):
        text = _sub(_ENTITY, lambda m: re.sub(r"\s", " ", html.unescape(m.group())), text, "entity", log)
    return text


def remove_invisible(text: str, log: AuditLog) -> str:
    """Format characters removed (category Cf: zero-width spaces, joiners, BOM, soft hyphen, bidi marks)."""
    invisible = {c for c in set(text) if unicodedata.category(c) == "Cf"}
    if not invisible:
        return text
    return _sub(
        re.compile("[" + re.escape("".join(sorted(invisible))) + "]"), lambda m: "", text, "invisible", log
    )


def fold_fullwidth(text: str, log: AuditLog) -> str:
    """Full-width ASCII letters, digits, signs → half-width, ． → . between digits; CJK punctuation stays."""
    text = _sub(_FULLWIDTH, lambda m: _fold(m.group()), text, "fullwidth", log)
    return _sub(_FULLWIDTH_POINT, lambda m: ".", text, "fullwidth", log)


def _fold(char: str) -> str:
    return char if char in _FULLWIDTH_KEPT else unicodedata.normalize("NFKC", char)


def standard_quotes(text: str, log: AuditLog) -> str:
    """Corner brackets 「」『』 (and their vertical forms) → the project's quotation marks “” ‘’."""
    return _sub(_CORNER, lambda m: CORNER_QUOTES[m.group()], text, "quotes", log)


CLEANERS = (decode_entities, remove_invisible, fold_fullwidth, standard_quotes)


def clean(text: str, log: AuditLog) -> str:
    """A whole file's text through every cleaner in :data:`CLEANERS`, in order."""
    for cleaner in CLEANERS:
        text = cleaner(text, log)
    return text


def convert_script(texts: list[str], log: AuditLog, convention: str = "traditional") -> list[str]:
    """Convert all texts as one joined document (``convention`` as in :func:`helpers.script.to_simplified`);
    log each distinct character change and each traditional character still left (``script_left``)."""
    joined = "\n".join(texts)
    converted = to_simplified(joined, convention)
    for (before, after), n in sorted(_changes(joined, converted).items()):
        log.add("script", before, after, n)
    for char, n in leftover_traditional(converted).items():
        log.add("script_left", char, char, n)
    return converted.split("\n")


def _changes(a: str, b: str) -> Counter:
    if len(a) == len(b):
        return Counter((x, y) for x, y in zip(a, b, strict=True) if x != y)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return Counter((a[i1:i2], b[j1:j2]) for op, i1, i2, j1, j2 in ops if op != "equal")


def normalize_text(text: str, kind: str, log: AuditLog) -> str:
    """Punctuation and whitespace for one block; body text loses every space touching CJK text."""
    text = _sub(_ELLIPSIS, lambda m: "……", text, "ellipsis", log)
    text = _sub(_HALF_IN_CJK, lambda m: HALF_TO_FULL[m.group().strip()], text, "punctuation", log)
    if kind == "body":
        text = _sub(_CJK_SPACE, lambda m: "", text, "whitespace", log)
    text = _sub(_RUNS_OF_SPACE, lambda m: " ", text, "whitespace", log)
    return text.strip()


def _sub(pattern: re.Pattern, repl, text: str, step: str, log: AuditLog) -> str:
    def logged(m: re.Match) -> str:
        new = repl(m)
        if new != m.group():
            log.add(step, m.group(), new)
        return new

    return pattern.sub(logged, text)


def duplicate_key(kind: str, text: str) -> str:
    """What makes two captions the same photo: the caption before its credit, letters only."""
    if kind == "caption":
        text = re.split(r"。|\s+\S*摄$", text, maxsplit=1)[0]
    return re.sub(r"\W", "", text)


def merge_duplicates(blocks: Iterable, log: AuditLog, kinds=("caption", "boilerplate")) -> list:
    """Fold repeated captions/boilerplate into their first copy (raw lines kept, text logged)."""
    first, kept = {}, []
    for block in blocks:
        key = (block.kind, duplicate_key(block.kind, block.text))
        if block.kind in kinds and key in first:
            first[key].extra_lines += block.lines
            log.add("drop_duplicate", block.text, first[key].text)
            continue
        first.setdefault(key, block)
        kept.append(block)
    return kept
