"""Named practices and slogans: quoted short terms, numbered formulas and 党建+ combinations.

Build output (stage :func:`practices_stage`), ``practices.csv`` — one row per mention, in reading order:

- ``report_id``, ``sentence_id``
- ``practice`` — the name as written (without quotation marks), e.g. 双亮, 三抓三重, 党建+信用.
- ``pattern`` — ``党建+`` (党建+X, quoted or not), ``numbered formula`` (a quoted term that starts with
  a numeral — 两个覆盖, 10分钟党群超市圈 — or an unquoted 三尚工作法 / 七化一体 / 一支部一项目),
  else ``quoted``.
- ``context`` — up to ``CONTEXT`` characters either side of the mention.

A quoted term is any “…” or ‘…’ span of 2–``MAX_TERM`` characters that does not end a sentence (。！？…):
longer or punctuated quotes are speech (see ``voices``). Left out: aliases (以下简称“永卓控股”) and the
figures of speech, labels and places listed with a reason in ``data/dictionaries/not_practices.csv``.
Unquoted numbered formulas: ``<numeral>X工作法`` (三尚工作法), ``<numeral>X<numeral>Y`` four-character
pairs (七化一体, 三抓三重) and repeated-numeral pairs (一支部一项目, but not the refrain 一路走一路看 whose
halves start alike); unquoted 党建+X takes two characters.
"""

import re
from functools import cache
from pathlib import Path

import pandas as pd

from .chars import HAN as CHAR_HAN
from .config import DICT_DIR
from .errors import InputError
from .textio import read_csv

Frames = dict[str, pd.DataFrame]
COLUMNS = ["report_id", "sentence_id", "practice", "pattern", "context"]
NOT_PRACTICES = DICT_DIR / "not_practices.csv"
MAX_TERM = 20
CONTEXT = 20

NUMERAL = "一二两三四五六七八九十"
TERM = re.compile(rf"“([^“”]{{2,{MAX_TERM}}})”|‘([^‘’]{{2,{MAX_TERM}}})’")
PLUS = re.compile(rf"党建\s*[+＋]\s*[{CHAR_HAN}]{{2}}")
HAN = rf"[^\W\d{NUMERAL}]"  # a character that is not a numeral (CJK in practice)
NUMBERED = re.compile(
    rf"(?<![{NUMERAL}])(?:[{NUMERAL}]{HAN}{{1,3}}?工作法"
    rf"|[{NUMERAL}]{HAN}[{NUMERAL}]{HAN}"
    rf"|([{NUMERAL}])({HAN}{{1,2}})\1({HAN}{{1,2}}))"
)
SENTENCE_END = tuple("。！？…!?")


@cache
def not_practices(path: Path = NOT_PRACTICES) -> frozenset[str]:
    """Quoted terms that are not practices (``term,reason`` CSV, reasons required)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "the list of quoted terms that are not practices is missing", "restore it")
    table = read_csv(path, dtype=str, keep_default_na=False)
    if list(table.columns) != ["term", "reason"] or (table.reason == "").any():
        raise InputError(path, "needs columns term,reason with a reason on every row", "fix the file")
    return frozenset(table.term)


def _pattern(term: str) -> str:
    if PLUS.search(term):
        return "党建+"
    return "numbered formula" if term[0] in NUMERAL or term[0].isdigit() else "quoted"


def find_practices(text: str, exclude: frozenset[str]) -> list[dict]:
    """Practices named in one sentence: ``practice, pattern, start`` dicts in order of appearance."""
    found, spans = [], []
    for m in TERM.finditer(text):
        term = m[1] or m[2]
        spans.append(m.span())
        alias = text[: m.start()].endswith("简称")
        if term.endswith(SENTENCE_END) or alias or term in exclude:
            continue
        found.append({"practice": term, "pattern": _pattern(term), "start": m.start()})
    for regex, pattern in ((PLUS, "党建+"), (NUMBERED, "numbered formula")):
        for m in regex.finditer(text):
            repeated = regex is NUMBERED and m[2] and m[2][0] == m[3][0]  # 一路走一路看: a refrain
            if not repeated and not any(s <= m.start() < e for s, e in spans):
                found.append({"practice": m[0], "pattern": pattern, "start": m.start()})
                spans.append(m.span())
    return sorted(found, key=lambda f: f["start"])


def practices_table(sentences: pd.DataFrame, exclude: frozenset[str] | None = None) -> pd.DataFrame:
    """Every practice mention of every sentence (columns in the module docstring)."""
    exclude = not_practices() if exclude is None else exclude
    rows = []
    for s in sentences.itertuples():
        for p in find_practices(s.text, exclude):
            start, end = p["start"], p["start"] + len(p["practice"]) + 2
            context = s.text[max(0, start - CONTEXT) : end + CONTEXT]
            rows.append((s.report_id, s.sentence_id, p["practice"], p["pattern"], context))
    return pd.DataFrame(rows, columns=COLUMNS)


def practices_stage(frames: Frames, options: dict) -> Frames:
    """Build stage: ``practices.csv`` from ``sentences``."""
    return {"practices": practices_table(frames["sentences"])}
