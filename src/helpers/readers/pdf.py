"""A PDF with a text layer, read with pypdfium2 (PDFium, the PDF engine of Chromium).

Why pypdfium2: it is maintained, ships PDFium as binary wheels for Linux, macOS and Windows (nothing to
compile), is fast, gives each text line with its position on the page (which is how headers and footers
are recognised), and reads the CJK fonts PDFs embed — in a test PDF whose Noto Sans CJK font is embedded
as CFF, pdfplumber's engine (pdfminer.six) returned no characters at all while PDFium read every one;
pypdf is pure Python but slower and gives no line positions without a custom visitor.

* **lines** — each page's text segments, merged into lines by baseline, top to bottom; a vertical gap
  of more than 1.5 line spacings becomes a blank line (a paragraph break);
* **headers, footers, page numbers** — a line in the top or bottom tenth of a page is set aside as
  a ``boilerplate`` block (logged as ``label``) when it is a page number (``3``, ``- 3 -``, ``第3页``,
  ``3/12``) or recurs, digits aside, on another page;
* the lines then go through the plain-text reader (hard-wrapped lines joined by the OCR evidence);
* a PDF with no text (a scan), or whose text is mostly control or private-use characters or
  ``(cid:NN)`` codes (fonts without a Unicode map), is an :class:`InputError` saying OCR is needed
  first; a password-protected PDF is one too.
"""

import re
import statistics
import unicodedata
from collections import Counter
from itertools import pairwise
from pathlib import Path

from ..audit import AuditLog
from ..errors import InputError
from . import plain_text
from .common import Block

_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*(?:第\s*)?\d{1,4}\s*(?:页|/\s*\d{1,4})?[-—–\s]*$|^(?:page\s*)?\d+(?:\s*of\s*\d+)?$", re.I
)
_CID = re.compile(r"\(cid:\d+\)")
MARGIN = 0.1  # top and bottom share of the page where headers and footers stand
PARAGRAPH_GAP = 1.5  # line spacings
MAX_GARBAGE = 0.3  # share of unreadable characters above which the text layer is unusable
OCR_FIRST = "run OCR on it first (e.g. `ocrmypdf in.pdf out.pdf`) and use the result"


def read_file(path: Path, log: AuditLog) -> list[Block]:
    """Blocks of the PDF's text in page order (see the module docstring)."""
    pages = _pages(path)
    text = "\n".join(t for _, _, t in (line for page in pages for line in page) if t)
    if not text.strip():
        raise InputError(path, "PDF has no text layer (a scanned image?)", OCR_FIRST)
    if _unusable(text):
        raise InputError(path, "PDF text layer is unusable (glyph codes without a Unicode map)", OCR_FIRST)
    lines, dropped = [], []
    for page in _drop_furniture(pages, dropped):
        lines += _with_paragraph_gaps(page)
    blocks = plain_text.read("\n".join(lines), log)
    for text in dropped:
        log.add("label", text, "boilerplate")
    return blocks + [Block("boilerplate", text, []) for text in dropped]


def _pages(path: Path) -> list[list[tuple[float, float, str]]]:
    """Per page: (top share, bottom share, text) of each line, top to bottom (shares of page height)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise InputError(
                path, "PDF is password-protected", "save an unprotected copy (print to PDF) and use that"
            ) from None
        raise InputError(path, f"not a readable PDF ({err})", "re-download or re-export the PDF") from None
    pages = []
    try:
        for page in document:
            height, textpage = page.get_height(), page.get_textpage()
            segments = []
            for i in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(i)
                segments.append((bottom, left, top, textpage.get_text_bounded(left, bottom, right, top)))
            pages.append(_lines(segments, height))
    finally:
        document.close()
    return pages


def _lines(segments, height: float) -> list[tuple[float, float, str]]:
    """Segments on one baseline (within 2 points) joined left to right."""
    rows: list[list] = []
    for bottom, left, top, text in sorted(segments, key=lambda s: (-s[0], s[1])):
        if rows and abs(rows[-1][0] - bottom) <= 2:
            rows[-1][3].append(text)
        else:
            rows.append([bottom, left, top, [text]])
    return [
        (1 - top / height, 1 - bottom / height, " ".join(t.strip() for t in texts))
        for bottom, _, top, texts in rows
    ]


def _unusable(text: str) -> bool:
    chars = [c for c in _CID.sub("\ufffd", text) if not c.isspace()]
    bad = sum(c == "\ufffd" or unicodedata.category(c) in ("Cc", "Co", "Cn") for c in chars)
    return bad > MAX_GARBAGE * len(chars)


def _drop_furniture(pages, dropped: list[str]):
    """Pages without their headers, footers and page numbers (see the module docstring); the lines
    dropped are appended to ``dropped``."""

    def key(text):
        return re.sub(r"\d+", "#", text)

    def in_margin(top, bottom):
        return bottom <= MARGIN or top >= 1 - MARGIN

    margins = [{key(t) for top, bottom, t in page if in_margin(top, bottom)} for page in pages]
    recurring = Counter(k for keys in margins for k in keys)
    for page in pages:
        kept = []
        for top, bottom, text in page:
            if in_margin(top, bottom) and (_PAGE_NUMBER.match(text) or recurring[key(text)] > 1):
                dropped.append(text)
            else:
                kept.append((top, bottom, text))
        yield kept


def _with_paragraph_gaps(page) -> list[str]:
    """The page's lines, a blank line where the vertical gap exceeds PARAGRAPH_GAP line spacings."""
    spacings = [b[0] - a[0] for a, b in pairwise(page)]
    usual = statistics.median(spacings) if spacings else 0
    lines = []
    for i, (_, _, text) in enumerate(page):
        if i and usual and spacings[i - 1] > PARAGRAPH_GAP * usual:
            lines.append("")
        lines.append(text)
    return lines
