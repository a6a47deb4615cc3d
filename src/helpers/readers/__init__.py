"""One reader per source format: a report's file → ordered, labelled blocks.

Text formats (decoded by :func:`helpers.textio.read_text`) have ``read(text, log)``; file formats
(``html``, ``pdf``) read the file themselves with ``read_file(path, log)``.
"""

from pathlib import Path

from ..audit import AuditLog
from ..textio import read_text
from . import html, ocr_newspaper, pdf, plain_text, web_page
from .common import Block

TEXT_READERS = {"ocr_newspaper": ocr_newspaper.read, "web_page": web_page.read, "plain_text": plain_text.read}
FILE_READERS = {"html": html.read_file, "pdf": pdf.read_file}
FORMATS = (*TEXT_READERS, *FILE_READERS)


def read_blocks(path: Path, fmt: str, log: AuditLog) -> list[Block]:
    """The report's blocks, read by the reader of ``fmt`` (one of :data:`FORMATS`)."""
    if fmt in FILE_READERS:
        return FILE_READERS[fmt](Path(path), log)
    return TEXT_READERS[fmt](read_text(path), log)
