"""Organisations, places and people named in the reports, counted per report.

Build output (stage :func:`entities_stage`), ``entities.csv`` — one row per report × entity with count > 0,
sorted by report (reports.csv order), type, count (descending), entity:

- ``report_id``
- ``entity`` — canonical name (the curated list's ``entity``, else the word as written).
- ``type`` — ``organisation`` / ``place`` / ``person``.
- ``count`` — mentions in the body sentences; each alias counts (杭州老板电器股份有限公司, “老板电器”).
- ``source`` — ``curated`` (``data/dictionaries/entity_list.csv``), ``userdict`` (a ``nt``/``ns``/``nr``
  entry of ``data/dictionaries/userdict.txt``), ``speaker`` (a speaker found by ``voices``) or ``pos``
  (jieba tagged it ``nt``/``ns``, it has 3+ characters and ends like a name: 省, 市, 区, 公司, 大学 …).

Candidates are the curated aliases plus words jieba tags ``nt`` (organisation), ``ns`` (place) or ``nr``
(person) under those source rules; jieba's own ``nr``/``ns`` guesses without a name-like ending are ignored
(in these texts they tag 高水平, 智慧, 深度 as names). Mentions are counted by matching every candidate in the
sentence text, longest first and without overlap, so a city's name inside its park's name (X市 in
X市工业园区) is not counted twice.

The curated list (``entity,type,aliases,note``; aliases ``|``-joined) adds what POS misses (names jieba
splits, aliases such as 吴教授) and blocks generic words with type ``not_entity`` (党组织, 党工委).
"""

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pandas as pd

from .config import DICT_DIR
from .errors import InputError
from .segment import dictionaries, pos_tokens, read_user_dict
from .textio import read_csv

Frames = dict[str, pd.DataFrame]
ENTITY_LIST = DICT_DIR / "entity_list.csv"
COLUMNS = ["report_id", "entity", "type", "count", "source"]
TYPES = {"nt": "organisation", "ns": "place", "nr": "person"}
KINDS = (*TYPES.values(), "not_entity")
NAME_ENDING = re.compile(r"(?:省|市|区|县|镇|乡|村|州|公司|集团|大学|学院|研究院|中心|委员会)$")


@cache
def read_entity_list(path: Path = ENTITY_LIST) -> pd.DataFrame:
    """The curated list, validated: ``entity, type, aliases, note``."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "the curated entity list is missing", "restore it from version control")
    table = read_csv(path, dtype=str, keep_default_na=False)
    if list(table.columns[:3]) != ["entity", "type", "aliases"] or not table.type.isin(KINDS).all():
        raise InputError(path, f"needs columns entity,type,aliases with type in {KINDS}", "fix the file")
    return table


def candidates(
    tagged: Iterable[tuple[str, str]], speakers: Iterable[str] = ()
) -> dict[str, tuple[str, str, str]]:
    """Written form → ``(entity, type, source)`` for every candidate (``not_entity`` ones included), from the
    ``(word, POS)`` tokens of a report's sentences and its speakers."""
    found = {
        a: (r.entity, r.type, "curated")
        for r in read_entity_list().itertuples()
        for a in r.aliases.split("|")
    }
    user = _user_tags(dictionaries()[0])
    for name in speakers:
        found.setdefault(name, (name, "person", "speaker"))
    for word, flag in tagged:
        if flag not in TYPES or len(word) < 2 or word in found:
            continue
        if user.get(word) == flag:
            found[word] = (word, TYPES[flag], "userdict")
        elif flag != "nr" and len(word) >= 3 and NAME_ENDING.search(word):
            found[word] = (word, TYPES[flag], "pos")
    return found


@cache
def _user_tags(path: Path) -> dict[str, str]:
    """Word → POS tag of the user dictionary at ``path``."""
    return {word: tag for word, _, tag in read_user_dict(path)}


def entities_table(
    sentences: pd.DataFrame, speakers: pd.DataFrame | None = None, tokens: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Entity counts per report (columns in the module docstring); ``speakers`` has report_id, speaker;
    ``tokens`` (``tokens.parquet``: report_id, token, pos — the segmentation of these sentences) saves
    segmenting them again."""
    names: dict[str, list] = {}
    if speakers is not None:
        for report, speaker in zip(speakers.report_id.tolist(), speakers.speaker.tolist(), strict=True):
            names.setdefault(report, []).append(speaker)
    if tokens is not None:
        tagged: dict[str, dict] = {}  # report → distinct (word, POS) pairs, in order of appearance
        columns = (tokens[c].tolist() for c in ("report_id", "token", "pos"))
        for report, word, flag in zip(*columns, strict=True):
            if flag in TYPES:
                tagged.setdefault(report, {})[word, flag] = None
    texts: dict[str, list[str]] = {}
    for report, text in zip(sentences.report_id.tolist(), sentences.text.tolist(), strict=True):
        texts.setdefault(report, []).append(text)
    rows = []
    for report, sents in texts.items():
        if tokens is None:
            words = [pair for text in sents for pair in pos_tokens(text)]
        else:
            words = list(tagged.get(report, ()))
        found = candidates(words, [n for n in names.get(report, []) if n])
        pattern = re.compile("|".join(map(re.escape, sorted(found, key=lambda a: (-len(a), a)))))
        counts = Counter(found[m[0]] for text in sents for m in pattern.finditer(text))
        rows += sorted(
            (
                (report, entity, kind, n, source)
                for (entity, kind, source), n in counts.items()
                if kind != "not_entity"
            ),
            key=lambda row: (KINDS.index(row[2]), -row[3], row[1]),
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def entities_stage(frames: Frames, options: dict) -> Frames:
    """Build stage: ``entities.csv`` from ``sentences`` and ``tokens`` (and the speakers of ``quotes`` when
    present)."""
    return {"entities": entities_table(frames["sentences"], frames.get("quotes"), frames["tokens"])}
