"""Decode any text file the project reads (reports, manifests, dictionaries, stopwords, codebook, labels).

Files saved by ordinary editors are accepted as they come: a UTF-8 byte-order mark (Windows Notepad, Excel's
"CSV UTF-8") is removed, CRLF becomes LF, and a file that is not UTF-8 is read when its encoding is
unambiguous — UTF-16 with a byte-order mark, or exactly one of GB18030 (GBK, the default of Chinese-locale
Windows and Excel) and Big5 (Taiwan/Hong Kong) that decodes it plausibly (``charset_normalizer``'s mess
detector restricted to those two). When both read it plausibly (a short file), one line names what each
reading gives and how to choose: an ``encoding`` column in the manifest for a report, or re-saving as UTF-8.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from charset_normalizer import from_bytes

from .errors import InputError

if TYPE_CHECKING:  # loaded by read_csv only: the command line reads the codebook's text without pandas
    import pandas as pd

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
CHINESE_ENCODINGS = ("GB18030", "Big5")
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f]")
_SAVE_AS_UTF8 = "re-save it as UTF-8 (Excel: Save As › CSV UTF-8; Notepad: Save As › Encoding UTF-8)"


def read_text(path: Path, encoding: str = "") -> str:
    """The file's text (see the module docstring): BOM removed, LF line ends."""
    return read_text_encoding(path, encoding)[0]


def read_csv(path: Path, **kwargs) -> pd.DataFrame:
    """A CSV the project reads (dictionaries, labels), decoded like every text file; ``kwargs`` → pandas."""
    import pandas as pd

    return pd.read_csv(io.StringIO(read_text(path)), **kwargs)


def read_text_encoding(path: Path, encoding: str = "") -> tuple[str, str]:
    """``(text, encoding)``: the text as :func:`read_text` returns it and the encoding it was read in
    (``UTF-8`` with or without a BOM, ``UTF-16``, ``GB18030``, ``Big5`` or the ``encoding`` given).

    Raises InputError (missing, empty, binary, truncated, or an ambiguous/unknown encoding).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found", "check the path (in the manifest, relative to its folder)")
    data = path.read_bytes()
    if encoding:
        text, used = _decode_as(path, data, encoding), encoding
    elif data.startswith(UTF16_BOMS):
        text, used = data.decode("utf-16"), "UTF-16"
    else:
        _check_bytes(path, data)
        text, used = _decode_guess(path, data)
    if not text.strip():
        raise InputError(
            path, "file is empty", "give it its content (a report's text, or a manifest's header and rows)"
        )
    return text.replace("\r\n", "\n").replace("\r", "\n"), used


def _decode_as(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except LookupError:
        raise InputError(
            path, f"unknown encoding {encoding!r}", "use e.g. UTF-8, GB18030, Big5 or UTF-16"
        ) from None
    except UnicodeDecodeError as err:
        raise InputError(
            path, f"file is not valid {encoding} (byte {err.start})", "correct its `encoding` in the manifest"
        ) from None


def _check_bytes(path: Path, data: bytes) -> None:
    utf16 = _utf16(data)
    if utf16:
        raise InputError(
            path,
            f"file looks like {utf16} without a byte-order mark",
            f"set its `encoding` column to {utf16} in the manifest, or {_SAVE_AS_UTF8}",
        )
    if b"\x00" in data or len(_CONTROL.findall(data)) > 2:
        raise InputError(
            path, "file holds binary data, not text", "point the manifest at the plain-text file"
        )


def _decode_guess(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(UTF8_BOM):
        return _decode_utf8(path, data[len(UTF8_BOM) :]), "UTF-8"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data" and err.start >= len(data) - 3:
            raise InputError(
                path,
                "file ends in the middle of a UTF-8 character (truncated?)",
                "re-export the complete file",
            ) from None
    readings = {
        m.encoding: str(m) for m in from_bytes(data, cp_isolation=[e.lower() for e in CHINESE_ENCODINGS])
    }
    names = {"gb18030": "GB18030", "big5": "Big5"}
    if len(readings) == 1:
        ((name, text),) = readings.items()
        return text, names[name]
    if not readings:
        raise InputError(path, "file is neither UTF-8 nor GB18030 nor Big5", _SAVE_AS_UTF8)
    shown = "; ".join(f"as {names[e]} it reads {_sample(t)!r}" for e, t in sorted(readings.items()))
    raise InputError(
        path,
        f"file is not UTF-8 and its encoding is ambiguous ({shown})",
        f"for a report, set its `encoding` column in the manifest (GB18030 or Big5); or {_SAVE_AS_UTF8}; "
        f"or: iconv -f GB18030 -t UTF-8 '{path.name}' > 'fixed{path.suffix}'",
    )


def _decode_utf8(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(path, f"file is not valid UTF-8 (byte {err.start})", _SAVE_AS_UTF8) from None


def _sample(text: str, n: int = 8) -> str:
    """The first ``n`` non-ASCII characters: what tells two Chinese decodings apart."""
    return "".join(c for c in text if ord(c) > 127)[:n]


def _utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark, if it decodes to text (no control/unassigned characters)."""
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
