"""Word segmentation: jieba's algorithm with the project user dictionary, POS tags and stopwords.

One segmentation serves every notebook: jieba's default cut (dictionary DAG + HMM for unknown words) with
``data/dictionaries/userdict.txt`` loaded into a private tokenizer (the global one is untouched). Two engines
run that algorithm on the same dictionary (jieba's ``dict.txt``), user dictionary and stopwords, chosen with
:func:`use` (``python -m helpers build --segmenter``; recorded in ``build.json``):

- ``rjieba`` (default): jieba-rs, the Rust port, through the ``rjieba`` binding (~30× faster; the user
  dictionary is added entry by entry with ``add_word(word, freq, tag)``, its only loader);
- ``jieba``: pure-Python jieba, the reference.

They give the same tokens on Chinese text (tested): a text holding a character jieba-rs treats otherwise
than the project's jieba (one written inside a user-dictionary entry such as ``红色·驿站``, or an ideograph
outside U+4E00–U+9FD5, see below) is cut by pure jieba under either engine. Documented difference: jieba-rs
keeps a run of ASCII letters/digits joined by hyphens whole (``2024-11-11``, ``ABC-123``) where jieba splits
at each hyphen.
POS tags come from the same dictionary posseg uses (jieba's ``dict.txt`` plus the user dictionary's tags);
words the dictionary does not know are tagged by posseg's HMM tagger. ``tokens.parquet`` and ``pos_tokens``
therefore agree token for token. The decisions are documented in ``data/dictionaries/README.md``.

jieba cuts text into blocks with a module-level "Han" pattern (U+4E00–U+9FD5 plus a few ASCII signs) before it
consults any dictionary, so characters outside it could never be part of a word. The project tokenizer widens
that pattern (:func:`_widen_han`) to every CJK ideograph block — Extension A, the compatibility ideographs and
Extensions B–H (rare characters of personal and company names) — and to the punctuation written inside a user
dictionary entry (红色·驿站), so such entries match.
"""

from __future__ import annotations

import logging
import re
import tempfile
import unicodedata
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import stopwordsiso

from .chars import HAN
from .config import DOMAIN_STOPWORDS, USER_DICT
from .errors import InputError
from .textio import read_text

if TYPE_CHECKING:  # the engines load on first use (~100 MB): a notebook that reads tokens never loads them
    import jieba.posseg
    import rjieba

ENGINES = ("rjieba", "jieba")
DEFAULT_ENGINE = "rjieba"
RUST_HMM_HAN = "\u4e00-\u9fd5"  # ideographs jieba-rs's HMM joins into unknown words (jieba's own range)
ENTRY = re.compile(r"(?P<word>\S+) (?P<freq>\d+) (?P<tag>[a-z]+)")
# Arabic and Chinese numerals (with decimal point / percent): a token made only of these is a number.
NUMERAL_CHARS = frozenset("0123456789０１２３４５６７８９.%％零〇一二三四五六七八九十百千万亿")


def _entries(path: Path) -> list[tuple[int, str]]:
    """Non-blank lines of a dictionary file without ``#`` comment lines, with 1-based line numbers."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "dictionary file is missing", "restore it from version control")
    lines = read_text(path).splitlines()
    return [(n, s) for n, line in enumerate(lines, 1) if (s := line.strip()) and not s.startswith("#")]


_dictionaries = {"user_dict": USER_DICT, "stopwords": DOMAIN_STOPWORDS}  # in use: see use_dictionaries


def use_dictionaries(user_dict: Path = USER_DICT, domain_stopwords: Path = DOMAIN_STOPWORDS) -> None:
    """Segment with these files from now on, in this process (a corpus folder's own, see
    :mod:`helpers.inputs`; the defaults are the project's): ``tokenize`` and ``pos_tokens`` use them."""
    chosen = {"user_dict": Path(user_dict), "stopwords": Path(domain_stopwords)}
    if chosen != _dictionaries:  # the per-word cache stays warm while the files stay the same
        _dictionaries.update(chosen)
        _token.cache_clear()


def dictionaries() -> tuple[Path, Path]:
    """The user dictionary and domain stopword list in use."""
    return _dictionaries["user_dict"], _dictionaries["stopwords"]


def read_user_dict(path: Path = USER_DICT) -> list[tuple[str, int, str]]:
    """``(word, freq, pos)`` entries of a user dictionary in jieba's ``word freq pos`` format."""
    entries = []
    for n, line in _entries(path):
        m = ENTRY.fullmatch(line)
        if not m:
            raise InputError(
                path, f"line {n} is not `word freq pos`: {line!r}", "write e.g. `数字党建 2000 nz`"
            )
        entries.append((m["word"], int(m["freq"]), m["tag"]))
    return entries


@cache
def tokenizer(user_dict: Path = USER_DICT) -> jieba.Tokenizer:
    """The configured private jieba Tokenizer: default dictionary + the project user dictionary.

    jieba's log messages are silenced and its prefix-dictionary cache goes to the system temp dir
    (never the repository or the current directory).
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    entries = read_user_dict(user_dict)
    _widen_han("".join(word for word, _, _ in entries))
    tok = jieba.Tokenizer()
    tok.tmp_dir = tempfile.gettempdir()
    tok.initialize()
    for word, freq, tag in entries:
        tok.add_word(word, freq, tag)
    return tok


def _inside_words(words: str) -> str:
    """The characters written inside ``words`` that jieba's block pattern would cut at (e.g. ``·``)."""
    return "".join(sorted({c for c in words if not re.match(rf"[{HAN}a-zA-Z0-9+#&._%-]", c)}))


def _widen_han(words: str) -> None:
    """Make jieba's block patterns (cut, HMM, POS tagger) take every CJK ideograph plus the other
    characters written inside user-dictionary ``words`` (jieba reads these module globals at each cut)."""
    import jieba.posseg

    han = HAN + re.escape(_inside_words(words))
    jieba.re_han_default = re.compile(rf"([{han}a-zA-Z0-9+#&\._%\-]+)")
    jieba.posseg.re_han_internal = re.compile(rf"([{han}a-zA-Z0-9+#&\._]+)")
    jieba.posseg.re_han_detail = jieba.finalseg.re_han = re.compile(rf"([{HAN}]+)")


@cache
def rust_tokenizer(user_dict: Path = USER_DICT) -> rjieba.Jieba:
    """jieba-rs with its bundled copy of jieba's ``dict.txt`` plus the project user dictionary."""
    import rjieba

    tok = rjieba.Jieba()
    for word, freq, tag in read_user_dict(user_dict):
        tok.add_word(word, freq, tag)
    return tok


_engine = DEFAULT_ENGINE


def use(engine: str) -> None:
    """Segment with ``engine`` (one of ``ENGINES``) from now on, in this process."""
    global _engine
    if engine not in ENGINES:
        raise ValueError(f"unknown segmenter {engine!r}; choose one of {', '.join(ENGINES)}")
    _engine = engine


def engine() -> str:
    """The segmenter in use (``use`` sets it)."""
    return _engine


@cache
def _reference_only(user_dict: Path = USER_DICT) -> re.Pattern:
    """Characters jieba-rs treats otherwise than the project's widened jieba (:func:`_widen_han`): those
    written inside user-dictionary entries (jieba-rs cuts blocks at them, so ``红色·驿站`` could never
    match) and CJK ideographs outside U+4E00–U+9FD5 (jieba-rs's HMM finds unknown words only there)."""
    inside = re.escape(_inside_words("".join(word for word, _, _ in read_user_dict(user_dict))))
    return re.compile(rf"(?![{RUST_HMM_HAN}])[{HAN}]" + (f"|[{inside}]" if inside else ""))


def cut(text: str) -> list[str]:
    """The words of ``text`` (whitespace included) by the engine in use, with the user dictionary in use.

    With ``rjieba``, a text holding a character of :func:`_reference_only` (rare: a dotted entry, a name in
    an Extension block) is cut by pure jieba, so both engines give the same tokens."""
    user_dict = dictionaries()[0]
    if _engine == "rjieba" and not _reference_only(user_dict).search(text):
        return rust_tokenizer(user_dict).cut(text)
    return tokenizer(user_dict).lcut(text)


@cache
def pos_tokenizer(user_dict: Path = USER_DICT) -> jieba.posseg.POSTokenizer:
    """A posseg tokenizer over ``tokenizer()`` whose tag table includes the user dictionary's tags."""
    import jieba.posseg

    pos = jieba.posseg.POSTokenizer(tokenizer(user_dict))
    pos.word_tag_tab.update({word: tag for word, _, tag in read_user_dict(user_dict)})
    return pos


def _is_punct(token: str) -> bool:
    """Only punctuation, symbols or spaces (Unicode categories P*, S*, Z* and whitespace)."""
    return all(unicodedata.category(c)[0] in "PSZ" or c.isspace() for c in token)


def _is_number(token: str) -> bool:
    """Only Arabic or Chinese numerals (with a decimal point or percent sign)."""
    return all(c in NUMERAL_CHARS for c in token)


@cache
def stopwords(domain: Path = DOMAIN_STOPWORDS) -> frozenset[str]:
    """The stopwords-iso Chinese list plus the commented domain list (one word per line)."""
    return frozenset(stopwordsiso.stopwords("zh")) | {line for _, line in _entries(domain)}


@cache
def _token(word: str) -> tuple[str, str, bool] | None:
    """``(word, pos, is_stopword)`` of one token, None for whitespace (cached: few distinct words)."""
    if word.isspace():
        return None
    punct, number = _is_punct(word), _is_number(word)
    user_dict, domain = dictionaries()
    tag = pos_tokenizer(user_dict).word_tag_tab.get(word)
    if tag is None:
        if punct or number:
            tag = "x" if punct else "m"
        else:
            pairs = pos_tokenizer(user_dict).lcut(word)
            tag = pairs[0].flag if len(pairs) == 1 else "un"
    return word, tag, punct or number or word in stopwords(domain)


def tokenize(text: str) -> list[tuple[str, str, bool]]:
    """``(token, pos, is_stopword)`` triples of ``text`` (whitespace dropped); ``is_stopword`` = not content.

    Non-content = in a stopword list, or only punctuation/symbols, or only a number (Arabic or Chinese
    numerals). Single characters are *not* dropped by length: 党, 企 and 强 are content words.
    """
    return [t for t in map(_token, cut(text)) if t]


def pos_tokens(text: str) -> list[tuple[str, str]]:
    """``(word, flag)`` pairs of ``text``: the project segmentation with jieba POS tags, no whitespace."""
    return [(w, tag) for w, tag, _ in tokenize(text)]


def content_tokens(text: str) -> list[str]:
    """The content tokens of ``text`` (what frequency and keyness count)."""
    return [w for w, _, stop in tokenize(text) if not stop]


def tokens_table(sentences: pd.DataFrame) -> pd.DataFrame:
    """``report_id, sentence_id, token_id, token, pos, is_stopword`` — token_id counts 0.. per report."""
    rows = [
        (report, sentence, token, pos, stop)
        for report, sentence, text in sentences[["report_id", "sentence_id", "text"]].itertuples(index=False)
        for token, pos, stop in tokenize(text)
    ]
    df = pd.DataFrame(rows, columns=["report_id", "sentence_id", "token", "pos", "is_stopword"])
    df.insert(2, "token_id", df.groupby("report_id", sort=False).cumcount())
    return df


def tokens_stage(frames: dict[str, pd.DataFrame], options: dict) -> dict[str, pd.DataFrame]:
    """Build stage: ``tokens.parquet`` from ``sentences``, with the dictionaries in ``options["inputs"]``."""
    if "inputs" in options:
        use_dictionaries(options["inputs"]["userdict"], options["inputs"]["stopwords"])
    return {"tokens": tokens_table(frames["sentences"])}
