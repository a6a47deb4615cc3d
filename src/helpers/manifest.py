"""Read and validate ``manifest.csv``: one row per report, files relative to the manifest's folder.

``region`` and every column beyond ``COLUMNS`` and ``OPTIONAL`` are grouping variables (docvars), kept as
text. An empty value there is not an error: the report is kept and joins the explicit ``(missing)`` group;
the build warns once, naming the rows (:func:`warn_empty_groups`).
"""

import csv
import io
import re
import warnings
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path, PurePosixPath, PureWindowsPath

from .errors import InputError
from .overrides import OVERRIDES, load_overrides
from .readers import FORMATS
from .textio import read_text

COLUMNS = ["report_id", "file", "region", "region_zh", "format", "script", "source", "published", "url"]
MISSING = "(missing)"  # the group of a report whose grouping value is empty
# columns of reports.csv that the build computes (a manifest column may not take their names)
DERIVED = (
    "title", "subtitle", "authors", "n_chars", "n_paragraphs", "n_sentences",
    "format_reason", "script_reason", "convention",
    "lines_joined", "n_headings", "n_captions", "sections_reordered", "lines_dropped", "reader_warnings",
)  # fmt: skip
OPTIONAL = ["encoding"]  # the report file's encoding when it cannot be detected (e.g. GB18030, Big5)
SCRIPTS = ("simplified", "traditional", "traditional_tw", "traditional_hk")
AUTO = ("", "auto")  # `format`/`script` left to detection (helpers.readers.detect)
# Dates as spreadsheets write them: 2025-01-08, 2025/1/8, 2025.1.8, 2025年1月8日 (time optional).
_DATE = re.compile(
    r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?(?:[ T](\d{1,2}):(\d{2}))?"
)


@dataclass(frozen=True)
class Report:
    """One manifest row, with ``path`` resolved against the manifest's folder."""

    report_id: str
    path: Path
    region: str
    region_zh: str
    format: str
    script: str
    source: str
    published: str
    url: str
    encoding: str = ""
    extra: dict[str, str] = field(default_factory=dict, hash=False)  # columns beyond COLUMNS: docvars
    overrides: dict = field(
        default_factory=dict, hash=False
    )  # its entry in overrides.yml (helpers.overrides)


class GroupWarning(UserWarning):
    """A grouping value is empty: the report goes to the ``(missing)`` group."""


def group_columns(reports: list[Report]) -> list[str]:
    """The grouping variables of a manifest: ``region``, then its extra columns in header order."""
    return ["region", *(reports[0].extra if reports else {})]


def read_manifest(path: Path) -> list[Report]:
    """Parse and check the manifest; every problem is an InputError naming the row and field."""
    path = Path(path)
    reader = csv.DictReader(io.StringIO(read_text(path)))
    header, rows = reader.fieldnames or [], list(reader)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(
            path, f"missing column(s) {', '.join(missing)}", f"use the header {','.join(COLUMNS)}"
        )
    extra = [c for c in header if c and c not in COLUMNS + OPTIONAL]
    taken = [c for c in extra if c in DERIVED]
    if taken:
        raise InputError(
            path, f"column(s) {', '.join(taken)} are computed by the build", "rename the column(s)"
        )
    reports, seen = [], set()
    for n, row in enumerate(rows, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        where = f"row {n} ({row['report_id'] or 'no report_id'})"
        for name in ("report_id", "file"):
            if not row[name]:
                raise InputError(path, f"{where}: empty `{name}`", f"fill in `{name}`")
        if row["report_id"] in seen:
            raise InputError(path, f"{where}: duplicate report_id", "give every report a unique report_id")
        seen.add(row["report_id"])
        _check_choice(path, where, row, "format", (*FORMATS, "auto"))
        _check_choice(path, where, row, "script", (*SCRIPTS, "auto"))
        row["published"] = iso_date(row["published"], path, where)
        file = _resolve(path, where, row["file"])
        fixed = {k: row[k] for k in COLUMNS + OPTIONAL if k != "file" and k in row}
        reports.append(Report(path=file, **fixed, extra={k: row[k] for k in extra}))
    if not reports:
        raise InputError(path, "manifest has no report rows", "add one row per report")
    overrides = load_overrides(path.parent / OVERRIDES, [r.report_id for r in reports])
    return [replace(r, overrides=overrides[r.report_id]) if r.report_id in overrides else r for r in reports]


def warn_empty_groups(path: Path, reports: list[Report]) -> None:
    """One :class:`GroupWarning` per grouping column with empty values, naming the manifest rows."""
    for name in group_columns(reports):
        rows = [
            str(n)
            for n, r in enumerate(reports, start=2)
            if not (r.region if name == "region" else r.extra[name])
        ]
        if rows:
            warnings.warn(
                f"{path}: empty `{name}` in row(s) {', '.join(rows)}: those reports form the group "
                f"{MISSING} when grouping by {name} (fill in `{name}` to place them)",
                GroupWarning,
                stacklevel=3,
            )


def _check_choice(path: Path, where: str, row: dict, field: str, allowed: tuple[str, ...]) -> None:
    if row[field] not in (*allowed, ""):
        raise InputError(
            path,
            f"{where}: unknown {field} {row[field]!r}",
            f"use one of: {', '.join(allowed)} (or leave it empty: detected from the file)",
        )


def iso_date(value: str, path: Path, where: str) -> str:
    """``published`` as ISO 8601 (``2025-01-08``, ``2025-01-08T14:20``); "" stays ""; else InputError."""
    if not value:
        return ""
    m = _DATE.fullmatch(value)
    if m:
        y, mo, d, hh, mm = m.groups()
        iso = f"{y}-{int(mo):02d}-{int(d):02d}" + (f"T{int(hh):02d}:{mm}" if hh else "")
        try:
            date.fromisoformat(iso[:10])
            return iso
        except ValueError:
            pass
    raise InputError(
        path,
        f"{where}: `published` {value!r} is not a date",
        "write it as 2025-01-08 (or 2025/1/8, 2025年1月8日)",
    )


def _resolve(manifest: Path, where: str, file: str) -> Path:
    """Resolve ``file`` inside the manifest's folder; absolute paths and ``..`` are refused."""
    pure = PurePosixPath(file.replace("\\", "/"))
    if pure.is_absolute() or PureWindowsPath(file).is_absolute() or ".." in pure.parts:
        raise InputError(
            manifest,
            f"{where}: file {file!r} escapes the manifest's folder",
            "put the report beside the manifest and give a relative path",
        )
    return manifest.parent / pure
