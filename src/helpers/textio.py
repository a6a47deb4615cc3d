"""Decode a report or manifest file as UTF-8, or explain exactly why not."""

import re
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
    if data.startswith(UTF16_BOMS):
        raise InputError(path, "file is UTF-16, not UTF-8", f"convert it: iconv -f UTF-16 -t UTF-8 '{path}'")
    data = data.removeprefix(UTF8_BOM)
    if not data.strip():
        raise InputError(
            path, "file is empty", "export the report's text into it, or remove its manifest row"
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
