"""A saved web page (``.html``/``.htm``): main text, title, date and author extracted with trafilatura.

* **encoding** — the one the page declares (``<meta charset>`` or ``http-equiv``), widened to its
  superset (GB2312/GBK → GB18030, Big5 → Big5-HKSCS) because pages often use characters beyond the
  declared set; a byte-order mark or valid UTF-8 when nothing is declared; else a guess (bs4's
  ``UnicodeDammit``, which also handles the BOM and the declaration).
* **main text** — ``trafilatura.extract`` (XML output with headings; no comments, tables or images),
  its minimum extraction size lowered for Chinese (a character carries about a word's information); each
  paragraph, heading, list item or quote is a line, also inside the ``<div>`` a page section becomes.
  Navigation, share bars, related links and footers are left out by trafilatura; what slips through
  (previous/next links, editor lines, captions, date/source lines) is labelled by the web-page rules.
* **title** — the page's ``<h1>`` when trafilatura keeps one, else its title with the site name cut
  off (the longest part between ``_``, ``|``, ``｜``, ``--``, `` - ``); **author** and **date** from
  trafilatura's metadata, and the page's date/source line (``…来源：… 作者：…``, which may carry a time
  and takes precedence) found among its short elements.
* a page whose extracted text holds no sentence (no Chinese clause or sentence punctuation) has no main
  text: an :class:`InputError` naming the file.

``raw_lines`` of an HTML block counts the extracted text: 1 is the title, then one line per paragraph
or heading in page order; the author, date and date/source line found outside the main text have none.
"""

import re
from functools import cache
from pathlib import Path

from ..audit import AuditLog
from ..errors import InputError
from . import web_page
from .common import Block, is_bare

_SITE_SEPARATOR = re.compile(r"\s*(?:_|\||｜|--|\s-\s|\s—\s)\s*")
_SENTENCE = re.compile(r"[，。；！？]")
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}
BLOCK_TAGS = ("head", "p", "item", "quote", "code")  # trafilatura's XML elements of one paragraph
MAX_META_CHARS = 100
MIN_EXTRACTED_CHARS = 50  # trafilatura's default (250) is tuned for alphabetic text


def read_file(path: Path, log: AuditLog) -> list[Block]:
    """Blocks of a saved web page: title, the page's own lines in order, then its metadata."""
    import trafilatura
    from lxml import etree

    html = decode(path)
    xml = trafilatura.extract(
        html,
        output_format="xml",
        include_formatting=True,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        config=_config(),
    )
    doc = etree.fromstring(xml.encode("utf-8")) if xml else None
    main = [] if doc is None else [(el.tag, " ".join("".join(el.itertext()).split())) for el in _blocks(doc)]
    main = [(tag, text) for tag, text in main if text]
    if not any(_SENTENCE.search(text) for _, text in main):
        raise InputError(
            path,
            "no main text found in the page (only navigation, lists or links)",
            "save the article's own page, or copy its text into a .txt file (format plain_text)",
        )
    h1 = next((text for tag, text in main if tag == "head"), None)
    title = h1 if h1 and is_bare(h1) else _strip_site_name(doc.get("title") or "")
    lines = [title] + [text for _, text in main if text != title]
    blocks = web_page.read("\n".join(lines), log)
    metadata = [("byline", doc.get("author")), ("meta", _date_source_line(html)), ("meta", doc.get("date"))]
    extra = [Block(kind, value.replace(";", " "), []) for kind, value in metadata if value]
    return blocks[:1] + extra + blocks[1:]


def _blocks(doc) -> list:
    """The main text's outermost block elements (paragraphs, headings, list items, quotes) in order, also
    inside the ``<div>`` wrappers trafilatura keeps for a page's sections (``<section>``)."""
    main = doc.find("main")
    return [el for el in main.iter(*BLOCK_TAGS) if not any(a.tag in BLOCK_TAGS for a in el.iterancestors())]


def _date_source_line(html: str) -> str | None:
    """The page's date/source line (``2024年05月20日09:30 来源：… 作者：…``), which trafilatura leaves out
    as boilerplate: the first short element whose text matches the web-page reader's metadata pattern."""
    import lxml.html

    for element in lxml.html.fromstring(html).iter("div", "p", "span", "td", "li"):
        text = " ".join(element.text_content().split())
        if len(text) <= MAX_META_CHARS and web_page.is_meta(text):
            return text
    return None


def decode(path: Path) -> str:
    """The page's text in its declared encoding (see the module docstring)."""
    from bs4.dammit import EncodingDetector, UnicodeDammit

    data = Path(path).read_bytes()
    declared = EncodingDetector.find_declared_encoding(data, is_html=True, search_entire_document=False)
    if declared:
        encoding = _SUPERSETS.get(declared.lower(), declared)
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    dammit = UnicodeDammit(data, is_html=True)
    if dammit.unicode_markup is None:
        raise InputError(path, "cannot tell the page's encoding", "re-save the page as UTF-8")
    return dammit.unicode_markup


def _strip_site_name(title: str) -> str:
    return max(_SITE_SEPARATOR.split(title), key=len).strip()


@cache
def _config():
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(MIN_EXTRACTED_CHARS))
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # no signal-based timeout (threads, Windows)
    return config
