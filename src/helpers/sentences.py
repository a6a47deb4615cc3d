"""Sentence splitting for Chinese prose."""

import re

from .chars import CLOSERS

# A sentence ends at 。！？ or …… (runs allowed: ……。), with any closing quotes/brackets after it.
_END = re.compile(r"(?:[。！？!?]|……)+[" + re.escape(CLOSERS) + r"]*")
_CONTENT = re.compile(r"\w")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph; a piece with no letters (e.g. a stray ……) joins the sentence before it."""
    pieces, start = [], 0
    for m in _END.finditer(text):
        pieces.append(text[start : m.end()])
        start = m.end()
    pieces.append(text[start:])
    sentences: list[str] = []
    for piece in (p.strip() for p in pieces):
        if not piece:
            continue
        if sentences and not _CONTENT.search(piece):
            sentences[-1] += piece
        else:
            sentences.append(piece)
    return sentences
