"""One reader per source format: a report's file → ordered, labelled blocks.

Text formats (decoded by :func:`helpers.textio.read_text_encoding`) have ``read(text, log)``; file formats
(``html``, ``pdf``) read the file themselves with ``read_file(path, log)``. Either way the text goes through
:func:`helpers.normalize.clean` (entities, invisible characters, full-width forms, corner quotes) before any
rule of a reader or of the analysis reads it: the whole decoded file for text formats, each block otherwise.
"""

from pathlib import Path

from ..audit import AuditLog
from ..normalize import clean
from ..textio import read_text_encoding
from . import html, ocr_newspaper, pdf, plain_text, web_page
from .common import Block

TEXT_READERS = {"ocr_newspaper": ocr_newspaper.read, "web_page": web_page.read, "plain_text": plain_text.read}
FILE_READERS = {"html": html.read_file, "pdf": pdf.read_file}
FORMATS = (*TEXT_READERS, *FILE_READERS)


def read_blocks(path: Path, fmt: str, log: AuditLog, encoding: str = "") -> tuple[list[Block], str]:
    """The report's blocks, read by the reader of ``fmt`` (one of :data:`FORMATS`), and the encoding the file
    was read in (``encoding`` if given; "" for file formats, which decode themselves)."""
    if fmt in FILE_READERS:
        blocks = FILE_READERS[fmt](Path(path), log)
        for block in blocks:
            block.text = clean(block.text, log)
        return blocks, ""
    text, used = read_text_encoding(path, encoding)
    return TEXT_READERS[fmt](clean(text, log), log), used
