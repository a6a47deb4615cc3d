"""``format`` and ``script`` when the manifest leaves them empty or ``auto``: each detected value comes
with the reason, recorded in ``reports.csv``.

Format, from the file's extension and content, first match wins:

1. ``pdf`` — the PDF magic bytes ``%PDF-`` (or the extension ``.pdf``);
2. ``html`` — the extension ``.html``/``.htm``, or HTML tags (``<html``, ``<!DOCTYPE html``, ``<body``)
   near the start;
3. ``web_page`` — text copied from a news page: at least ``MIN_WEB_SIGNALS`` kinds of page furniture
   (breadcrumb, share bar, date/source line, editor line, QR-code prompt, related links);
4. ``ocr_newspaper`` — an OCR'd column: at least ``MIN_OCR_LINES`` lines, hard-wrapped (short, most
   ending mid-sentence) and at least ``SIMILAR_SHARE`` of them within 25% of the median display width;
5. ``plain_text`` otherwise.

Script: ``traditional`` when OpenCC's ``t2s`` (traditional → simplified, with its phrase dictionary)
changes at least ``TRADITIONAL_SHARE`` of the Han characters, else ``simplified`` (in a simplified text
it changes next to none — 乾 outside 乾隆/乾坤 — in a traditional one a quarter or more).
"""

import re
import statistics
from functools import cache
from pathlib import Path

from ..chars import HAN
from ..textio import read_text
from . import web_page
from .common import numbered_lines, width
from .ocr_newspaper import is_hard_wrapped

_HTML_TAGS = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
_HAN = re.compile(f"[{HAN}]")
HEAD_BYTES = 4096  # PDF magic bytes and HTML tags are looked for at the start of the file
MIN_WEB_SIGNALS = 2
MIN_OCR_LINES = 8
SIMILAR_SHARE = 0.5
TRADITIONAL_SHARE = 0.05


def detect_format(path: Path, encoding: str = "") -> tuple[str, str]:
    """(format, reason) of the report file at ``path`` (a text file decoded as
    :func:`helpers.textio.read_text` does, in ``encoding`` if given); raises InputError if unreadable."""
    path = Path(path)
    with path.open("rb") as file:
        head = file.read(HEAD_BYTES)
    suffix = path.suffix.lower()
    if head.lstrip().startswith(b"%PDF-"):
        return "pdf", "PDF magic bytes %PDF-"
    if suffix == ".pdf":
        return "pdf", "extension .pdf"
    if suffix in (".html", ".htm"):
        return "html", f"extension {suffix}"
    if tag := _HTML_TAGS.search(head):
        return "html", f"HTML tag {tag.group().decode('ascii', 'replace').strip()}"
    lines = numbered_lines(read_text(path, encoding))
    signals = web_page.signature([line for _, line in lines])
    if len(signals) >= MIN_WEB_SIGNALS:
        return "web_page", f"copied news page: {', '.join(signals)}"
    if len(lines) >= MIN_OCR_LINES and is_hard_wrapped(lines):
        widths = [width(line) for _, line in lines]
        median = statistics.median(widths)
        similar = sum(abs(w - median) <= median / 4 for w in widths)
        if similar >= SIMILAR_SHARE * len(widths):
            return (
                "ocr_newspaper",
                f"OCR column: {similar} of {len(widths)} lines within 25% of width {median:g}",
            )
    return "plain_text", "no PDF, HTML, news-page or OCR-column signature"


def detect_script(text: str) -> tuple[str, str]:
    """(script, reason): the share of Han characters that OpenCC ``t2s`` changes, converting the whole
    text (phrase-aware: 乾隆 and 乾坤 keep their 乾) and comparing character by character (one character
    at a time in the rare case the conversion changes the text's length)."""
    converted = _converter().convert(text)
    if len(converted) != len(text):
        converted = "".join(_converter().convert(c) for c in text)
    pairs = [(a, b) for a, b in zip(text, converted, strict=True) if _HAN.match(a)]
    changed = sum(a != b for a, b in pairs)
    share = changed / len(pairs) if pairs else 0.0
    script = "traditional" if pairs and share >= TRADITIONAL_SHARE else "simplified"
    return script, f"OpenCC t2s changes {share:.1%} of {len(pairs)} Han characters"


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")
