"""One reader per source format: raw text → ordered, labelled blocks."""

from . import ocr_newspaper, web_page

READERS = {"ocr_newspaper": ocr_newspaper.read, "web_page": web_page.read}
