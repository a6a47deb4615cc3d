"""Decode a report or manifest file as UTF-8, or explain exactly why not."""

import re
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import InputError

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f]")


def read_text(path: Path) -> str:
    """Return the file's text (a UTF-8 BOM is accepted and removed; CRLF becomes LF)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found", "check the path (in the manifest, relative to its folder)")
    data = path.read_bytes()
    utf16 = _utf16(data)
    if utf16:
        raise InputError(
            path,
            f"file is {utf16}, not UTF-8",
            f"convert it: iconv -f {utf16} -t UTF-8 '{path}' > fixed.txt, then use fixed.txt",
        )
    data = data.removeprefix(UTF8_BOM)
    if not data.strip():
        raise InputError(
            path, "file is empty", "give it its content (a report's text, or a manifest's header and rows)"
        )
    if b"\x00" in data or len(_CONTROL.findall(data)) > 2:
        raise InputError(
            path, "file holds binary data, not text", "point the manifest at the plain-text file"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _decode_error(path, data, err) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _utf16(data: bytes) -> str | None:
    """UTF-16 with a byte-order mark, or without one if it decodes to text (no control/unassigned chars)."""
    if data.startswith(UTF16_BOMS):
        return "UTF-16"
    if b"\x00" not in data or len(data) % 2:
        return None
    for encoding in ("UTF-16LE", "UTF-16BE"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if all(c in "\t\n\r" or unicodedata.category(c) not in ("Cc", "Cn", "Co") for c in text):
            return encoding
    return None


def _decode_error(path: Path, data: bytes, err: UnicodeDecodeError) -> InputError:
    if err.reason == "unexpected end of data":
        return InputError(
            path, "file ends in the middle of a UTF-8 character (truncated?)", "re-export the complete file"
        )
    best = from_bytes(data).best()
    guess = best.encoding.upper().replace("_", "-") if best else None
    if guess and guess not in {"UTF-8", "ASCII"}:
        return InputError(
            path,
            f"file is not UTF-8 (it looks like {guess})",
            f"convert it: iconv -f {guess} -t UTF-8 '{path}' > fixed.txt, then use fixed.txt",
        )
    return InputError(path, f"file is not valid UTF-8 (byte {err.start})", "re-save the file as UTF-8")
