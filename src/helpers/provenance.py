"""A record beside every output version (``build.json`` in a processed folder, ``provenance.json`` in the
notebook runner's folders): what made it, and the sha256 of every file it holds.

The record is the stamp: outputs are up to date only when the inputs recorded equal the inputs now
*and* every recorded output file still exists with the recorded content (:func:`up_to_date`). It holds
no timestamps, so equal inputs give byte-identical records.
"""

import json
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

from .inputs import sha256
from .io import write_text

FILE = "provenance.json"
DISTRIBUTION = "two-new-party-building"


def package_versions() -> dict[str, str]:
    """Installed version of this project and of each of its direct runtime dependencies."""
    requirements = [Requirement(r) for r in metadata.requires(DISTRIBUTION) or []]
    names = [r.name for r in requirements if r.marker is None]
    return {n: metadata.version(n) for n in sorted({DISTRIBUTION, *names}, key=str.lower)}


def output_hashes(folder: Path, name: str = FILE) -> dict[str, str]:
    """Relative path → sha256 of every file under ``folder`` but the record ``name`` itself."""
    folder = Path(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != name)
    return {p.relative_to(folder).as_posix(): sha256(p) for p in files}


def write(folder: Path, record: dict, name: str = FILE) -> Path:
    """Write the record ``folder/name``: ``record`` plus ``packages`` and the ``outputs`` hashes."""
    full = {**record, "packages": package_versions(), "outputs": output_hashes(folder, name)}
    text = json.dumps(full, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return write_text(Path(folder) / name, text)


def read(folder: Path, name: str = FILE) -> dict:
    """The record ``folder/name`` ({} if there is none or it is unreadable)."""
    try:
        return json.loads((Path(folder) / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def outputs_intact(folder: Path, outputs: dict[str, str]) -> bool:
    """True if every file in ``outputs`` (relative path → sha256) exists under ``folder`` unchanged."""
    return all(sha256(Path(folder) / name) == digest for name, digest in outputs.items())


def up_to_date(folder: Path, input_hash: str, name: str = FILE) -> bool:
    """True if the record ``folder/name`` says it was made from ``input_hash`` and none of its outputs is
    missing or edited."""
    record = read(folder, name)
    return record.get("input_hash") == input_hash and outputs_intact(folder, record.get("outputs", {}))
