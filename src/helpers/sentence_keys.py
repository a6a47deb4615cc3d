"""Stable sentence keys: the identity of a sentence that survives re-splitting, reordering and re-normalizing.

A key is ``<report_id>:s<hash>[-<n>]``: ``hash`` is the first 10 hex digits of the SHA-1 of the sentence's
*normalized* text (Unicode NFKC, whitespace, control and format characters removed, so a full-width/half-width
or spacing change keeps the key), and ``-<n>`` (n = 1, 2, …) marks the nth repeat of the same text in the same
report (the first occurrence has no suffix). The ``s`` before the digits keeps every key a string in a
spreadsheet program (a bare ``1e5`` or ``12:30`` would become a number or a time).
"""

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Iterable

HASH_DIGITS = 10


class _Dropped(dict):
    """``str.translate`` table: code point → None (whitespace, control, format) or itself, filled on use."""

    def __missing__(self, code: int) -> int | None:
        c = chr(code)
        self[code] = None if c.isspace() or unicodedata.category(c) in ("Cc", "Cf") else code
        return self[code]


_DROPPED = _Dropped()


def normalized(text: str) -> str:
    """The text a key is computed from: NFKC, without whitespace, control or format (zero-width) chars."""
    return unicodedata.normalize("NFKC", text).translate(_DROPPED)


def sentence_keys(report_id: str, texts: Iterable[str]) -> list[str]:
    """The key of each sentence of one report, in the order given (repeats numbered in that order)."""
    seen: Counter[str] = Counter()
    keys = []
    for text in texts:
        digest = hashlib.sha1(normalized(text).encode("utf-8")).hexdigest()[:HASH_DIGITS]
        n = seen[digest]
        seen[digest] += 1
        keys.append(f"{report_id}:s{digest}" + (f"-{n}" if n else ""))
    return keys
