"""Text normalization, every change logged: script (OpenCC), punctuation, ellipses, whitespace.

Script conversion uses OpenCC's ``tw2s`` config on the whole report at once (never line by line):
unlike plain ``t2s`` it converts 承擔著→承担着 and 著力→着力 while keeping 顯著→显著.
"""

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

from .audit import AuditLog
from .chars import CJK

OPENCC_CONFIG = "tw2s"
HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_HALF = "[" + re.escape("".join(HALF_TO_FULL)) + "]"
_HALF_IN_CJK = re.compile(rf"(?<=[{CJK}])\s*{_HALF}|{_HALF}(?=\s*[{CJK}])")
_ELLIPSIS = re.compile(r"⋯⋯|\.{3,}|。。。")
_SPACE = r"[ \t\u00a0\u3000]"
_CJK_SPACE = re.compile(rf"(?<=[{CJK}]){_SPACE}+|{_SPACE}+(?=[{CJK}])")
_RUNS_OF_SPACE = re.compile(rf"{_SPACE}{{2,}}|[\t\u00a0\u3000]")


@cache
def _converter():
    import opencc

    return opencc.OpenCC(OPENCC_CONFIG)


def to_simplified(text: str) -> str:
    """Traditional → simplified with OpenCC ``tw2s`` (phrase-aware)."""
    return _converter().convert(text)


def convert_script(texts: list[str], log: AuditLog) -> list[str]:
    """Convert all texts as one joined document and log each distinct character change."""
    joined = "\n".join(texts)
    converted = to_simplified(joined)
    for (before, after), n in sorted(_changes(joined, converted).items()):
        log.add("script", before, after, n)
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
