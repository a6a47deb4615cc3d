"""Read and validate ``manifest.csv``: one row per report, files relative to the manifest's folder."""

import csv
import io
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from .errors import InputError
from .readers import FORMATS
from .textio import read_text

COLUMNS = ["report_id", "file", "region", "region_zh", "format", "script", "source", "published", "url"]
SCRIPTS = ("simplified", "traditional")


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
    reports, seen = [], set()
    for n, row in enumerate(rows, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k in COLUMNS}
        where = f"row {n} ({row['report_id'] or 'no report_id'})"
        for field in ("report_id", "file", "region"):
            if not row[field]:
                raise InputError(path, f"{where}: empty `{field}`", f"fill in `{field}`")
        if row["report_id"] in seen:
            raise InputError(path, f"{where}: duplicate report_id", "give every report a unique report_id")
        seen.add(row["report_id"])
        _check_choice(path, where, row, "format", FORMATS)
        _check_choice(path, where, row, "script", SCRIPTS)
        reports.append(Report(path=_resolve(path, where, row.pop("file")), **row))
    if not reports:
        raise InputError(path, "manifest has no report rows", "add one row per report")
    return reports


def _check_choice(path: Path, where: str, row: dict, field: str, allowed: tuple[str, ...]) -> None:
    if row[field] not in allowed:
        raise InputError(
            path, f"{where}: unknown {field} {row[field]!r}", f"use one of: {', '.join(allowed)}"
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
