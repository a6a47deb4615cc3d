"""Quantitative claims: Arabic-numeral numbers with their unit, type and what they count.

Build output (stage :func:`numbers_stage`), ``numbers.csv`` — one row per number, in reading order:

- ``report_id``, ``sentence_id``
- ``value`` — the number (int when whole, else float).
- ``unit`` — the written unit: a classifier with an optional 余/多 ("more than"), ``%``, the duration unit
  (天, 年, 分钟 …); for dates the unit of the first number (年 or 月), ``value`` being that number.
- ``type`` — ``count`` (2481个, 3名), ``percent`` (53%), ``date`` (2022年底, 11月11日至13日, 4月份) or
  ``duration`` (3天, 连续6年, 10分钟).
- ``measure`` — the noun phrase counted, best effort: for ``占<X>的53%`` the X; otherwise the nouns right
  after the unit (3个行动支部 → 行动支部), or, when the unit ends the clause, the nouns right before the
  number (其中两新党组织1295个 → 两新党组织). Nouns = jieba tags n*, j, vn, b (project segmentation).
- ``text`` — the number as written, with its unit.

Not numbers: digits glued to Latin letters (5G, SA335, P91 are names); Chinese numerals (三区, 二十大, 第一家)
are left out — in these texts they name formulas and ordinals, not quantities (see ``practices``).
"""

import re

import pandas as pd

from .segment import pos_tokens

Frames = dict[str, pd.DataFrame]
COLUMNS = ["report_id", "sentence_id", "value", "unit", "type", "measure", "text"]

NUM = r"(?<![A-Za-z0-9.])\d+(?:\.\d+)?"
PATTERNS = [
    (
        "date",
        re.compile(
            r"(?<![A-Za-z0-9.])\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?[底初末]?(?![A-Za-z0-9])"
            rf"|{NUM}月\d{{1,2}}日(?:至\d{{1,2}}日)?|{NUM}月份"
        ),
    ),
    ("percent", re.compile(rf"{NUM}[%％]")),
    ("duration", re.compile(rf"{NUM}(?:个)?(?:天|年|个月|周|分钟|小时)(?![A-Za-z0-9])")),
    ("count", re.compile(rf"{NUM}[余多]?(?:个|名|家|所|项|支|位|人|次|场|批|座|栋|万|亿)")),
]
NOUN_TAGS = ("n", "j", "vn", "b")
STOP = "，。、；：！？的"


def _noun_run(tokens: list[tuple[str, str]]) -> list[str]:
    """Leading run of noun-like tokens (stops at punctuation, 的, or any other tag)."""
    run = []
    for word, flag in tokens:
        if word in STOP or not flag.startswith(NOUN_TAGS):
            break
        run.append(word)
    return run


def _measure(text: str, start: int, end: int, kind: str) -> str:
    if kind == "date":
        return ""
    share = re.search(r"占([^，。；占]{1,15})的$", text[:start])
    if kind == "percent" and share:
        return share[1]
    after = text[end:]
    if kind == "duration":
        after = after.removeprefix("的")
    noun = "".join(_noun_run(pos_tokens(after[:20])))
    if noun or kind != "count":
        return noun
    return "".join(reversed(_noun_run(pos_tokens(text[max(0, start - 15) : start])[::-1])))


def find_numbers(text: str) -> list[dict]:
    """Numbers in one sentence: ``value, unit, type, measure, text`` dicts in order of appearance."""
    found, taken = [], []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append(m.span())
            number = re.match(r"\d+(?:\.\d+)?", m[0])[0]
            value = float(number) if "." in number else int(number)
            unit = m[0][len(number) :] if kind != "date" else m[0][len(number)]
            found.append(
                {
                    "_start": m.start(),
                    "value": value,
                    "unit": unit,
                    "type": kind,
                    "measure": _measure(text, m.start(), m.end(), kind),
                    "text": m[0],
                }
            )
    found.sort(key=lambda f: f["_start"])
    return [{k: v for k, v in f.items() if k != "_start"} for f in found]


def numbers_table(sentences: pd.DataFrame) -> pd.DataFrame:
    """Every number of every sentence (columns in the module docstring)."""
    rows = [
        {"report_id": s.report_id, "sentence_id": s.sentence_id, **n}
        for s in sentences.itertuples()
        for n in find_numbers(s.text)
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def numbers_stage(frames: Frames, options: dict) -> Frames:
    """Build stage: ``numbers.csv`` from ``sentences``."""
    return {"numbers": numbers_table(frames["sentences"])}
