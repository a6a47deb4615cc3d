"""Plain text (``.txt``): a report typed or copied as text, in page order. The rules:

* paragraphs are separated by blank lines, or stand one per line; a paragraph hard-wrapped over several
  lines is joined by the OCR reader's evidence (a line ends its paragraph when it ends a sentence outside
  an open quotation and is shorter than the paragraph's lines, or is followed by an indented line);
  blank lines after (nearly) every line are line spacing, not paragraph breaks;
* the first short line (at most 40 characters) without terminal punctuation is the title (with any
  further such lines right after it as subtitles); with none, the report has no title and a warning;
* bare short lines between paragraphs are headings; bylines, editor lines, captions, dated page headers,
  date/source lines (``来源：…``, ``发布时间：…``: kept as metadata, giving ``published`` and ``source``) and
  page numbers are recognised by the same patterns as on an OCR page.

It is the OCR reader (:mod:`helpers.readers.ocr_newspaper`) without its reading-order repair.
"""

from ..audit import AuditLog
from . import ocr_newspaper
from .common import Block


def read(text: str, log: AuditLog) -> list[Block]:
    """Blocks of a plain-text report in page order, with sections."""
    return ocr_newspaper.read(text, log, repair_order=False)
